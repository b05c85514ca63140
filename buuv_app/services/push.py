"""Web Push: the server's VAPID key, members' devices (subscriptions), and delivering one push.

The private key is made once and kept (BUUV_VAPID_PRIVATE_KEY, else the file BUUV_VAPID_KEY_FILE,
by default data/vapid_private.pem, written on first use). The public key goes to the browser as
the `applicationServerKey`. Deliveries are made by the background sender (services/mail.py, the outbox),
never inside an event handler; `deliver` sends one push to one device and says what happened.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlparse

import requests
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlmodel import Session, col, func, select

from buuv_app.errors import ValidationError
from buuv_app.i18n import N_
from buuv_app.models import PushSubscription, User, utcnow
from buuv_app.settings import get_settings

log = logging.getLogger("buuv.push")

PRUNE_AFTER = timedelta(days=30)  # a device that has not taken a push for this long is dropped
MAX_DEVICES = 10  # per member: the oldest goes when an eleventh subscribes
ENDPOINT_MAX = 1000
_key_lock = threading.Lock()
_vapid: Vapid | None = None


class PushResult(StrEnum):
    SENT = "sent"
    GONE = "gone"  # 404/410: the device unsubscribed or the browser was removed
    RETRY = "retry"  # the push service is unreachable or busy: try again later
    FAILED = "failed"  # refused for good (a bad request): retrying would not help


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def vapid() -> Vapid:
    """The server's VAPID key, made once and kept (see the module docstring)."""
    global _vapid
    with _key_lock:
        if _vapid is None:
            settings = get_settings()
            if settings.vapid_private_key:
                _vapid = Vapid.from_pem(settings.vapid_private_key.strip().encode())
            else:
                path = settings.vapid_key_file
                if not path.exists():
                    key = Vapid()
                    key.generate_keys()
                    path.parent.mkdir(parents=True, exist_ok=True)
                    # Only the server's user may read it.
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "wb") as file:
                        file.write(key.private_pem())
                    log.info("made a new VAPID key in %s", path)
                _vapid = Vapid.from_file(str(path))
        return _vapid


def public_key() -> str:
    """The `applicationServerKey` for pushManager.subscribe: the public key, uncompressed, base64url."""
    raw = vapid().public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return _b64url(raw)


# --- devices --------------------------------------------------------------------------------

_BAD_SUBSCRIPTION = N_("Meldingen aanzetten lukte niet op dit apparaat. Probeer het opnieuw.")


def _check_endpoint(endpoint: object) -> str:
    if not isinstance(endpoint, str) or not 10 < len(endpoint) <= ENDPOINT_MAX:
        raise ValidationError("push", _BAD_SUBSCRIPTION)
    url = urlparse(endpoint)
    # Push services are https; plain http only outside production, for a local test service.
    allowed = ("https",) if get_settings().is_production else ("https", "http")
    if url.scheme not in allowed or not url.hostname or url.username or url.password:
        raise ValidationError("push", _BAD_SUBSCRIPTION)
    return endpoint


def _check_key(value: object, length: int) -> str:
    try:
        if isinstance(value, str) and len(value) < 200 and len(_b64url_decode(value)) == length:
            return value
    except (ValueError, TypeError):
        pass
    raise ValidationError("push", _BAD_SUBSCRIPTION)


def subscribe(
    *, session: Session, user: User, endpoint: object, p256dh: object, auth: object, locale: object = "nl",
    auth_session_id: int | None = None,
) -> PushSubscription:
    """Keep (or refresh) the subscription of one device of `user`. A browser that was someone
    else's before (they logged out, this member logged in) is now this member's."""
    endpoint = _check_endpoint(endpoint)
    p256dh = _check_key(p256dh, 65)
    auth = _check_key(auth, 16)
    locale = "en" if locale == "en" else "nl"
    row = session.exec(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).first()
    if row is None:
        row = PushSubscription(endpoint=endpoint, user_id=user.id, p256dh=p256dh, auth=auth)
    row.user_id, row.p256dh, row.auth, row.locale = user.id, p256dh, auth, locale
    row.auth_session_id = auth_session_id
    row.created_at = utcnow()
    session.add(row)
    session.commit()
    session.refresh(row)
    extra = session.exec(select(PushSubscription.id).where(PushSubscription.user_id == user.id)
                         .order_by(col(PushSubscription.created_at).desc(), col(PushSubscription.id).desc())
                         .offset(MAX_DEVICES)).all()
    if extra:
        session.exec(sa.delete(PushSubscription).where(col(PushSubscription.id).in_(extra)))
        session.commit()
    return row


def unsubscribe(*, session: Session, user: User, endpoint: object) -> bool:
    """Forget one device of `user` (turned off on that device). Another member's device is untouched."""
    if not isinstance(endpoint, str):
        return False
    result = session.exec(sa.delete(PushSubscription).where(
        PushSubscription.user_id == user.id, PushSubscription.endpoint == endpoint[:ENDPOINT_MAX + 1]))
    session.commit()
    return bool(result.rowcount)


def forget_login_session(*, session: Session, auth_session_id: int) -> None:
    """Logging out on a device: its pushes stop (the caller commits)."""
    session.exec(sa.delete(PushSubscription).where(PushSubscription.auth_session_id == auth_session_id))


def forget_member(*, session: Session, user_id: int) -> None:
    """Deleting an account: every device goes (the caller commits)."""
    session.exec(sa.delete(PushSubscription).where(PushSubscription.user_id == user_id))


def list_devices(*, session: Session, user_id: int) -> list[PushSubscription]:
    return list(session.exec(select(PushSubscription).where(PushSubscription.user_id == user_id)
                             .order_by(col(PushSubscription.id))).all())


def prune(*, session: Session, now: datetime | None = None) -> int:
    """Drop devices that have taken no push for 30 days (counted from subscribing when none ever did)."""
    cutoff = (now or utcnow()) - PRUNE_AFTER
    result = session.exec(sa.delete(PushSubscription).where(
        func.coalesce(PushSubscription.last_success_at, PushSubscription.created_at) < cutoff))
    session.commit()
    return result.rowcount or 0


# --- delivering -----------------------------------------------------------------------------

def deliver(subscription: PushSubscription, payload: dict, *, ttl: int, urgency: str = "normal",
            timeout: float = 10) -> PushResult:
    """Encrypt `payload` (aes128gcm) for one device and hand it to its push service, signed with our
    VAPID key. Changes nothing in the database: the sender acts on the result."""
    info = {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
    try:
        webpush(
            subscription_info=info, data=json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
            vapid_private_key=vapid(), vapid_claims={"sub": get_settings().vapid_subject},  # a fresh dict: webpush fills in aud/exp
            content_encoding="aes128gcm", ttl=int(ttl), headers={"Urgency": urgency}, timeout=timeout,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in (404, 410):
            return PushResult.GONE
        if status is None or status in (408, 425, 429) or status >= 500:
            return PushResult.RETRY
        log.warning("push refused by %s: %s", urlparse(subscription.endpoint).hostname, status)
        return PushResult.FAILED
    except (requests.RequestException, OSError):
        return PushResult.RETRY
    return PushResult.SENT
