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
