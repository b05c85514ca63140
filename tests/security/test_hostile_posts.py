"""A hostile client asks for a closed, withdrawn or deleted post by every way in: the post page's
and /c/<code>'s handlers with forged routes, the photo route with and without a session, and
deleting it. Nothing of the post (name, text, photo) comes back and nothing changes."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image
from sqlmodel import Session, select

from buuv_app.models import Conversation, Post
from buuv_app.services import codes, photos, posts
from buuv_app.state.account import AccountState
from buuv_app.state.messaging import ConversationState, InboxState
from buuv_app.state.post import PostState
from tests.e2e.auth import create_member, unique_email
from tests.factories import make_conversation, make_post
from tests.security.client import HostileClient
from tests.security.hostile import handler, logged_in

pytestmark = pytest.mark.security

TITLE = "Vera zoekt een oppas voor haar kat"
BODY = "Ze woont op de Meerlaan 12, de sleutel ligt onder de mat."


def _photo(running, monkeypatch) -> str:
    monkeypatch.setenv("BUUV_UPLOAD_DIR", str(running.upload_dir))  # where the app looks
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 30, 160)).save(buffer, "JPEG")
    return photos.store_photo(data=buffer.getvalue()).key


@pytest.fixture
def closed(app_db: Session, running, monkeypatch):
    """Vera's post with a photo, closed by her; Mallory, a member, once replied to it."""
    victim = create_member(app_db, email=unique_email("vera"), display_name="Vera Veilig")
    mallory = create_member(app_db, email=unique_email("mallory"), display_name="Mallory")
    post = make_post(app_db, author=victim, neighbourhood=None, title=TITLE, body=BODY,
                     photo_key=_photo(running, monkeypatch))
    conversation = make_conversation(app_db, post, mallory)
    posts.close_post(session=app_db, actor=victim, post_id=post.id)
    return {"victim": victim, "mallory": mallory, "post": post, "conversation": conversation}


def _leaked(client: HostileClient, *, name: bool = True) -> bool:
    """Did anything of the post reach the client: its title, its text or (unless they talk with
    each other, when they know it anyway) its author's name?"""
    return client.saw(TITLE) or client.saw("Meerlaan") or (name and client.saw("Vera Veilig"))


def _ask_every_way(client: HostileClient, post: Post) -> None:
    code = codes.display(post.short_code)
    client.call(handler(PostState, "load_post"), path=f"/hulp/{post.id}", query={"post_id": str(post.id)})
    client.call(handler(PostState, "load_post"), {"post_id": post.id}, path=f"/hulp/{post.id}",
                query={"post_id": str(post.id), "viewer": "admin"})
    client.call(handler(PostState, "open_code"), path=f"/c/{code}", query={"code": code})
    client.call(handler(PostState, "open_code"), path=f"/c/{code}", query={"code": post.short_code.lower()})


def test_a_visitor_learns_nothing_of_a_closed_post_but_that_it_is_closed(app_url, closed):
    client = HostileClient(app_url)
    try:
        _ask_every_way(client, closed["post"])
        assert not _leaked(client)
        assert client.saw('"gone_rx_state_":true')
    finally:
        client.close()


def test_a_member_who_replied_learns_nothing_more_of_a_closed_post(app_url, closed):
    client = logged_in(app_url, closed["mallory"].email)
    try:
        _ask_every_way(client, closed["post"])
        assert not _leaked(client)
    finally:
        client.close()


def test_the_photo_of_a_closed_post_is_not_served_to_others_nor_as_public(app_url, closed, app_db):
    url = f"{app_url}/api/photos/{closed['post'].photo_key}"
    for suffix in ("", "/thumb"):
        answer = httpx.get(url + suffix, timeout=10)
        assert answer.status_code == 404 and answer.content == b""
        assert "public" not in answer.headers.get("cache-control", "")
    mallory = logged_in(app_url, closed["mallory"].email)
    victim = logged_in(app_url, closed["victim"].email)
    try:
        forged = httpx.get(url, cookies={"buuv_session": mallory.session_token}, timeout=10)
        assert forged.status_code == 404
        own = httpx.get(url, cookies={"buuv_session": victim.session_token}, timeout=10)
        assert own.status_code == 200 and own.headers["cache-control"] == "private, no-store"
    finally:
        mallory.close()
        victim.close()


def test_an_open_posts_photo_is_public_but_revalidated(app_url, app_db, running, monkeypatch):
    author = create_member(app_db, email=unique_email("open"))
    post = make_post(app_db, author=author, neighbourhood=None, photo_key=_photo(running, monkeypatch))
    answer = httpx.get(f"{app_url}/api/photos/{post.photo_key}", timeout=10)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "public, no-cache"
    again = httpx.get(f"{app_url}/api/photos/{post.photo_key}", headers={"If-None-Match": answer.headers["etag"]},
                      timeout=10)
    assert again.status_code == 304 and again.content == b""


def test_a_member_cannot_delete_a_post_they_replied_to(app_url, closed, app_db):
    client = logged_in(app_url, closed["mallory"].email)
    try:
        client.call(handler(AccountState, "delete_post"), {"post_id": closed["post"].id})
        client.call(handler(AccountState, "delete_post"), {"post_id": str(closed["post"].id)})
    finally:
        client.close()
    app_db.expire_all()
    stored = app_db.get(Post, closed["post"].id)
    assert (stored.title, stored.deleted_at, stored.photo_key) == (TITLE, None, closed["post"].photo_key)
    assert app_db.get(Conversation, closed["conversation"].id) is not None


def test_after_deletion_the_conversation_stays_but_names_nothing_of_the_post(app_url, closed, app_db):
    author = logged_in(app_url, closed["victim"].email)
    try:
        author.call(handler(AccountState, "delete_post"), {"post_id": closed["post"].id})
    finally:
        author.close()
    app_db.expire_all()
    assert app_db.get(Post, closed["post"].id).deleted_at is not None
    client = logged_in(app_url, closed["mallory"].email)
    try:
        conversation_id = str(closed["conversation"].id)
        client.call(handler(ConversationState, "load_conversation"), path=f"/berichten/{conversation_id}",
                    query={"conversation_id": conversation_id})
        assert client.saw("Deze oproep is verwijderd.")
        client.received.clear()
        client.call(handler(InboxState, "load_inbox"), path="/berichten")
        assert client.saw("Deze oproep is verwijderd.")
        _ask_every_way(client, closed["post"])
        assert not _leaked(client, name=False)  # the conversation names Vera: they talked
    finally:
        client.close()
    assert app_db.exec(select(Conversation).where(Conversation.id == closed["conversation"].id)).first() is not None
