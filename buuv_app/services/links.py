"""Signed links that work without logging in (unsubscribing from message mails)."""

from __future__ import annotations

import hashlib
import hmac

from buuv_app.settings import get_settings


def _signature(purpose: str, user_id: int) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{purpose}:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]


def sign(purpose: str, user_id: int) -> str:
    return f"{user_id}.{_signature(purpose, user_id)}"


def verify(purpose: str, token: str) -> int | None:
    """The user id a token was signed for, or None for anything forged or malformed."""
    user_part, _, signature = (token or "")[:80].partition(".")
    if not user_part.isdigit() or len(user_part) > 12:
        return None
    user_id = int(user_part)
    return user_id if hmac.compare_digest(signature, _signature(purpose, user_id)) else None
