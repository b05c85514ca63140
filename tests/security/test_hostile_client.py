"""A logged-in resident calls event handlers directly over the websocket with forged arguments.

Each attempt must be refused and leave the database exactly as it was.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from buuv_app.models import AuthSession, Post, User
from buuv_app.state.account import AccountState, LoginState
from buuv_app.state.base import AppState
from buuv_app.state.feed import FeedState
from buuv_app.state.manage.roles import AmbassadorsState, ProfessionalsState
from buuv_app.state.messaging import ConversationState, InboxState, ReplyState, SeenState
from buuv_app.state.outbox import PostOutboxState
from buuv_app.state.post import NewPostState, PostState
from tests.e2e.auth import PASSWORD, create_member
from tests.security.client import HostileClient, delta_value
from tests.security.hostile import UPDATE_VARS, handler, logged_in, offline_post, with_token

pytestmark = pytest.mark.security

def snapshot(db: Session) -> dict:
    """Everything an attack could change, as plain values."""
    db.rollback()  # a fresh read, not an old snapshot
    users = db.exec(select(User).order_by(User.id)).all()
    posts = db.exec(select(Post).order_by(Post.id)).all()
    return {
        "users": [(u.id, u.display_name, u.email, u.role, u.municipality_id, u.password_hash, u.deleted_at)
                  for u in users],
        "posts": [(p.id, p.title, p.body, p.status, p.author_id) for p in posts],
    }


def test_cannot_edit_another_members_post(mallory, people, app_db):
    before = snapshot(app_db)
    post = people["victim_post"]
    mallory.call(handler(AccountState, "save_post"),
                 {"form": {"post_id": str(post.id), "title": "Gekaapt", "body": "Door Mallory"}})
    mallory.call(handler(AccountState, "edit_post"), {"post_id": post.id})
    assert snapshot(app_db) == before


def test_cannot_delete_another_members_post(mallory, people, app_db):
    before = snapshot(app_db)
    updates = mallory.call(handler(AccountState, "delete_post"), {"post_id": people["victim_post"].id})
    assert "Dat mag je niet doen" in "".join(u.text for u in updates)
    assert snapshot(app_db) == before


def test_cannot_read_another_members_email(mallory, people, app_db):
    victim = people["victim"]
    forged = {"user_id": victim.id, "id": victim.id, "email": victim.email}
    mallory.call(handler(AccountState, "load_account"), forged, path="/account", query={"user_id": str(victim.id)})
    mallory.call(handler(AccountState, "load_account"), path="/account", query={"user_id": str(victim.id)})
    mallory.call(handler(AmbassadorsState, "find_member"), {"form": {"email": victim.email}})
    mallory.call(handler(ProfessionalsState, "load_professionals"))
    assert mallory.saw(people["mallory"].email)  # the account page did load: her own address
    assert not mallory.saw(victim.email.split("@")[0])


def test_cannot_grant_itself_a_role(mallory, people, app_db):
    before = snapshot(app_db)
    me = people["mallory"].id
    mallory.call(handler(AmbassadorsState, "grant_ambassador"), {"user_id": me})
    mallory.call(handler(ProfessionalsState, "grant_professional"),
                 {"form": {"user_id": str(me), "municipality": "leiden"}})
    mallory.call(handler(ProfessionalsState, "revoke_professional"), {"user_id": people["professional"].id})
    assert snapshot(app_db) == before


def test_cannot_become_someone_else_by_setting_ids_or_vars(mallory, people, app_db):
    before = snapshot(app_db)
    victim = people["victim"]
    app_state = AppState.get_full_name()
    update_vars = UPDATE_VARS
    # Not client storage: ignored. The session cookie: only a real token means anything.
    mallory.call(update_vars, {"vars": {f"{app_state}.viewer_role_rx_state_": "admin",
                                        f"{app_state}.viewer_name_rx_state_": victim.display_name}})
    mallory.call(handler(AppState, "setvar"), {"var_name": "viewer_role", "value": "admin"})
    mallory.call(handler(AccountState, "load_account"), {"user_id": victim.id}, path="/account")
    assert not mallory.saw(victim.email)
    mallory.call(update_vars, {"vars": {f"{app_state}.auth_token_rx_state_": str(victim.id)}})
    updates = mallory.call(handler(AccountState, "load_account"), path="/account")
    assert "/inloggen" in "".join(u.text for u in updates)  # not logged in as anyone now
    assert not mallory.saw(victim.email)
    assert snapshot(app_db) == before


def test_cannot_call_professional_or_admin_handlers(mallory, people, app_db):
    before = snapshot(app_db)
    updates = mallory.call(handler(AmbassadorsState, "load_ambassadors"), path="/beheer/ambassadeurs")
    assert "Dat mag je niet doen" in "".join(u.text for u in updates)
    assert not delta_value(updates, "members")
    updates = mallory.call(handler(ProfessionalsState, "load_professionals"), path="/beheer/professionals")
    assert "Dat mag je niet doen" in "".join(u.text for u in updates)
    assert not mallory.saw(people["professional"].email)
    assert snapshot(app_db) == before


def test_a_logged_out_token_cannot_be_replayed(app_url, mallory, people, app_db):
    stolen = mallory.session_token
    # While it is valid, the token works from any connection: that is what a bearer token is.
    second = with_token(app_url, stolen)
    try:
        second.call(handler(AccountState, "load_account"), path="/account")
        assert second.saw(people["mallory"].email)
    finally:
        second.close()

    mallory.call(handler(AppState, "log_out"))
    app_db.rollback()
    assert app_db.exec(select(AuthSession).where(AuthSession.user_id == people["mallory"].id)).all() == []
    before = snapshot(app_db)

    replay = with_token(app_url, stolen)
    try:
        updates = replay.call(handler(AccountState, "load_account"), path="/account")
        assert "/inloggen" in "".join(u.text for u in updates)
        replay.call(handler(AccountState, "delete_account"), {"form": {"password": PASSWORD}})
        assert not replay.saw(people["mallory"].email)
    finally:
        replay.close()
    assert snapshot(app_db) == before


def test_anonymous_client_cannot_call_member_handlers(app_url, people, app_db):
    before = snapshot(app_db)
    client = HostileClient(app_url)
    try:
        client.call(handler(AccountState, "delete_post"), {"post_id": people["victim_post"].id})
        client.call(handler(AccountState, "download_data"))
        client.call(handler(AccountState, "save_profile"), {"form": {"display_name": "X", "neighbourhood": "merenwijk"}})
        assert not client.saw(people["victim"].email)
    finally:
        client.close()
    assert snapshot(app_db) == before


def test_cannot_renew_close_or_match_another_members_post(mallory, people, app_db):
    before = snapshot(app_db)
    victim_post = people["victim_post"]
    path = f"/hulp/{victim_post.id}"
    for name, payload in (("renew", {}), ("close", {}),
                          ("mark_matched", {"form": {"helped_by": "Mallory", "thank_you": "gekaapt"}})):
        # The browser sends route parameters inside the query, as React Router hands them over.
        updates = mallory.call(handler(PostState, name), payload, path=path,
                               query={"post_id": str(victim_post.id)})
        assert "Dat mag je niet doen" in "".join(u.text for u in updates), name
    assert snapshot(app_db) == before


def test_visitors_cannot_post_or_upload(app_url, people, app_db):
    before = snapshot(app_db)
    client = HostileClient(app_url)
    try:
        form = {"title": "Spam", "body": "Koop nu", "neighbourhood": "merenwijk"}
        updates = client.call(handler(NewPostState, "create"), {"form": form}, path="/hulp/nieuw")
        assert "/inloggen" in "".join(u.text for u in updates)
        client.call(handler(NewPostState, "choose_category"), {"slug": "tuin"})
    finally:
        client.close()
    assert snapshot(app_db) == before


def test_members_only_posts_never_reach_a_visitor_through_the_feed(app_url, people, app_db, mallory):
    from buuv_app.services import posts

    shy = posts.create_post(session=app_db, author=people["victim"], kind="request",
                            title="Verlegen vraag van Vera", body="Alleen voor leden.",
                            category_slug="gezelschap", neighbourhood_slug="merenwijk", visibility="members")
    client = HostileClient(app_url)
    try:
        client.call(handler(FeedState, "load_browse"), path="/hulp", query={"q": "verlegen"})
        client.call(handler(FeedState, "apply_filters"), {"form": {"q": "Vera"}}, path="/hulp")
        client.call(handler(PostState, "load_post"), path=f"/hulp/{shy.id}", query={"post_id": str(shy.id)})
        assert not client.saw("Verlegen vraag van Vera")
    finally:
        client.close()
    # The same calls from a signed-in member do show it: the refusals above are not an accident.
    mallory.call(handler(PostState, "load_post"), path=f"/hulp/{shy.id}", query={"post_id": str(shy.id)})
    assert mallory.saw("Verlegen vraag van Vera")


def test_removing_filters_reveals_no_members_only_post_and_takes_any_payload(app_url, people, app_db):
    from buuv_app.services import posts

    posts.create_post(session=app_db, author=people["victim"], kind="request", title="Stille vraag van Vera",
                      body="Alleen voor leden.", category_slug="gezelschap", neighbourhood_slug="merenwijk",
                      visibility="members")
    client = HostileClient(app_url)
    try:
        client.call(handler(FeedState, "load_browse"), path="/hulp", query={"q": "stille", "buurten": "merenwijk"})
        for key in ("q", "wijk:merenwijk", 42, None, ["kind"], "x" * 10_000, "wijk:"):
            client.call(handler(FeedState, "remove_filter"), {"key": key}, path="/hulp")
        client.call(handler(FeedState, "clear_filters"), path="/hulp")
        assert not client.saw("Stille vraag van Vera")
    finally:
        client.close()


def _post_upload(app_url: str, client_token: str, data: bytes, session_token: str | None = None):
    import httpx

    # A browser sends the session cookie with the upload (same origin): the door checks it first.
    cookies = {"buuv_session": session_token} if session_token else None
    return httpx.post(
        f"{app_url}/_upload",
        headers={"reflex-client-token": client_token,
                 "reflex-event-handler": handler(NewPostState, "upload_photo")},
        files=[("files", ("foto.jpg", data, "image/jpeg"))],
        cookies=cookies,
        timeout=20,
    )


def test_only_members_can_upload_photos(app_url, running, mallory, tmp_path):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buffer, "JPEG")
    before = set(running.upload_dir.glob("*")) if running.upload_dir.exists() else set()

    visitor = HostileClient(app_url)
    try:
        assert _post_upload(app_url, visitor.token, buffer.getvalue()).status_code == 401
        visitor.call(handler(AppState, "ping"), {"marker": "x"})  # the upload's event has been handled
    finally:
        visitor.close()
    after_visitor = set(running.upload_dir.glob("*")) if running.upload_dir.exists() else set()
    assert after_visitor == before

    # The same request from a logged-in member stores the photo: the refusal above is real.
    _post_upload(app_url, mallory.token, buffer.getvalue(), mallory.session_token)
    mallory.call(handler(AppState, "ping"), {"marker": "y"})
    assert len(set(running.upload_dir.glob("*")) - before) == 2  # the photo and its thumbnail


def test_an_oversized_upload_is_refused_before_it_is_read(app_url, mallory):
    import httpx

    from buuv_app.security.middleware import UPLOAD_LIMIT

    headers = {"reflex-client-token": mallory.token, "reflex-event-handler": handler(NewPostState, "upload_photo")}
    cookies = {"buuv_session": mallory.session_token}
    # Announced too large: refused on the headers alone.
    announced = httpx.post(f"{app_url}/_upload", headers=headers, cookies=cookies, timeout=20,
                           files=[("files", ("foto.jpg", b"x" * (UPLOAD_LIMIT + 1), "image/jpeg"))])
    assert announced.status_code == 413

    # Streamed without a length (chunked): cut off once past the limit, long before the end.
    def endless():
        yield (b'--grens\r\nContent-Disposition: form-data; name="files"; filename="foto.jpg"\r\n'
               b"Content-Type: image/jpeg\r\n\r\n")
        for _ in range(4 * UPLOAD_LIMIT // (64 * 1024)):
            yield b"x" * (64 * 1024)
        yield b"\r\n--grens--\r\n"

    try:
        status = httpx.post(f"{app_url}/_upload", cookies=cookies, content=endless(), timeout=20,
                            headers={**headers, "content-type": "multipart/form-data; boundary=grens"}).status_code
    except httpx.HTTPError:
        status = 413  # the server closed the connection while we were still sending: refused too
    assert status == 413


def test_the_app_sends_its_security_headers_and_allows_no_other_origin(app_url):
    import httpx

    page = httpx.get(f"{app_url}/", timeout=20)
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] and page.headers["permissions-policy"]
    foreign = httpx.get(f"{app_url}/api/boards", headers={"Origin": "https://evil.example"}, timeout=20)
    assert foreign.headers.get("access-control-allow-origin") in (None, app_url)
    own = httpx.get(f"{app_url}/api/boards", headers={"Origin": app_url}, timeout=20)
    assert own.headers.get("access-control-allow-origin") == app_url


def message_snapshot(db):
    from buuv_app.models import Block, Message, Report

    db.rollback()
    return (
        [(m.id, m.conversation_id, m.sender_id, m.body) for m in db.exec(select(Message).order_by(Message.id)).all()],
        [(b.blocker_id, b.blocked_id) for b in db.exec(select(Block)).all()],
        len(db.exec(select(Report)).all()),
    )


def test_cannot_read_write_block_or_report_a_conversation_you_are_not_in(mallory, private_talk, app_db):
    before = message_snapshot(app_db)
    path, query = f"/berichten/{private_talk.id}", {"conversation_id": str(private_talk.id)}
    mallory.call(handler(ConversationState, "load_conversation"), path=path, query=query)
    # Forge the state's conversation id through every handler that takes input.
    mallory.call(handler(ConversationState, "send"),
                 {"form": {"client_id": "mallory-device-01", "message": "Hallo Vera"}}, path=path, query=query)
    mallory.call(handler(ConversationState, "send"),
                 {"form": {"client_id": "mallory-device-02", "message": "Hallo", "conversation_id": private_talk.id,
                           "sender_id": private_talk.responder_id}}, path=path, query=query)
    # The device outbox's resend: other people's conversations, junk items, a forged sender.
    mallory.call(handler(ConversationState, "resend"),
                 {"items": [{"client_id": "mallory-device-03", "message": "Hallo", "conversation_id": private_talk.id},
                            {"client_id": "prof-device-0001", "message": "x", "conversation_id": private_talk.id,
                             "sender_id": private_talk.responder_id},
                            "junk", None, {"conversation_id": "1 OR 1=1"}]}, path=path, query=query)
    mallory.call(handler(ConversationState, "resend"), {"items": "not a list"}, path=path, query=query)
    mallory.call(handler(ConversationState, "block_person"), path=path, query=query)
    mallory.call(handler(ConversationState, "report_conversation"), {"form": {"reason": "nep"}}, path=path,
                 query=query)
    mallory.call(handler(ConversationState, "watch"), {"generation": 1}, path=path, query=query)
    assert not mallory.saw("Zonnebloemstraat")
    assert message_snapshot(app_db) == before


def test_visitors_cannot_reply_or_read_the_inbox(app_url, people, private_talk, app_db):
    before = message_snapshot(app_db)
    client = HostileClient(app_url)
    try:
        client.call(handler(ReplyState, "reply"), {"post_id": private_talk.post_id})
        client.call(handler(InboxState, "load_inbox"), path="/berichten")
        client.call(handler(ConversationState, "load_conversation"), path=f"/berichten/{private_talk.id}",
                    query={"conversation_id": str(private_talk.id)})
        assert not client.saw("Zonnebloemstraat") and not client.saw("Vera zoekt hulp")
    finally:
        client.close()
    assert message_snapshot(app_db) == before


def test_a_participant_does_read_the_conversation(app_url, people, private_talk):
    """The positive control for the two tests above: the same calls work for Vera herself."""
    client = HostileClient(app_url)
    try:
        client.call(handler(LoginState, "log_in"), {"form": {"email": people["victim"].email, "password": PASSWORD}},
                    path="/inloggen")
        client.call(handler(ConversationState, "load_conversation"), path=f"/berichten/{private_talk.id}",
                    query={"conversation_id": str(private_talk.id)})
        assert client.saw("Zonnebloemstraat")
        client.call(handler(ConversationState, "resend"),
                    {"items": [{"client_id": "vera-device-0001", "message": "Dank je!",
                                "conversation_id": private_talk.id}]},
                    path=f"/berichten/{private_talk.id}", query={"conversation_id": str(private_talk.id)})
        assert client.saw("Dank je!")
    finally:
        client.close()


def read_snapshot(db):
    from buuv_app.models import ConversationRead

    db.rollback()
    return sorted((r.conversation_id, r.user_id, r.last_read_message_id)
                  for r in db.exec(select(ConversationRead)).all())


def test_seen_marks_nothing_in_a_conversation_you_are_not_in(app_url, mallory, people, private_talk, app_db):
    before = read_snapshot(app_db)
    for report in ({"visible": True, "conversation_id": private_talk.id, "message_id": 10**9},
                   {"visible": True, "conversation_id": private_talk.id, "message_id": 1},
                   {"visible": "yes", "conversation_id": "1 OR 1=1", "message_id": [1]}, "junk", None):
        mallory.call(handler(SeenState, "report_view"), {"report": report})
    visitor = HostileClient(app_url)
    try:
        visitor.call(handler(SeenState, "report_view"),
                     {"report": {"visible": True, "conversation_id": private_talk.id, "message_id": 10**9}})
    finally:
        visitor.close()
    assert read_snapshot(app_db) == before


def test_a_participants_seen_reaches_only_messages_that_exist(app_url, people, private_talk, app_db):
    """Vera may say she saw her conversation, but an id from the future does not read tomorrow's message."""
    from buuv_app.services import messaging

    client = HostileClient(app_url)
    try:
        client.call(handler(LoginState, "log_in"), {"form": {"email": people["victim"].email, "password": PASSWORD}},
                    path="/inloggen")
        client.call(handler(SeenState, "report_view"),
                    {"report": {"visible": True, "conversation_id": private_talk.id, "message_id": 10**9}})
    finally:
        client.close()
    app_db.rollback()
    assert messaging.unread_total(session=app_db, user=people["victim"]) == 0
    messaging.send_message(session=app_db, user=people["professional"], conversation_id=private_talk.id,
                           client_id="prof-device-0002", body="Nog een vraag")
    assert messaging.unread_total(session=app_db, user=people["victim"]) == 1


def test_the_post_outbox_places_only_for_the_caller_and_only_once(app_url, mallory, people, app_db):
    before = snapshot(app_db)
    visitor = HostileClient(app_url)
    try:
        visitor.call(handler(PostOutboxState, "place"), {"items": [offline_post("visitor-post-0001")]})
    finally:
        visitor.close()
    assert snapshot(app_db) == before

    victim = people["victim"]
    items = [offline_post("mallory-post-0001", author_id=victim.id, author=victim.id),
             "junk", None, {"client_id": "no good; id"}, offline_post("short")]
    mallory.call(handler(PostOutboxState, "place"), {"items": items})
    mallory.call(handler(PostOutboxState, "place"), {"items": items})  # the device sends it again
    mallory.call(handler(PostOutboxState, "place"), {"items": "not a list"})
    app_db.rollback()
    new = [p for p in app_db.exec(select(Post)).all() if p.id not in {row[0] for row in before["posts"]}]
    assert [(p.title, p.author_id) for p in new] == [("Wie helpt met de gordijnen?", people["mallory"].id)]


def test_a_script_cannot_flood_the_board_with_posts(app_url, app_db):
    from datetime import timedelta

    from buuv_app.models import utcnow
    from buuv_app.services import throttle

    member = create_member(app_db, created_at=utcnow() - timedelta(days=30))
    client = logged_in(app_url, member.email, forwarded_for="203.0.113.71")
    try:
        batches = (throttle.POST_LIMIT + 5) // 5
        for b in range(batches):
            items = [{"client_id": f"flood-device-{b:02d}-{i:02d}", "kind": "request", "title": f"Koop nu {b}-{i}",
                     "body": "Goedkoop!", "category": "tuin", "neighbourhood": "merenwijk"} for i in range(5)]
            client.call(handler(PostOutboxState, "place"), {"items": items}, path="/hulp/nieuw")
        assert client.saw("Je hebt het afgelopen uur al veel oproepen geplaatst")
    finally:
        client.close()
    app_db.rollback()
    assert len(app_db.exec(select(Post).where(Post.author_id == member.id)).all()) == throttle.POST_LIMIT
