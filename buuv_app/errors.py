"""Typed domain errors raised by services and turned into messages by the state layer."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose."""


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the one asking)."""


class PermissionDenied(DomainError):
    """The one asking may not do this."""


class ValidationError(DomainError):
    """Input that cannot be accepted: `field` names the form field, `message` is a msgid."""

    def __init__(self, field: str, message: str, **params: object) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.params = params


class AuthenticationFailed(DomainError):
    """Wrong e-mail or password; deliberately silent about which of the two."""


class EmailNotConfirmed(DomainError):
    """The right password, but the address was never confirmed (a new link has been sent)."""


class InvalidToken(DomainError):
    """A mailed link that is unknown, expired or already used."""


class Throttled(DomainError):
    """Too many attempts; `retry_after` seconds until the next one is allowed."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"throttled for {retry_after}s")
        self.retry_after = retry_after
