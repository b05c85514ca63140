"""A hostile client against the account handlers: taking an unconfirmed address over, logging in
through someone else's confirmation link, guessing passwords (also from many connections at once),
and leading a login elsewhere with next=.

Every client here speaks from an address of its own, so the throttling it provokes never reaches
another test against the same app."""

from __future__ import annotations

import itertools
import json
import re
import threading
from urllib.parse import urlencode

import pytest
from sqlmodel import Session, select

from buuv_app.models import AuthSession, Neighbourhood, Post, User
from buuv_app.services import accounts, ambassador, mail, throttle
from buuv_app.state.account import AccountState, ConfirmState, LoginState, SignUpState
from buuv_app.state.ambassador import InvitationState
from tests.e2e.auth import PASSWORD, create_member, unique_email
from tests.security.client import HostileClient, delta_value
from tests.security import hostile
from tests.security.hostile import handler

pytestmark = pytest.mark.security

OTHER_PASSWORD = "een heel ander wachtwoord 42"
_hosts = itertools.count(1)


def _address() -> str:
    """An address no other test uses (see the module docstring)."""
    return f"198.18.{next(_hosts) // 250}.{next(_hosts) % 250 + 1}"


def connect(app_url: str) -> HostileClient:
    return hostile.connect(app_url, forwarded_for=_address())


def logged_in(app_url: str, user: User) -> HostileClient:
    return hostile.logged_in(app_url, user.email, forwarded_for=_address())


def sign_up_form(email: str, password: str, name: str) -> dict:
    return {"form": {"display_name": name, "email": email, "password": password, "neighbourhood": "merenwijk",
                     "accepted_terms": "on", "confirmed_16_plus": "on"}}


def user_row(db: Session, email: str) -> tuple:
    db.rollback()
    user = db.exec(select(User).where(User.email == email)).one()
    return (user.id, user.display_name, user.password_hash, user.email_verified_at, user.home_neighbourhood_id,
            user.deleted_at)


def victim_signs_up(db: Session, email: str) -> None:
    accounts.sign_up(session=db, display_name="Vera", email=email, password=PASSWORD,
                     neighbourhood_slug="merenwijk", accepted_terms=True, confirmed_16_plus=True,
                     ip=f"192.0.2.{next(_hosts) % 250 + 1}")


def newest_token(db: Session, to: str, path: str) -> str:
    db.rollback()
    for sent in mail.list_outbox(session=db, to=to):
        found = re.search(rf"{re.escape(path)}\?token=([\w-]+)", sent.body)
        if found:
            return found.group(1)
    raise AssertionError(f"no link to {path} for {to}")


def answers(updates) -> tuple:
    return (delta_value(updates, "sent_to") is not None, delta_value(updates, "errors"))


def test_signing_up_with_an_unconfirmed_address_changes_nothing_and_answers_as_a_new_sign_up(app_url, app_db):
    victim = unique_email("vera")
    victim_signs_up(app_db, victim)
    before = user_row(app_db, victim)
    client = connect(app_url)
    try:
        taken = client.call(handler(SignUpState, "sign_up"), sign_up_form(victim, OTHER_PASSWORD, "Mallory"),
                            path="/aanmelden")
        client.call(handler(SignUpState, "restart"), path="/aanmelden")
        fresh = client.call(handler(SignUpState, "sign_up"), sign_up_form(unique_email("nieuw"), OTHER_PASSWORD,
                                                                          "Mallory"), path="/aanmelden")
    finally:
        client.close()
    assert answers(taken) == answers(fresh) == (True, {})
    assert user_row(app_db, victim) == before
    # The victim confirms, and only the victim's password opens the account.
    accounts.confirm_email(session=app_db, token=newest_token(app_db, victim, "/aanmelden/bevestigen"))
    mallory = connect(app_url)
    try:
        updates = mallory.call(handler(LoginState, "log_in"), {"form": {"email": victim, "password": OTHER_PASSWORD}},
                               path="/inloggen")
        assert not delta_value(updates, "auth_token")
    finally:
        mallory.close()


def test_opening_a_confirmation_link_logs_nobody_in(app_url, app_db):
    victim = unique_email("vera")
    victim_signs_up(app_db, victim)
    token = newest_token(app_db, victim, "/aanmelden/bevestigen")
    client = connect(app_url)
    try:
        updates = client.call(handler(ConfirmState, "confirm"), path=f"/aanmelden/bevestigen?token={token}")
        assert not delta_value(updates, "auth_token")
        assert "/inloggen" in "".join(u.text for u in updates)
    finally:
        client.close()
    app_db.rollback()
    user = app_db.exec(select(User).where(User.email == victim)).one()
    assert user.email_verified_at is not None
    assert app_db.exec(select(AuthSession).where(AuthSession.user_id == user.id)).all() == []


def test_a_login_does_lead_to_a_path_on_this_site(app_url, app_db):
    member = create_member(app_db, email=unique_email("henk"))
    client = connect(app_url)
    try:
        updates = client.call(handler(LoginState, "log_in"), {"form": {"email": member.email, "password": PASSWORD}},
                              path="/inloggen?" + urlencode({"next": "/berichten"}))
        assert '"/berichten"' in json.dumps([u.events for u in updates])
    finally:
        client.close()


@pytest.mark.parametrize("target", [
    "//evil.example/", "/\\evil.example", "/\t/evil.example", "/\r\n//evil.example", "https://evil.example",
    "javascript:alert(1)", "/%0a/evil.example\\",
])
def test_a_login_leads_only_to_a_path_on_this_site(app_url, app_db, target):
    member = create_member(app_db, email=unique_email("henk"))
    client = connect(app_url)
    try:
        updates = client.call(handler(LoginState, "log_in"), {"form": {"email": member.email, "password": PASSWORD}},
                              path="/inloggen?" + urlencode({"next": target}))
        assert delta_value(updates, "auth_token")
        # What the browser is told to do (the state's own copy of the address echoes the target).
        told = json.dumps([u.events for u in updates])
        assert "evil.example" not in told and "javascript" not in told
        assert '"/account"' in told
    finally:
        client.close()


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example", "javascript:alert(1)", "/\\evil.example"])
def test_a_sign_up_or_a_confirmation_link_carries_no_foreign_address(app_url, app_db, target):
    email = unique_email("mallory")
    client = connect(app_url)
    try:
        sign_up_page = "/aanmelden?" + urlencode({"next": target})
        client.call(handler(SignUpState, "restart"), path=sign_up_page)
        updates = client.call(handler(SignUpState, "sign_up"), sign_up_form(email, OTHER_PASSWORD, "Mallory"),
                              path=sign_up_page)
        assert delta_value(updates, "sent_to") is not None
        app_db.rollback()
        [sent] = mail.list_outbox(session=app_db, to=email)
        assert "evil" not in sent.body and "javascript" not in sent.body and "next=" not in sent.body
        # A confirmation link someone edited by hand leads to the login page, not away.
        token = newest_token(app_db, email, "/aanmelden/bevestigen")
        updates = client.call(handler(ConfirmState, "confirm"),
                              path="/aanmelden/bevestigen?" + urlencode({"token": token, "next": target}))
        told = json.dumps([u.events for u in updates])
        assert "evil.example" not in told and "javascript" not in told and '"/inloggen"' in told
    finally:
        client.close()


def test_guessing_from_many_connections_at_once_checks_at_most_five_passwords(app_url, app_db):
    member = create_member(app_db, email=unique_email("henk"))
    said: list[str] = []
    lock = threading.Lock()

    def guess():
        client = connect(app_url)
        try:
            updates = client.call(handler(LoginState, "log_in"),
                                  {"form": {"email": member.email, "password": "raden maar"}}, path="/inloggen",
                                  timeout=60)
        finally:
            client.close()
        with lock:
            said.append(str((delta_value(updates, "errors") or {}).get("form", "")))

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(said) == 8
    # Then one connection after another until refused: at most five passwords were checked.
    for _ in range(throttle.LOGIN_LIMIT + 1):
        guess()
        if "Te veel" in said[-1]:
            break
    assert sum("klopt niet" in text for text in said) == throttle.LOGIN_LIMIT
    client = connect(app_url)  # even the right password is not checked now
    try:
        updates = client.call(handler(LoginState, "log_in"), {"form": {"email": member.email, "password": PASSWORD}},
                              path="/inloggen")
        assert not delta_value(updates, "auth_token")
    finally:
        client.close()


@pytest.mark.parametrize(("name", "form", "field"), [
    ("change_password", lambda pw: {"current_password": pw, "new_password": "een nieuwe zin voor henk"},
     "current_password"),
    ("delete_account", lambda pw: {"password": pw}, "password"),
])
def test_a_password_asked_again_cannot_be_guessed(app_url, app_db, name, form, field):
    member = create_member(app_db, email=unique_email("henk"))
    client = logged_in(app_url, member)
    before = user_row(app_db, member.email)  # after the login, which may rehash the password
    try:
        for _ in range(throttle.PASSWORD_LIMIT):
            updates = client.call(handler(AccountState, name), {"form": form("raden maar")}, path="/account")
            assert "klopt niet" in str(delta_value(updates, "errors"))
        updates = client.call(handler(AccountState, name), {"form": form(PASSWORD)}, path="/account")
        assert (delta_value(updates, "errors") or {}).get(field, "").startswith("Te veel verkeerde wachtwoorden")
    finally:
        client.close()
    assert user_row(app_db, member.email) == before


def test_an_invitation_cannot_be_used_to_guess_a_members_password(app_url, app_db):
    merenwijk = app_db.exec(select(Neighbourhood).where(Neighbourhood.slug == "merenwijk")).one()
    anna = create_member(app_db, email=unique_email("anna"), role="ambassador")
    truus = create_member(app_db, email=unique_email("truus"))
    saved = ambassador.create_neighbour(session=app_db, actor=anna, first_name="Truus", neighbourhood_slug=merenwijk.slug,
                                        contact_method="phone", phone="071 512 34 56", consent_method="verbal")
    ambassador.invite_neighbour(session=app_db, actor=anna, neighbour_id=saved.neighbour_id, email=truus.email)
    token = newest_token(app_db, truus.email, "/uitnodiging")
    client = connect(app_url)
    page = {"path": f"/uitnodiging?token={token}"}  # the server reads the query from the page's address
    try:
        for _ in range(throttle.PASSWORD_LIMIT):
            updates = client.call(handler(InvitationState, "accept_invitation"), {"form": {"password": "raden maar"}},
                                  **page)
            assert "klopt niet" in str(delta_value(updates, "errors"))
        updates = client.call(handler(InvitationState, "accept_invitation"), {"form": {"password": PASSWORD}}, **page)
        assert not delta_value(updates, "auth_token")
        assert "Te veel verkeerde wachtwoorden" in str(delta_value(updates, "errors"))
    finally:
        client.close()
    app_db.rollback()
    assert app_db.exec(select(AuthSession).where(AuthSession.user_id == truus.id)).all() == []
    assert app_db.exec(select(Post).where(Post.author_id == truus.id)).all() == []
