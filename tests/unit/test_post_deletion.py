"""Deleting your own post: it goes for good, also when others already wrote to you about it."""

from __future__ import annotations

import io

from PIL import Image
from sqlmodel import select

from buuv_app.models import Conversation, Message, Post
from buuv_app.services import messaging, photos, posts
from tests.factories import make_conversation, make_member, make_message, make_neighbourhood, make_post


def test_deleting_a_post_that_has_conversations_keeps_them_for_the_other_party(session):
    neighbourhood = make_neighbourhood(session)
    author, responder = make_member(session, neighbourhood), make_member(session, neighbourhood)
    post = make_post(session, author=author, neighbourhood=neighbourhood, title="Heg snoeien", body="Wie helpt?")
    conversation = make_conversation(session, post, responder)
    make_message(session, conversation, responder, body="Ik kom zaterdag.")

    posts.delete_post(session=session, actor=author, post_id=post.id)

    session.expire_all()
    assert session.get(Conversation, conversation.id) is not None
    assert [m.body for m in session.exec(select(Message)).all()] == ["Ik kom zaterdag."]
    stored = session.get(Post, post.id)
    assert stored.deleted_at is not None and stored.status == "closed"
    assert "Heg snoeien" not in stored.title and stored.body == "" and stored.search_text == ""
    view = messaging.open_conversation(session=session, user=responder, conversation_id=conversation.id)
    assert view.post_removed and not view.post_open
    assert [i.post_removed for i in messaging.list_inbox(session=session, user=responder)] == [True]
    # Not among the author's own posts any more, and its page says only that it is gone.
    assert posts.list_posts_by_author(session=session, author_id=author.id) == []
    assert posts.get_post_detail(session=session, post_id=post.id, viewer=author) is None


def test_deleting_a_post_without_conversations_removes_the_row(session):
    author = make_member(session)
    post = make_post(session, author=author)
    posts.delete_post(session=session, actor=author, post_id=post.id)
    session.expire_all()
    assert session.get(Post, post.id) is None


def test_the_photo_goes_at_once_when_a_post_is_deleted(session, tmp_path, monkeypatch):
    monkeypatch.setenv("BUUV_UPLOAD_DIR", str(tmp_path))
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 200, 30)).save(buffer, "JPEG")
    for talked_about in (True, False):
        stored = photos.store_photo(data=buffer.getvalue())
        author, responder = make_member(session), make_member(session)
        post = make_post(session, author=author, photo_key=stored.key)
        if talked_about:
            make_conversation(session, post, responder)
        assert photos.photo_path(stored.key) is not None
        posts.delete_post(session=session, actor=author, post_id=post.id)
        assert photos.photo_path(stored.key) is None
        assert photos.photo_path(stored.key, thumbnail=True) is None
