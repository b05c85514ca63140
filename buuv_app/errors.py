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

    @property
    def errors(self) -> list[ValidationError]:
        """Every field at fault, in form order (just this one for a single error)."""
        return [self]


class ValidationErrors(ValidationError):
    """Several fields at fault at once, so a form can show all its messages after one submit.

    It is a ValidationError naming the first field, so code that handles one error still works."""

    def __init__(self, errors: list[ValidationError]) -> None:
        first = errors[0]
        super().__init__(first.field, first.message, **first.params)
        self._errors = list(errors)

    @property
    def errors(self) -> list[ValidationError]:
        return self._errors


class FieldChecks:
    """Collects the errors of independent field checks, then raises them together.

        checks = FieldChecks()
        name = checks.run(clean_name, raw_name)      # None when it failed
        checks.require(accepted, "terms", N_("..."))
        checks.raise_any()
    """

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def run(self, check, *args, **kwargs):
        """The check's result, or None with its error(s) kept for later."""
        try:
            return check(*args, **kwargs)
        except ValidationError as error:
            self.add(error)
            return None

    def add(self, error: ValidationError) -> None:
        known = {e.field for e in self.errors}
        self.errors.extend(e for e in error.errors if e.field not in known)

    def require(self, condition: object, field: str, message: str, **params: object) -> None:
        if not condition:
            self.add(ValidationError(field, message, **params))

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    def raise_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ValidationErrors(self.errors)


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
