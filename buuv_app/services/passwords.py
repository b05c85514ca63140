"""Password rules and hashing (argon2id). Hashing is slow on purpose: call it off the event loop."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import CHEAPEST

from buuv_app.errors import ValidationError
from buuv_app.i18n import N_
from buuv_app.settings import get_settings

MIN_LENGTH = 8
MAX_LENGTH = 256  # well above the 64 we promise; guards the hasher against megabyte inputs
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "security" / "common_passwords.txt"


@lru_cache
def _hasher() -> PasswordHasher:
    if get_settings().fast_password_hashing:
        return PasswordHasher.from_parameters(CHEAPEST)
    return PasswordHasher()  # argon2id, RFC 9106 low-memory profile


@lru_cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def check_password_policy(password: str, *, field: str = "password", email: str = "") -> None:
    """Length and commonness only: no composition rules (they make passwords worse, not better)."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(field, N_("Kies een wachtwoord van minstens {min} tekens."), min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise ValidationError(field, N_("Een wachtwoord mag hoogstens {max} tekens lang zijn."), max=MAX_LENGTH)
    lowered = password.strip().lower()
    if lowered in common_passwords() or (email and lowered in {email.lower(), email.split("@")[0].lower()}):
        raise ValidationError(
            field,
            N_("Dit wachtwoord is te bekend en makkelijk te raden. Kies een ander, bijvoorbeeld een zin van een paar woorden."),
        )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches. With no hash, still spends the time of a real check."""
    if password_hash is None:
        burn_time(password)
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@lru_cache
def _dummy_hash() -> str:
    return _hasher().hash("niet-bestaand-account")


def burn_time(password: str) -> None:
    """Verify against a throwaway hash so an unknown e-mail takes as long as a known one."""
    try:
        _hasher().verify(_dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        pass


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
