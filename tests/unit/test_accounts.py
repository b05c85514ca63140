"""Accounts: sign-up with confirmation, login, reset, change, profile, export and deletion."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from buuv_app.errors import (
    AuthenticationFailed,
    EmailNotConfirmed,
    InvalidToken,
    Throttled,
    ValidationError,
)
from buuv_app.models import AuthSession, OutboxMail, Post, User, UserToken, utcnow
from buuv_app.services import accounts, mail, sessions
from tests.factories import count_rows, make_member, make_neighbourhood, make_post

PASSWORD = "fietsen langs de Zijl"


def _sign_up(session, **overrides):
    values = dict(
        session=session, display_name="Anneke", email="Anneke@Example.org", password=PASSWORD,
        neighbourhood_slug="merenwijk", accepted_terms=True, confirmed_16_plus=True, ip="10.0.0.1",
    )
    accounts.sign_up(**(values | overrides))


def _link_token(session, to: str) -> str:
    body = mail.list_outbox(session=session, to=to)[0].body
    return re.search(r"token=([\w-]+)", body).group(1)


@pytest.fixture
def merenwijk(session):
    return make_neighbourhood(session, slug="merenwijk", name="Merenwijk")


def test_sign_up_creates_an_unconfirmed_account_and_mails_a_link(session, merenwijk):
    _sign_up(session)
    user = session.exec(select(User)).one()
    assert user.email == "anneke@example.org"
    assert user.email_verified_at is None and not user.is_active
    assert user.password_hash.startswith("$argon2id$")
    assert user.accepted_terms_at and user.confirmed_16_plus_at
    [sent] = mail.list_outbox(session=session, to="anneke@example.org")
    assert "/aanmelden/bevestigen?token=" in sent.body


def test_confirming_the_link_activates_the_account_but_the_password_is_still_asked(session, merenwijk):
    _sign_up(session)
    user = accounts.confirm_email(session=session, token=_link_token(session, "anneke@example.org"))
    assert user.is_active
    assert count_rows(session, AuthSession) == 0
    result = accounts.log_in(session=session, email="anneke@example.org", password=PASSWORD, ip="1.2.3.4")
    assert result.user.id == user.id


def test_a_confirmation_link_works_once(session, merenwijk):
    _sign_up(session)
    token = _link_token(session, "anneke@example.org")
    accounts.confirm_email(session=session, token=token)
    with pytest.raises(InvalidToken):
        accounts.confirm_email(session=session, token=token)


def test_sign_up_with_a_known_address_changes_nothing_and_mails_the_owner(session, merenwijk):
    owner = make_member(session, merenwijk, email="anneke@example.org", display_name="Anneke")
    hash_before = owner.password_hash
    _sign_up(session, display_name="Indringer", password="iets heel anders 123")
    session.refresh(owner)
    assert (owner.display_name, owner.password_hash) == ("Anneke", hash_before)
    [sent] = mail.list_outbox(session=session, to="anneke@example.org")
    assert "al een account" in sent.body
    assert count_rows(session, User) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "geen-adres"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"password": "kort"}, "password"),
        ({"password": "wachtwoord"}, "password"),
        ({"password": "Welkom01"}, "password"),
        ({"display_name": "x" * 10_000}, "display_name"),
        ({"display_name": "<script>alert(1)</script>"}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"neighbourhood_slug": "atlantis"}, "neighbourhood"),
        ({"accepted_terms": False}, "accepted_terms"),
        ({"confirmed_16_plus": False}, "confirmed_16_plus"),
    ],
)
def test_bad_sign_up_input_names_the_field_and_saves_nothing(session, merenwijk, overrides, field):
    with pytest.raises(ValidationError) as caught:
        _sign_up(session, **overrides)
    assert caught.value.field == field
    assert count_rows(session, User) == 0
    assert count_rows(session, OutboxMail) == 0


def test_an_empty_sign_up_names_every_field_at_fault_at_once_in_form_order(session, merenwijk):
    with pytest.raises(ValidationError) as caught:
        _sign_up(session, display_name="", email="", password="", neighbourhood_slug="",
                 accepted_terms=False, confirmed_16_plus=False)
    assert [e.field for e in caught.value.errors] == [
        "display_name", "email", "password", "neighbourhood", "accepted_terms", "confirmed_16_plus"]
    assert caught.value.field == "display_name"  # read as one error, it is the first
    assert count_rows(session, User) == 0


def test_an_empty_login_names_the_address_and_the_password(session, merenwijk):
    with pytest.raises(ValidationError) as caught:
        accounts.log_in(session=session, email="", password="", ip="10.0.0.1")
    assert [e.field for e in caught.value.errors] == ["email", "password"]


def test_passwords_of_64_characters_and_more_are_accepted(session, merenwijk):
    _sign_up(session, password="a" * 40 + " lange zin met spaties!")
    assert count_rows(session, User) == 1


def test_at_most_five_sign_ups_per_half_hour_per_ip(session, merenwijk):
    for n in range(5):
        _sign_up(session, email=f"buur{n}@example.org")
    with pytest.raises(Throttled) as caught:
        _sign_up(session, email="buur6@example.org")
    assert 0 < caught.value.retry_after <= 30 * 60
    _sign_up(session, email="buur7@example.org", ip="10.0.0.2")  # another address is not affected


def test_login_gives_a_session_and_a_wrong_password_does_not(session, merenwijk):
    user = make_member(session, merenwijk, email="henk@example.org", password=PASSWORD)
    result = accounts.log_in(session=session, email="HENK@example.org ", password=PASSWORD, ip="1.2.3.4")
    assert result.user.id == user.id and len(result.token) >= 32
    with pytest.raises(AuthenticationFailed):
        accounts.log_in(session=session, email="henk@example.org", password="fout wachtwoord", ip="1.2.3.4")


def test_unknown_address_and_wrong_password_fail_the_same_way(session, merenwijk):
    make_member(session, merenwijk, email="henk@example.org")
    errors = []
    for email in ("henk@example.org", "niemand@example.org"):
        with pytest.raises(AuthenticationFailed) as caught:
            accounts.log_in(session=session, email=email, password="fout wachtwoord", ip="1.2.3.4")
        errors.append((type(caught.value), str(caught.value)))
    assert errors[0] == errors[1]


def test_unconfirmed_account_with_the_right_password_gets_a_new_link(session, merenwijk):
    _sign_up(session)
    with pytest.raises(EmailNotConfirmed):
        accounts.log_in(session=session, email="anneke@example.org", password=PASSWORD, ip="1.2.3.4")
    assert len(mail.list_outbox(session=session, to="anneke@example.org")) == 2


def test_five_failed_logins_lock_the_account_for_fifteen_minutes(session, merenwijk):
    make_member(session, merenwijk, email="henk@example.org", password=PASSWORD)
    for n in range(5):
        with pytest.raises(AuthenticationFailed):
            accounts.log_in(session=session, email="henk@example.org", password="fout", ip=f"10.1.0.{n}")
    with pytest.raises(Throttled) as caught:
        accounts.log_in(session=session, email="henk@example.org", password=PASSWORD, ip="10.9.9.9")
    assert 14 * 60 < caught.value.retry_after <= 15 * 60


def test_five_failed_logins_from_one_ip_lock_that_ip(session, merenwijk):
    make_member(session, merenwijk, email="henk@example.org", password=PASSWORD)
    for n in range(5):
        with pytest.raises(AuthenticationFailed):
            accounts.log_in(session=session, email=f"raden{n}@example.org", password="fout", ip="6.6.6.6")
    with pytest.raises(Throttled):
        accounts.log_in(session=session, email="henk@example.org", password=PASSWORD, ip="6.6.6.6")
    assert accounts.log_in(session=session, email="henk@example.org", password=PASSWORD, ip="7.7.7.7")


def test_logout_revokes_the_token(session, merenwijk):
    make_member(session, merenwijk, email="henk@example.org", password=PASSWORD)
    result = accounts.log_in(session=session, email="henk@example.org", password=PASSWORD, ip=None)
    accounts.log_out(session=session, token=result.token)
    assert sessions.resolve_session(session=session, raw_token=result.token) is None


def test_sessions_end_after_idle_time_and_absolute_time(session, merenwijk):
    user = make_member(session, merenwijk)
    token = sessions.create_session(session=session, user=user)
    now = utcnow()
    assert sessions.resolve_session(session=session, raw_token=token, now=now + timedelta(days=13))
    assert sessions.resolve_session(session=session, raw_token=token, now=now + timedelta(days=13 + 14)) is None
    token = sessions.create_session(session=session, user=user)
    row = session.exec(select(AuthSession)).one()
    row.expires_at = now + timedelta(minutes=1)
    session.add(row)
    session.commit()
    assert sessions.resolve_session(session=session, raw_token=token, now=now + timedelta(minutes=2)) is None


def test_only_the_token_hash_is_stored(session, merenwijk):
    user = make_member(session, merenwijk)
    token = sessions.create_session(session=session, user=user)
    row = session.exec(select(AuthSession)).one()
    assert row.token_hash != token and len(row.token_hash) == 64


def test_password_reset_link_works_once_within_an_hour_and_ends_all_sessions(session, merenwijk):
    user = make_member(session, merenwijk, email="henk@example.org", password=PASSWORD)
    old_session = sessions.create_session(session=session, user=user)
    accounts.request_password_reset(session=session, email="henk@example.org")
    token = _link_token(session, "henk@example.org")
    accounts.reset_password(session=session, token=token, new_password="een nieuwe zin voor henk")
    assert sessions.resolve_session(session=session, raw_token=old_session) is None
    assert accounts.log_in(session=session, email="henk@example.org", password="een nieuwe zin voor henk", ip=None)
    with pytest.raises(InvalidToken):
        accounts.reset_password(session=session, token=token, new_password="nog een andere zin hier")


def test_expired_reset_link_is_refused(session, merenwijk):
    make_member(session, merenwijk, email="henk@example.org")
    accounts.request_password_reset(session=session, email="henk@example.org")
    row = session.exec(select(UserToken)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    session.commit()
    with pytest.raises(InvalidToken):
        accounts.reset_password(session=session, token=_link_token(session, "henk@example.org"),
                                new_password="een nieuwe zin voor henk")


def test_reset_for_an_unknown_address_is_silent_and_mails_nobody(session, merenwijk):
    accounts.request_password_reset(session=session, email="niemand@example.org")
    assert count_rows(session, OutboxMail) == 0


def test_change_password_asks_the_current_one_and_renews_the_session(session, merenwijk):
    user = make_member(session, merenwijk, password=PASSWORD)
    old = sessions.create_session(session=session, user=user)
    with pytest.raises(ValidationError) as caught:
        accounts.change_password(session=session, user=user, current_password="fout",
                                 new_password="een nieuwe zin voor henk", ip=None)
    assert caught.value.field == "current_password"
    new = accounts.change_password(session=session, user=user, current_password=PASSWORD,
                                   new_password="een nieuwe zin voor henk", ip=None)
    assert sessions.resolve_session(session=session, raw_token=old) is None
    assert sessions.resolve_session(session=session, raw_token=new).id == user.id


def test_profile_update_validates_like_sign_up(session, merenwijk):
    user = make_member(session, merenwijk)
    other = make_neighbourhood(session, slug="de-kooi")
    accounts.update_profile(session=session, user=user, display_name=" Henk  B. ", neighbourhood_slug="de-kooi")
    assert (user.display_name, user.home_neighbourhood_id) == ("Henk B.", other.id)
    with pytest.raises(ValidationError):
        accounts.update_profile(session=session, user=user, display_name="<b>Henk</b>", neighbourhood_slug="de-kooi")
    session.refresh(user)
    assert user.display_name == "Henk B."


def test_export_holds_the_account_and_posts_but_no_password_or_token(session, merenwijk):
    user = make_member(session, merenwijk, email="henk@example.org", display_name="Henk")
    make_post(session, author=user, neighbourhood=merenwijk, title="Ladder te leen")
    token = sessions.create_session(session=session, user=user, ip="1.2.3.4")
    data = accounts.export_data(session=session, user=user)
    assert data["account"]["email"] == "henk@example.org"
    assert data["account"]["home_neighbourhood"] == "Merenwijk"
    assert [p["title"] for p in data["posts"]] == ["Ladder te leen"]
    assert data["login_sessions"][0]["ip"] == "1.2.3.4"
    text = repr(data)
    assert user.password_hash not in text and token not in text


def test_delete_account_erases_personal_data_and_own_posts_only(session, merenwijk):
    user = make_member(session, merenwijk, email="henk@example.org", password=PASSWORD)
    other = make_member(session, merenwijk)
    make_post(session, author=user, neighbourhood=merenwijk)
    kept = make_post(session, author=other, neighbourhood=merenwijk)
    token = sessions.create_session(session=session, user=user)
    with pytest.raises(ValidationError):
        accounts.delete_account(session=session, user=user, password="fout")
    accounts.delete_account(session=session, user=user, password=PASSWORD)
    session.refresh(user)
    assert user.email is None and user.password_hash is None and user.deleted_at is not None
    assert user.display_name == accounts.DELETED_NAME
    assert [p.id for p in session.exec(select(Post)).all()] == [kept.id]
    assert sessions.resolve_session(session=session, raw_token=token) is None
    with pytest.raises(AuthenticationFailed):
        accounts.log_in(session=session, email="henk@example.org", password=PASSWORD, ip=None)


def test_at_most_five_reset_requests_an_hour_per_address_known_or_not(session, merenwijk):
    make_member(session, merenwijk, email="henk@example.org")
    for email in ("henk@example.org", "niemand@example.org"):
        for n in range(5):
            accounts.request_password_reset(session=session, email=email, ip=f"10.2.0.{n}")
        with pytest.raises(Throttled):
            accounts.request_password_reset(session=session, email=email, ip="10.2.9.9")
    assert len(mail.list_outbox(session=session, to="henk@example.org")) == 5


def test_the_confirmation_link_carries_where_the_sign_up_started(session, merenwijk):
    _sign_up(session, next_path="/hulp/12")
    body = mail.list_outbox(session=session, to="anneke@example.org")[0].body
    assert re.search(r"/aanmelden/bevestigen\?token=[\w-]+&next=%2Fhulp%2F12\s", body)


def test_a_sign_up_from_nowhere_in_particular_mails_a_plain_link(session, merenwijk):
    _sign_up(session)
    assert "next=" not in mail.list_outbox(session=session, to="anneke@example.org")[0].body
