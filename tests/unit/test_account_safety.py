"""Account safety: a sign-up cannot take an unconfirmed address over, confirmation mails are
limited, password attempts are counted before the password is checked (also in parallel), and
only a same-site path may follow a login."""

from __future__ import annotations

import re
import threading

import pytest
from sqlmodel import Session, select

from buuv_app.errors import AuthenticationFailed, EmailNotConfirmed, Throttled, ValidationError
from buuv_app.models import AuthAttempt, AuthSession, User
from buuv_app.services import accounts, mail, throttle
from buuv_app.state.base import safe_next
from tests.factories import count_rows, make_member, make_neighbourhood

VICTIM_PASSWORD = "fietsen langs de Zijl"
OTHER_PASSWORD = "een heel ander wachtwoord 42"


@pytest.fixture
def merenwijk(session):
    return make_neighbourhood(session, slug="merenwijk", name="Merenwijk")


def _sign_up(session, **overrides):
    values = dict(
        session=session, display_name="Anneke", email="anneke@example.org", password=VICTIM_PASSWORD,
        neighbourhood_slug="merenwijk", accepted_terms=True, confirmed_16_plus=True, ip="10.0.0.1",
    )
    accounts.sign_up(**(values | overrides))


def _newest_link(session, to: str, path: str) -> str:
    for sent in mail.list_outbox(session=session, to=to):
        found = re.search(rf"{re.escape(path)}\?token=([\w-]+)", sent.body)
        if found:
            return found.group(1)
    raise AssertionError(f"no link to {path} for {to}")


# --- sign-up takeover -----------------------------------------------------------------------

def test_a_second_sign_up_with_the_victims_address_does_not_open_the_account(session, merenwijk):
    _sign_up(session)  # the victim
    _sign_up(session, display_name="Indringer", password=OTHER_PASSWORD, ip="10.6.6.6")  # someone else
    user = session.exec(select(User)).one()
    assert user.display_name == "Anneke"
    # The victim confirms with the newest link in their mailbox.
    accounts.confirm_email(session=session, token=_newest_link(session, "anneke@example.org", "/aanmelden/bevestigen"))
    assert count_rows(session, AuthSession) == 0  # confirming logged nobody in
    with pytest.raises(AuthenticationFailed):
        accounts.log_in(session=session, email="anneke@example.org", password=OTHER_PASSWORD, ip="10.6.6.6")
    result = accounts.log_in(session=session, email="anneke@example.org", password=VICTIM_PASSWORD, ip="10.0.0.1")
    assert (result.user.id, result.user.display_name) == (user.id, "Anneke")


def test_a_second_sign_up_mails_the_owner_to_finish_and_answers_like_a_new_one(session, merenwijk):
    _sign_up(session)
    before = session.exec(select(User)).one().model_dump()
    assert _sign_up(session, display_name="Indringer", password=OTHER_PASSWORD, ip="10.6.6.6") is None
    session.expire_all()
    assert session.exec(select(User)).one().model_dump() == before
    newest = mail.list_outbox(session=session, to="anneke@example.org")[0]
    assert "Maak je aanmelding bij BUUV af" in newest.subject and "/aanmelden/bevestigen?token=" in newest.body
    assert "Indringer" not in newest.body


def test_a_sign_up_for_an_invited_neighbour_without_password_mails_a_link_to_choose_one(session, merenwijk):
    invited = User(display_name="Truus", email="truus@example.org", home_neighbourhood_id=merenwijk.id)
    session.add(invited)
    session.commit()
    _sign_up(session, email="truus@example.org", display_name="Indringer", password=OTHER_PASSWORD)
    session.refresh(invited)
    assert (invited.display_name, invited.password_hash) == ("Truus", None)
    assert "/wachtwoord-herstellen?token=" in mail.list_outbox(session=session, to="truus@example.org")[0].body


def test_sign_ups_for_one_address_are_limited_alike_whatever_its_state(session, merenwijk):
    make_member(session, merenwijk, email="henk@example.org")  # confirmed
    for email in ("anneke@example.org", "henk@example.org"):  # new (then unconfirmed), and confirmed
        for n in range(throttle.CONFIRM_LIMIT):
            _sign_up(session, email=email, ip=f"10.3.{len(email)}.{n}")  # each client within its own limit
        with pytest.raises(Throttled):
            _sign_up(session, email=email, ip="10.3.9.9")
        assert len(mail.list_outbox(session=session, to=email)) == throttle.CONFIRM_LIMIT


def test_logging_in_to_an_unconfirmed_account_resends_the_link_a_limited_number_of_times(session, merenwijk):
    _sign_up(session)
    for n in range(10):
        with pytest.raises(EmailNotConfirmed):
            accounts.log_in(session=session, email="anneke@example.org", password=VICTIM_PASSWORD, ip=f"10.4.0.{n}")
    assert len(mail.list_outbox(session=session, to="anneke@example.org")) == throttle.CONFIRM_LIMIT


def test_confirmation_mails_are_limited_per_client(session, merenwijk):
    _sign_up(session, ip="10.5.5.5")
    for _ in range(throttle.CONFIRM_LIMIT + 2):
        with pytest.raises(EmailNotConfirmed):
            accounts.log_in(session=session, email="anneke@example.org", password=VICTIM_PASSWORD, ip="10.5.5.5")
    assert len(mail.list_outbox(session=session, to="anneke@example.org")) == throttle.CONFIRM_LIMIT
    with pytest.raises(Throttled):  # and a sign-up from that client says so
        _sign_up(session, email="buur@example.org", ip="10.5.5.5")


# --- attempts counted before the password is checked ----------------------------------------

def test_a_right_password_does_not_count_as_a_failed_attempt(session, merenwijk):
    make_member(session, merenwijk, email="henk@example.org", password=VICTIM_PASSWORD)
    for _ in range(throttle.LOGIN_LIMIT + 2):
        accounts.log_in(session=session, email="henk@example.org", password=VICTIM_PASSWORD, ip="1.2.3.4")
    assert count_rows(session, AuthAttempt) == 0


def test_a_reservation_over_the_limit_is_taken_back(session):
    keys = [throttle.ip_key("9.9.9.9")]
    for _ in range(3):
        throttle.reserve(session=session, kind="login_failed", keys=keys, limit=3, window=throttle.LOGIN_WINDOW)
    with pytest.raises(Throttled) as caught:
        throttle.reserve(session=session, kind="login_failed", keys=keys, limit=3, window=throttle.LOGIN_WINDOW)
    assert 0 < caught.value.retry_after <= throttle.LOGIN_WINDOW.total_seconds()
    assert count_rows(session, AuthAttempt) == 3


def _in_parallel(engine, attempt, n: int) -> list[str]:
    """Run `attempt(session)` in n threads released at once; what each ended with."""
    barrier, outcomes, lock = threading.Barrier(n), [], threading.Lock()

    def run():
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            try:
                attempt(session)
                outcome = "ok"
            except Exception as error:  # noqa: BLE001 (the outcome is what is counted)
                outcome = type(error).__name__
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_parallel_wrong_passwords_cannot_get_past_the_limit(engine, session, merenwijk):
    make_member(session, merenwijk, email="henk@example.org", password=VICTIM_PASSWORD)

    def guess(s):
        accounts.log_in(session=s, email="henk@example.org", password="raden maar", ip="6.6.6.6")

    outcomes = _in_parallel(engine, guess, 12)
    assert len(outcomes) == 12 and set(outcomes) <= {"AuthenticationFailed", "Throttled"}
    # Then one after another until refused: over the burst and the rest together, at most
    # LOGIN_LIMIT passwords were checked; every other attempt was refused before its check.
    for _ in range(throttle.LOGIN_LIMIT + 1):
        try:
            guess(session)
        except AuthenticationFailed:
            outcomes.append("AuthenticationFailed")
        except Throttled:
            break
    assert outcomes.count("AuthenticationFailed") == throttle.LOGIN_LIMIT
    with pytest.raises(Throttled):
        accounts.log_in(session=session, email="henk@example.org", password=VICTIM_PASSWORD, ip="7.7.7.7")


def test_parallel_reservations_let_at_most_the_limit_through(engine, session):
    def reserve(s):
        throttle.reserve(session=s, kind="password", keys=[throttle.user_key(1)], limit=3,
                         window=throttle.PASSWORD_WINDOW)

    outcomes = _in_parallel(engine, reserve, 10)
    assert outcomes.count("ok") <= 3 and len(outcomes) == 10
    assert set(outcomes) <= {"ok", "Throttled"}


def test_change_password_is_throttled_before_the_password_is_checked(session, merenwijk):
    user = make_member(session, merenwijk, password=VICTIM_PASSWORD)
    for _ in range(throttle.PASSWORD_LIMIT):
        with pytest.raises(ValidationError):
            accounts.change_password(session=session, user=user, current_password="raden",
                                     new_password="een nieuwe zin voor henk", ip="6.6.6.6")
    with pytest.raises(Throttled):  # even the right password is not checked now
        accounts.change_password(session=session, user=user, current_password=VICTIM_PASSWORD,
                                 new_password="een nieuwe zin voor henk", ip="7.7.7.7")


def test_delete_account_is_throttled_before_the_password_is_checked(session, merenwijk):
    user = make_member(session, merenwijk, password=VICTIM_PASSWORD)
    for _ in range(throttle.PASSWORD_LIMIT):
        with pytest.raises(ValidationError):
            accounts.delete_account(session=session, user=user, password="raden", ip="6.6.6.6")
    with pytest.raises(Throttled):
        accounts.delete_account(session=session, user=user, password=VICTIM_PASSWORD, ip="7.7.7.7")
    session.refresh(user)
    assert user.deleted_at is None


# --- where a login may lead -----------------------------------------------------------------

@pytest.mark.parametrize("path", ["/account", "/berichten", "/hulp/12", "/zoeken?q=ladder&wijk=merenwijk", "/a#b"])
def test_next_keeps_a_same_site_path(path):
    assert safe_next(path) == path


@pytest.mark.parametrize("path", [
    None, "", 42, ["/account"], "account", "https://evil.example/", "javascript:alert(1)", "//evil.example",
    "/\\evil.example", "/\\\\evil.example", "/a\\b", "/\t/evil.example", "/\r\n/evil.example", "\t//evil.example",
    "/\n", "/x\x00", "/ /evil.example", "/\u2028/evil.example", "/\u200b/evil.example", "///evil.example",
    "/" + "a" * 400, "http:/evil.example",
])
def test_next_refuses_anything_that_could_leave_the_site(path):
    assert safe_next(path) == "/account"
