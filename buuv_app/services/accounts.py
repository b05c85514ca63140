"""Accounts: sign up, confirm, log in and out, reset and change passwords, profile, export, delete.

Sign-up, login and reset answer alike whether an address is known or not: a new address gets a
confirmation link, a known one a "you already have an account" mail, and both see the same page.
Every path hashes or verifies a password, so they also take about the same time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from buuv_app import routes
from buuv_app.errors import (
    AuthenticationFailed,
    EmailNotConfirmed,
    FieldChecks,
    InvalidToken,
    Throttled,
    ValidationError,
)
from buuv_app.i18n import N_, format_date, gettext
from buuv_app.models import (
    AuthSession,
    BoardAmbassador,
    DigestNeighbourhood,
    LiveView,
    Municipality,
    Neighbour,
    Neighbourhood,
    OutboxMail,
    Post,
    TokenPurpose,
    User,
    UserToken,
    utcnow,
)
from buuv_app.services import mail, passwords, photos, posts, push, sessions, stats_facts, throttle, verification
from buuv_app.services.places import get_neighbourhood_by_slug
from buuv_app.settings import get_settings

NAME_MAX = 60
EMAIL_MAX = 254
CONFIRM_VALID = timedelta(hours=24)
RESET_VALID = timedelta(hours=1)
DELETED_NAME = "verwijderde gebruiker"
# Deliberately simple: one @, something before it, a dotted domain after it, no spaces.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class LoginResult:
    user: User
    token: str


# --- validation -----------------------------------------------------------------------------

def normalize_email(raw: str, field: str = "email") -> str:
    email = (raw or "").strip().lower()
    if len(email) > EMAIL_MAX or not EMAIL_PATTERN.match(email):
        raise ValidationError(field, N_("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."))
    return email


def clean_name(raw: str, *, field: str, max_length: int, empty: str, too_long: str) -> str:
    """A person's name as typed: spaces collapsed, not empty, not too long (`too_long` gets
    {max}), no markup or control characters."""
    name = " ".join(unicodedata.normalize("NFC", raw or "").split())
    if not name:
        raise ValidationError(field, empty)
    if len(name) > max_length:
        raise ValidationError(field, too_long, max=max_length)
    if any(ch in name for ch in "<>{}") or any(unicodedata.category(ch).startswith("C") for ch in name):
        raise ValidationError(field, N_("Gebruik in je naam alleen letters, cijfers en gewone leestekens."))
    return name


def clean_display_name(raw: str) -> str:
    return clean_name(raw, field="display_name", max_length=NAME_MAX,
                      empty=N_("Vul je naam in, zoals buren je mogen noemen."),
                      too_long=N_("Je naam mag hoogstens {max} tekens lang zijn."))


def _neighbourhood(session: Session, slug: str) -> Neighbourhood:
    neighbourhood = get_neighbourhood_by_slug(session=session, slug=(slug or "")[:80])
    if neighbourhood is None:
        raise ValidationError("neighbourhood", N_("Kies je buurt uit de lijst."))
    return neighbourhood


def get_user_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


# --- mailed links ---------------------------------------------------------------------------

def issue_token(session: Session, user: User, purpose: TokenPurpose, valid_for: timedelta) -> str:
    """A new single-use link token for `user` (the raw one, for the mail); also used by ambassador.py."""
    # A new link makes older unused links of the same kind worthless.
    session.exec(delete(UserToken).where(
        UserToken.user_id == user.id, UserToken.purpose == purpose.value, col(UserToken.used_at).is_(None)))
    raw, hashed = sessions.new_token()
    now = utcnow()
    session.add(UserToken(user_id=user.id, purpose=purpose.value, token_hash=hashed,
                          created_at=now, expires_at=now + valid_for))
    session.commit()
    return raw


def redeem_token(session: Session, raw: str, purpose: TokenPurpose, now: datetime) -> tuple[UserToken, User]:
    """The token row and its user, or InvalidToken; the caller marks it used."""
    if not raw or len(raw) > 200:
        raise InvalidToken()
    row = session.exec(
        select(UserToken, User).join(User, UserToken.user_id == User.id)
        .where(UserToken.token_hash == sessions.hash_token(raw), UserToken.purpose == purpose.value)
    ).first()
    if row is None:
        raise InvalidToken()
    token, user = row
    if token.used_at is not None or now >= token.expires_at or user.deleted_at is not None:
        raise InvalidToken()
    return token, user


def _link(path: str, token: str, next_path: str = "") -> str:
    """A mailed link; `next_path` (a path on this site, checked by the caller) rides along so the
    login after it leads where the member was going."""
    return f"{get_settings().public_url.rstrip('/')}{routes.with_next(f'{path}?token={token}', next_path)}"


def _mail(session: Session, user_email: str, locale: str, subject: str, body: str, **params) -> None:
    mail.send_mail(
        session=session, to=user_email,
        subject=gettext(subject, locale), body=gettext(body, locale, **params),
    )


# --- sign-up and confirmation ---------------------------------------------------------------

def _confirmation_allowed(session: Session, email: str, ip: str | None) -> bool:
    """At most five confirmation mails an hour per address and per client, like reset mails (for
    a login to an unconfirmed account: over the limit nothing is sent, the answer is the same)."""
    try:
        throttle.reserve(session=session, kind="confirm", keys=[throttle.email_key(email), throttle.ip_key(ip)],
                         limit=throttle.CONFIRM_LIMIT, window=throttle.CONFIRM_WINDOW)
    except Throttled:
        return False
    return True


def _send_confirmation(session: Session, user: User, locale: str, next_path: str = "") -> None:
    raw = issue_token(session, user, TokenPurpose.CONFIRM_EMAIL, CONFIRM_VALID)
    _mail(session, user.email, locale,
          N_("Bevestig je aanmelding bij BUUV"),
          N_("Hallo {name},\n\nWelkom bij BUUV! Klik op deze link om je aanmelding af te ronden:\n{link}\n\n"
             "De link werkt 24 uur. Heb je je niet aangemeld? Dan hoef je niets te doen.\n\nGroet,\nBUUV"),
          name=user.display_name, link=_link(routes.CONFIRM, raw, next_path))


def _send_finish_sign_up(session: Session, user: User, locale: str, next_path: str = "") -> None:
    """Someone signed up again with the address of an unconfirmed account. Nothing of the account
    changes; its owner gets the link to finish it (and to choose a password if they forgot theirs,
    or never had one: an ambassador's invitation)."""
    forgot = f"{get_settings().public_url.rstrip('/')}{routes.FORGOT_PASSWORD}"
    if user.password_hash is None:
        raw = issue_token(session, user, TokenPurpose.RESET_PASSWORD, RESET_VALID)
        _mail(session, user.email, locale,
              N_("Maak je aanmelding bij BUUV af"),
              N_("Hallo {name},\n\nIemand (misschien jij) wilde zich aanmelden bij BUUV met dit e-mailadres. "
                 "Kies een wachtwoord via deze link om je account af te maken:\n{link}\n\n"
                 "De link werkt één uur. Was jij dit niet? Dan hoef je niets te doen.\n\nGroet,\nBUUV"),
              name=user.display_name, link=_link(routes.RESET_PASSWORD, raw))
        return
    raw = issue_token(session, user, TokenPurpose.CONFIRM_EMAIL, CONFIRM_VALID)
    _mail(session, user.email, locale,
          N_("Maak je aanmelding bij BUUV af"),
          N_("Hallo {name},\n\nIemand (misschien jij) wilde zich aanmelden bij BUUV met dit e-mailadres. "
             "Er is al een aanmelding die nog niet is afgerond. Rond hem af via deze link en log daarna in "
             "met het wachtwoord dat je toen koos:\n{link}\n\nWachtwoord vergeten? Vraag een nieuw aan op "
             "{forgot}\n\nWas jij dit niet? Dan hoef je niets te doen; niemand anders kan met dit adres "
             "inloggen.\n\nGroet,\nBUUV"),
          name=user.display_name, link=_link(routes.CONFIRM, raw, next_path), forgot=forgot)


def sign_up(
    *, session: Session, display_name: str, email: str, password: str, neighbourhood_slug: str,
    accepted_terms: bool, confirmed_16_plus: bool, ip: str | None, locale: str = "nl", next_path: str = "",
) -> None:
    """Register, or mail the owner of the address; the caller always shows "check your mail".

    An address that already has an account, confirmed or not, is never changed by a sign-up:
    whoever types someone else's address cannot choose the password the owner will later
    confirm (the owner gets a mail to finish their own sign-up instead). `next_path`, a path on
    this site the caller checked (state.base.safe_next), goes into the confirmation link."""
    checks = FieldChecks()  # every field's problem at once, in the form's order
    name = checks.run(clean_display_name, display_name)
    email = checks.run(normalize_email, email)
    checks.run(passwords.check_password_policy, password, email=email or "")
    neighbourhood = checks.run(_neighbourhood, session, neighbourhood_slug)
    checks.require(accepted_terms, "accepted_terms",
                   N_("Je kunt je aanmelden als je de huisregels en de privacyverklaring accepteert."))
    checks.require(confirmed_16_plus, "confirmed_16_plus", N_("BUUV is voor mensen van 16 jaar en ouder."))
    checks.raise_any()
    throttle.reserve(session=session, kind="signup", keys=[throttle.ip_key(ip)],
                     limit=throttle.SIGNUP_LIMIT, window=throttle.SIGNUP_WINDOW)
    # Every sign-up mails the address, whatever its state: counted (and refused) alike, as
    # reset requests are, so the limit itself says nothing about the address.
    throttle.reserve(session=session, kind="confirm", keys=[throttle.email_key(email), throttle.ip_key(ip)],
                     limit=throttle.CONFIRM_LIMIT, window=throttle.CONFIRM_WINDOW)

    password_hash = passwords.hash_password(password)  # on every path, for even timing
    existing = get_user_by_email(session=session, email=email)
    if existing is not None and existing.email_verified_at is not None:
        _mail(session, email, locale,
              N_("Je hebt al een BUUV-account"),
              N_("Hallo {name},\n\nIemand (misschien jij) wilde zich aanmelden bij BUUV met dit e-mailadres. "
                 "Je hebt al een account. Wachtwoord vergeten? Vraag een nieuw aan op {link}\n\n"
                 "Was jij dit niet? Dan hoef je niets te doen.\n\nGroet,\nBUUV"),
              name=existing.display_name, link=f"{get_settings().public_url.rstrip('/')}{routes.FORGOT_PASSWORD}")
        return
    if existing is not None:
        _send_finish_sign_up(session, existing, locale, next_path)
        return
    now = utcnow()
    user = User(display_name=name, email=email, password_hash=password_hash,
                home_neighbourhood_id=neighbourhood.id, accepted_terms_at=now, confirmed_16_plus_at=now,
                created_at=now, updated_at=now)
    session.add(user)
    session.commit()
    session.refresh(user)
    _send_confirmation(session, user, locale, next_path)


def confirm_email(*, session: Session, token: str) -> User:
    """Confirm the address behind a sign-up link. Nobody is logged in by it: whoever opens the
    link (a forwarded mail, a shared computer) still needs the account's password."""
    now = utcnow()
    user_token, user = redeem_token(session, token, TokenPurpose.CONFIRM_EMAIL, now)
    user_token.used_at = now
    user.email_verified_at = user.email_verified_at or now
    user.updated_at = now
    session.add_all([user_token, user])
    session.commit()
    session.refresh(user)
    return user


# --- login, logout, passwords ---------------------------------------------------------------

def _login_keys(email: str, ip: str | None) -> list[str]:
    return [throttle.email_key(email), throttle.ip_key(ip)]


def log_in(*, session: Session, email: str, password: str, ip: str | None, locale: str = "nl") -> LoginResult:
    """Log in. The attempt is counted before the password is checked and taken back when it was
    right, so five wrong passwords in fifteen minutes (per address, per client) lock even when
    they are sent all at once."""
    checks = FieldChecks()
    email = checks.run(normalize_email, email)
    checks.require(password, "password", N_("Vul je wachtwoord in."))
    checks.raise_any()
    keys = _login_keys(email, ip)
    reserved = throttle.reserve(session=session, kind="login_failed", keys=keys,
                                limit=throttle.LOGIN_LIMIT, window=throttle.LOGIN_WINDOW)
    user = get_user_by_email(session=session, email=email)
    hash_to_check = user.password_hash if user is not None and user.deleted_at is None else None
    if not passwords.verify_password(hash_to_check, password[: passwords.MAX_LENGTH]):
        raise AuthenticationFailed()  # the reserved attempt stays: it is the failed one
    throttle.release(session=session, ids=reserved)
    if user.email_verified_at is None:
        # A new link, but no more than confirmation mails are allowed anyway.
        if _confirmation_allowed(session, email, ip):
            _send_confirmation(session, user, locale)
        raise EmailNotConfirmed()
    if user.is_suspended:
        # Only after the right password: nobody learns from this form that an address is suspended.
        if user.suspended_until is None:
            raise ValidationError("form", N_("Je account is geschorst. Vragen? Neem contact op met de "
                                             "wijkprofessional van je gemeente."))
        raise ValidationError("form", N_("Je account is geschorst tot {date}. Vragen? Neem contact op met de "
                                         "wijkprofessional van je gemeente."),
                              date=format_date(user.suspended_until, locale))
    throttle.clear(session=session, kind="login_failed", key=throttle.email_key(email))
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        session.add(user)
        session.commit()
    return LoginResult(user=user, token=sessions.create_session(session=session, user=user, ip=ip))


def check_password_attempt(*, session: Session, user: User, password: str, ip: str | None, field: str,
                           message: str) -> None:
    """For what a logged-in member or an invitation confirms with a password (change it, delete
    the account, accept an invitation): counted like a login, per account and per client, before
    the password is checked. A wrong one raises ValidationError(field, message)."""
    reserved = throttle.reserve(session=session, kind="password",
                                keys=[throttle.user_key(user.id), throttle.ip_key(ip)],
                                limit=throttle.PASSWORD_LIMIT, window=throttle.PASSWORD_WINDOW)
    if not passwords.verify_password(user.password_hash, (password or "")[: passwords.MAX_LENGTH]):
        raise ValidationError(field, message)
    throttle.release(session=session, ids=reserved)


def log_out(*, session: Session, token: str | None) -> None:
    """End this device's session; its push notifications stop with it."""
    current = sessions.find_session(session=session, raw_token=token)
    if current is not None:
        push.forget_login_session(session=session, auth_session_id=current.id)
    sessions.revoke_session(session=session, raw_token=token)


def request_password_reset(*, session: Session, email: str, locale: str = "nl", ip: str | None = None) -> None:
    """Mail a one-hour reset link if the address belongs to an account; silent either way.
    At most five requests an hour per address and per client, known address or not."""
    email = normalize_email(email)
    throttle.reserve(session=session, kind="reset", keys=[throttle.email_key(email), throttle.ip_key(ip)],
                     limit=throttle.RESET_LIMIT, window=throttle.RESET_WINDOW)
    user = get_user_by_email(session=session, email=email)
    if user is None or user.deleted_at is not None or user.password_hash is None:
        return
    raw = issue_token(session, user, TokenPurpose.RESET_PASSWORD, RESET_VALID)
    _mail(session, email, locale,
          N_("Nieuw wachtwoord voor BUUV"),
          N_("Hallo {name},\n\nJe hebt gevraagd om een nieuw wachtwoord. Kies het via deze link:\n{link}\n\n"
             "De link werkt één uur en één keer. Heb je dit niet gevraagd? Dan hoef je niets te doen; "
             "je wachtwoord blijft hetzelfde.\n\nGroet,\nBUUV"),
          name=user.display_name, link=_link(routes.RESET_PASSWORD, raw))


def check_reset_token(*, session: Session, token: str) -> None:
    """Raise InvalidToken when a reset link can no longer be used (to say so before typing)."""
    redeem_token(session, token, TokenPurpose.RESET_PASSWORD, utcnow())


def reset_password(*, session: Session, token: str, new_password: str) -> User:
    """Set a new password through a reset link; every session of the account is ended."""
    now = utcnow()
    user_token, user = redeem_token(session, token, TokenPurpose.RESET_PASSWORD, now)
    passwords.check_password_policy(new_password, email=user.email or "")
    user_token.used_at = now
    user.password_hash = passwords.hash_password(new_password)
    # Proving control of the mailbox also confirms it.
    user.email_verified_at = user.email_verified_at or now
    user.updated_at = now
    session.add_all([user_token, user])
    session.commit()
    sessions.revoke_all_sessions(session=session, user_id=user.id)
    return user


def change_password(
    *, session: Session, user: User, current_password: str, new_password: str, ip: str | None,
) -> str:
    """Change the password (the current one is asked, throttled like a login); returns a fresh
    session token."""
    check_password_attempt(session=session, user=user, password=current_password, ip=ip,
                           field="current_password", message=N_("Je huidige wachtwoord klopt niet."))
    passwords.check_password_policy(new_password, field="new_password", email=user.email or "")
    user.password_hash = passwords.hash_password(new_password)
    user.updated_at = utcnow()
    session.add(user)
    session.commit()
    sessions.revoke_all_sessions(session=session, user_id=user.id)
    return sessions.create_session(session=session, user=user, ip=ip)


# --- profile, export, deletion --------------------------------------------------------------

def update_profile(*, session: Session, user: User, display_name: str, neighbourhood_slug: str) -> User:
    checks = FieldChecks()
    name = checks.run(clean_display_name, display_name)
    neighbourhood = checks.run(_neighbourhood, session, neighbourhood_slug)
    checks.raise_any()
    # Moving to another wijk ends a verification as neighbour (in the same commit).
    verification.lapse_on_move(session=session, user=user, new_neighbourhood_id=neighbourhood.id)
    user.display_name = name
    user.home_neighbourhood_id = neighbourhood.id
    user.updated_at = utcnow()
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export_data(*, session: Session, user: User) -> dict:
    """Everything stored about `user`, as JSON-ready data (the right of access, self-service)."""
    neighbourhood = session.get(Neighbourhood, user.home_neighbourhood_id) if user.home_neighbourhood_id else None
    municipality = session.get(Municipality, user.municipality_id) if user.municipality_id else None
    # A deleted post is only an empty row kept for the other side of a conversation.
    own_posts = session.exec(select(Post).where(Post.author_id == user.id, col(Post.deleted_at).is_(None))
                             .order_by(col(Post.id))).all()
    # Posts placed for or by way of a neighbour carry the neighbour's first name only: contact
    # details are the neighbour's own data, exported only to the neighbour (below).
    first_names = dict(session.exec(select(Neighbour.id, Neighbour.first_name).where(
        col(Neighbour.id).in_([p.neighbour_id for p in own_posts if p.neighbour_id is not None]))).all())
    registered = session.exec(select(Neighbour).where(
        Neighbour.account_id == user.id, col(Neighbour.joined_at).is_not(None))).all()
    logins = session.exec(select(AuthSession).where(AuthSession.user_id == user.id)).all()
    mails = session.exec(select(OutboxMail).where(OutboxMail.to_address == user.email)).all() if user.email else []
    return {
        "export_created_at": utcnow().isoformat(),
        "account": {
            "display_name": user.display_name,
            "email": user.email,
            "role": user.role,
            "home_neighbourhood": neighbourhood.name if neighbourhood else None,
            "work_municipality": municipality.name if municipality else None,
            "profile_intro": user.intro,
            "has_profile_photo": user.photo_key is not None,
            "created_at": _iso(user.created_at),
            "updated_at": _iso(user.updated_at),
            "email_confirmed_at": _iso(user.email_verified_at),
            "accepted_house_rules_and_privacy_at": _iso(user.accepted_terms_at),
            "confirmed_16_or_older_at": _iso(user.confirmed_16_plus_at),
            "password": "stored only as an argon2id hash, which cannot be read back",
        },
        "posts": [
            {
                "id": post.id, "kind": post.kind, "title": post.title, "body": post.body,
                "status": post.status, "created_at": _iso(post.created_at),
                "updated_at": _iso(post.updated_at), "expires_at": _iso(post.expires_at),
                **({"placed_through_an_ambassador_for": first_names.get(post.neighbour_id)}
                   if post.neighbour_id is not None else {}),
            }
            for post in own_posts
        ],
        "registered_by_an_ambassador": [_neighbour_record(session, n) for n in registered],
        "login_sessions": [
            {"started_at": _iso(s.created_at), "last_seen_at": _iso(s.last_seen_at),
             "expires_at": _iso(s.expires_at), "ip": s.ip}
            for s in logins
        ],
        "mail_sent_to_you": [
            {"subject": m.subject, "status": m.status, "created_at": _iso(m.created_at)} for m in mails
        ],
    }


def _neighbour_record(session: Session, neighbour: Neighbour) -> dict:
    """What an ambassador recorded about someone before they had an account (their own data)."""
    ambassador = session.get(User, neighbour.ambassador_id)
    neighbourhood = session.get(Neighbourhood, neighbour.neighbourhood_id)
    return {
        "first_name": neighbour.first_name,
        "neighbourhood": neighbourhood.name if neighbourhood else None,
        "ambassador": ambassador.display_name if ambassador else None,
        "how_to_reach_you": neighbour.contact_method,
        "phone": neighbour.phone,
        "board_location": neighbour.board_location,
        "consent_given_how": neighbour.consent_method,
        "consent_given_on": neighbour.consent_given_on.isoformat() if neighbour.consent_given_on else None,
        "consent_recorded_at": _iso(neighbour.consent_recorded_at),
        "registered_at": _iso(neighbour.created_at),
        "invited_at": _iso(neighbour.invited_at),
        "account_taken_over_at": _iso(neighbour.joined_at),
    }


def _remove_own_posts(session: Session, user: User) -> list[str]:
    """Delete the user's posts. One that others already wrote about is emptied and closed instead,
    so their conversation stays readable for them (posts.remove_post). Returns the keys of their
    photos, to remove once this is committed."""
    now = utcnow()
    return [key for post in session.exec(select(Post).where(Post.author_id == user.id)).all()
            if (key := posts.remove_post(session=session, post=post, now=now))]


def _forget_neighbour_records(session: Session, user: User) -> None:
    """Someone who joined through an ambassador leaves: what the ambassador recorded about them
    (phone, consent) goes too. An open invitation to this address ends as well."""
    records = session.exec(select(Neighbour).where(Neighbour.account_id == user.id)).all()
    for neighbour in records:
        if neighbour.joined_at is None:
            neighbour.account_id, neighbour.invited_at = None, None
            session.add(neighbour)
            continue
        theirs = session.exec(select(Post).where(Post.neighbour_id == neighbour.id)).all()
        for post in theirs:
            post.neighbour_id = None
            session.add(post)
        session.flush()
        stats_facts.ties_changed(session=session, people=stats_facts.people_reacting_to(
            session=session, post_ids=[post.id for post in theirs]))
        session.delete(neighbour)


def delete_account(*, session: Session, user: User, password: str, ip: str | None = None) -> None:
    """Erase personal data and own posts. The row stays, empty, so messages already sent to others
    can show "verwijderde gebruiker". The password is asked, throttled like a login."""
    check_password_attempt(session=session, user=user, password=password, ip=ip,
                           field="password", message=N_("Je wachtwoord klopt niet."))
    photo_keys = _remove_own_posts(session, user)
    _forget_neighbour_records(session, user)
    session.exec(delete(UserToken).where(UserToken.user_id == user.id))
    session.exec(delete(AuthSession).where(AuthSession.user_id == user.id))
    session.exec(delete(LiveView).where(LiveView.user_id == user.id))
    push.forget_member(session=session, user_id=user.id)
    session.exec(delete(DigestNeighbourhood).where(DigestNeighbourhood.user_id == user.id))
    session.exec(delete(BoardAmbassador).where(BoardAmbassador.user_id == user.id))
    if user.email:
        session.exec(delete(OutboxMail).where(OutboxMail.to_address == user.email))
    now = utcnow()
    user.display_name = DELETED_NAME
    user.email = None
    user.password_hash = None
    user.home_neighbourhood_id = None
    user.municipality_id = None
    user.role = "resident"
    # The profile (services/profiles.py) goes with the account: introduction and photo.
    if user.photo_key:
        photo_keys.append(user.photo_key)
    user.intro, user.photo_key = None, None
    user.deleted_at = now
    user.updated_at = now
    session.add(user)
    session.commit()
    for key in photo_keys:
        photos.delete_photo(key)
