"""A hostile client and member profiles: reading one without an account or someone without a
profile, editing someone else's, and "wie hielp?" on other people's posts or with people the
author never talked to. Nothing leaks (no e-mail address, ever) and nothing changes."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image
from sqlmodel import Session

from buuv_app.models import Post, User, utcnow
from buuv_app.state.post import PostState
from buuv_app.state.profiles import ProfileEditState, ProfileState
from tests.e2e.auth import create_member, unique_email
from tests.factories import make_conversation, make_post
from tests.security.client import HostileClient
from tests.security.hostile import handler, logged_in

pytestmark = pytest.mark.security

INTRO = "Vera breit sjaals voor de hele straat."


@pytest.fixture
def people(app_db: Session):
    vera = create_member(app_db, email=unique_email("vera"), display_name="Vera", intro=INTRO)
    mallory = create_member(app_db, email=unique_email("mallory"), display_name="Mallory")
    henk = create_member(app_db, email=unique_email("henk"), display_name="Henk")
    post = make_post(app_db, author=vera, neighbourhood=None, title="Vera zoekt hulp met de heg")
    make_conversation(app_db, post, henk)
    return {"vera": vera, "mallory": mallory, "henk": henk, "post": post}


def _open_profile(client: HostileClient, user_id) -> None:
    client.call(handler(ProfileState, "load_profile"), path=f"/buur/{user_id}", query={"member_id": str(user_id)})


def test_a_visitor_reads_nothing_of_a_profile_and_is_sent_to_log_in(app_url, people):
    client = HostileClient(app_url)
    try:
        _open_profile(client, people["vera"].id)
        client.call(handler(ProfileState, "load_profile"), {"member_id": people["vera"].id},
                    path=f"/buur/{people['vera'].id}", query={"member_id": str(people["vera"].id), "viewer": "admin"})
        assert not client.saw(INTRO) and not client.saw(people["vera"].email)
        assert client.saw("/inloggen?next=")
    finally:
        client.close()


def test_a_member_reads_a_profile_without_its_email_and_hostile_ids_find_nothing(app_url, people, app_db):
    client = logged_in(app_url, people["mallory"].email)
    try:
        _open_profile(client, people["vera"].id)
        assert client.saw(INTRO), "the profile did not load: the refusals below would prove nothing"
        assert not client.saw(people["vera"].email)
        client.received.clear()
        for hostile in ("0", "-1", "99999999999", "1 OR 1=1", "../account", f"{people['vera'].id}.0"):
            _open_profile(client, hostile)
        assert not client.saw(INTRO)
        _open_profile(client, people["vera"].id)  # found again, so the refusal below is a change
        client.received.clear()
        # Suspended: no profile any more.
        vera = app_db.get(User, people["vera"].id)
        vera.suspended_at = utcnow()
        app_db.add(vera)
        app_db.commit()
        _open_profile(client, people["vera"].id)
        assert not client.saw(INTRO) and client.saw('"found_rx_state_":false')
    finally:
        client.close()


def test_profile_edits_only_ever_change_the_callers_own_profile(app_url, people, app_db):
    visitor = HostileClient(app_url)
    mallory = logged_in(app_url, people["mallory"].email)
    try:
        visitor.call(handler(ProfileEditState, "save_intro"), {"form": {"intro": "overgenomen"}}, path="/account")
        visitor.call(handler(ProfileEditState, "remove_photo"), path="/account")
        # Arguments a handler does not take (someone else's id) are not a way in.
        mallory.call(handler(ProfileEditState, "save_intro"),
                     {"form": {"intro": "Gehackt", "user_id": people["vera"].id}, "user_id": people["vera"].id},
                     path=f"/buur/{people['vera'].id}", query={"member_id": str(people["vera"].id)})
        mallory.call(handler(ProfileEditState, "save_intro"), {"form": {"intro": "Mallory hier"}}, path="/account")
        mallory.call(handler(ProfileEditState, "save_intro"), {"form": {"intro": "<img src=x onerror=alert(1)>"}},
                     path="/account")
        mallory.call(handler(ProfileEditState, "remove_photo"), {"user_id": people["vera"].id}, path="/account")
    finally:
        visitor.close()
        mallory.close()
    app_db.expire_all()
    assert app_db.get(User, people["vera"].id).intro == INTRO
    assert app_db.get(User, people["mallory"].id).intro == "Mallory hier"  # the refusals above are real


def _upload(app_url: str, client: HostileClient, data: bytes, *, session: bool):
    return httpx.post(
        f"{app_url}/_upload",
        headers={"reflex-client-token": client.token,
                 "reflex-event-handler": handler(ProfileEditState, "upload_photo")},
        files=[("files", ("foto.jpg", data, "image/jpeg"))],
        cookies={"buuv_session": client.session_token} if session else None, timeout=20,
    )


def test_only_a_member_uploads_a_profile_photo_and_only_their_own(app_url, people, app_db, running):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 90)).save(buffer, "JPEG")
    before = set(running.upload_dir.glob("*")) if running.upload_dir.exists() else set()
    visitor = HostileClient(app_url)
    mallory = logged_in(app_url, people["mallory"].email)
    try:
        assert _upload(app_url, visitor, buffer.getvalue(), session=False).status_code == 401
        visitor.call(handler(ProfileEditState, "load_own_profile"), path="/account")
        after_visitor = set(running.upload_dir.glob("*")) if running.upload_dir.exists() else set()
        assert after_visitor == before
        _upload(app_url, mallory, buffer.getvalue(), session=True)
        mallory.call(handler(ProfileEditState, "load_own_profile"), path="/account")
    finally:
        visitor.close()
        mallory.close()
    app_db.expire_all()
    assert app_db.get(User, people["vera"].id).photo_key is None
    key = app_db.get(User, people["mallory"].id).photo_key
    assert key, "the member's own upload was not stored: the refusal above would prove nothing"
    # Her photo reaches members, never a visitor holding its key.
    assert httpx.get(f"{app_url}/api/photos/{key}", timeout=10).status_code == 404


def _mark(client: HostileClient, post: Post, form: dict) -> None:
    client.call(handler(PostState, "mark_matched"), {"form": form}, path=f"/hulp/{post.id}",
                query={"post_id": str(post.id)})


def test_nobody_marks_someone_elses_post_matched_or_names_themselves_helper(app_url, people, app_db):
    post, mallory_id = people["post"], people["mallory"].id
    mallory = logged_in(app_url, people["mallory"].email)
    henk = logged_in(app_url, people["henk"].email)  # he wrote about it, but it is not his post
    try:
        _mark(mallory, post, {"helper": str(mallory_id), "thank_you": "Mallory is geweldig"})
        _mark(henk, post, {"helper": str(people["henk"].id)})
        # Nor through a post of her own page's route with someone else's post id in the payload.
        mallory.call(handler(PostState, "mark_matched"), {"form": {"helper": str(mallory_id)}, "post_id": post.id},
                     path="/hulp/0", query={"post_id": "0"})
        # The helper choices of Vera's post are for Vera only.
        mallory.call(handler(PostState, "load_post"), path=f"/hulp/{post.id}", query={"post_id": str(post.id)})
        assert not mallory.saw('"name":"Henk"')
    finally:
        mallory.close()
        henk.close()
    app_db.expire_all()
    stored = app_db.get(Post, post.id)
    assert (stored.status, stored.helped_by_id, stored.thank_you) == ("open", None, None)


def test_the_author_names_only_someone_she_talked_to_about_this_post(app_url, people, app_db):
    post = people["post"]
    other = make_post(app_db, author=people["mallory"], neighbourhood=None)
    make_conversation(app_db, other, people["vera"])  # Vera talked to Mallory, about another post
    vera = logged_in(app_url, people["vera"].email)
    try:
        for stranger in (people["mallory"].id, people["vera"].id, 999_999_999):
            _mark(vera, post, {"helper": str(stranger)})
        app_db.expire_all()
        assert app_db.get(Post, post.id).status == "open"
        assert vera.saw("Kies iemand met wie je over deze oproep contact had, of vul een naam in.")
        _mark(vera, post, {"helper": str(people["henk"].id), "thank_you": "Dank je Henk"})
    finally:
        vera.close()
    app_db.expire_all()
    stored = app_db.get(Post, post.id)
    assert (stored.status, stored.helped_by_id, stored.helped_by) == ("matched", people["henk"].id, "Henk")
