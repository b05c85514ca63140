"""The cast that several hostile-client files attack: Mallory (logged in over her own websocket),
Vera with a post, a Leiden professional, and a private conversation between Vera and him."""

from __future__ import annotations

import pytest
from sqlmodel import select

from buuv_app.models import Municipality
from tests.e2e.auth import create_member, unique_email
from tests.factories import make_post
from tests.security.hostile import logged_in


@pytest.fixture
def people(app_db):
    leiden = app_db.exec(select(Municipality).where(Municipality.slug == "leiden")).one()
    mallory = create_member(app_db, email=unique_email("mallory"), display_name="Mallory")
    victim = create_member(app_db, email=unique_email("slachtoffer"), display_name="Vera")
    post = make_post(app_db, author=victim, neighbourhood=None, title="Vera zoekt een ladder")
    professional = create_member(app_db, email=unique_email("prof"), role="professional",
                                 municipality_id=leiden.id)
    return {"mallory": mallory, "victim": victim, "victim_post": post, "professional": professional}


@pytest.fixture
def mallory(app_url, people):
    client = logged_in(app_url, people["mallory"].email)
    yield client
    client.close()


@pytest.fixture
def private_talk(app_db, people):
    from buuv_app.services import messaging, posts

    post = posts.create_post(session=app_db, author=people["victim"], kind="request", title="Vera zoekt hulp",
                             body="Met de computer.", category_slug="computer", neighbourhood_slug="merenwijk")
    conversation = messaging.start_conversation(session=app_db, user=people["professional"], post_id=post.id)
    messaging.send_message(session=app_db, user=people["professional"], conversation_id=conversation.id,
                           client_id="prof-device-0001", body="Geheim adres: Zonnebloemstraat 1")
    return conversation
