"""Configuration from environment variables (and an optional `.env` file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "buuv.db"


def normalize_database_url(url: str) -> str:
    """Give PostgreSQL URLs the psycopg 3 driver and make SQLite paths absolute.

    Hosting platforms hand out `postgres://` or `postgresql://` URLs, which SQLAlchemy maps to
    psycopg2; we ship psycopg 3. A relative SQLite path is taken from the project root, so the
    app, Alembic and the tests agree on one file whatever directory they start in.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        relative = url[len("sqlite:///") :]
        if relative and relative != ":memory:":
            return f"sqlite:///{(PROJECT_ROOT / relative).resolve()}"
    return url


class Settings(BaseSettings):
    """Everything that differs between a laptop, CI and a town's server."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    env: Literal["development", "test", "production"] = Field(
        default="development", validation_alias=AliasChoices("BUUV_ENV")
    )
    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        validation_alias=AliasChoices("DATABASE_URL", "REFLEX_DB_URL"),
    )
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "REFLEX_REDIS_URL")
    )
    public_url: str = Field(
        default="http://localhost:3000", validation_alias=AliasChoices("BUUV_PUBLIC_URL")
    )
    # Outgoing mail: with SMTP_HOST set, mail is sent; without it, it waits in the outbox table.
    smtp_host: str | None = Field(default=None, validation_alias=AliasChoices("SMTP_HOST"))
    smtp_port: int = Field(default=587, validation_alias=AliasChoices("SMTP_PORT"))
    smtp_user: str | None = Field(default=None, validation_alias=AliasChoices("SMTP_USER"))
    smtp_password: str | None = Field(default=None, validation_alias=AliasChoices("SMTP_PASSWORD"))
    smtp_from: str = Field(
        default="BUUV <noreply@buuv.example>", validation_alias=AliasChoices("SMTP_FROM")
    )
    smtp_starttls: bool = Field(default=True, validation_alias=AliasChoices("SMTP_STARTTLS"))
    # The mail sender runs beside the app; set to 0 when `python -m buuv_app.cli run-sender` runs
    # as a process of its own (several senders together are safe too: each mail is claimed once).
    mail_sender_in_app: bool = Field(default=True, validation_alias=AliasChoices("MAIL_SENDER_IN_APP"))
    # Signs links that work without logging in (unsubscribe). Must be set in production.
    secret_key: str = Field(default="dev-only-not-secret", validation_alias=AliasChoices("BUUV_SECRET_KEY"))
    # Web Push (VAPID): the server's private key as PEM text, or else kept in a file that is made
    # on first use (data/vapid_private.pem). Keep it: a new key silently ends every subscription.
    vapid_private_key: str | None = Field(default=None, validation_alias=AliasChoices("BUUV_VAPID_PRIVATE_KEY"))
    vapid_key_file: Path = Field(default=PROJECT_ROOT / "data" / "vapid_private.pem",
                                 validation_alias=AliasChoices("BUUV_VAPID_KEY_FILE"))
    # Who push services may contact about our pushes (a mailto: or https: URL).
    vapid_subject: str = Field(default="mailto:beheer@buuv.example", validation_alias=AliasChoices("BUUV_VAPID_SUBJECT"))
    # Tests only: cheap password hashing. Refused in production.
    fast_password_hashing: bool = Field(
        default=False, validation_alias=AliasChoices("BUUV_FAST_PASSWORD_HASHING")
    )
    seed_demo_data: bool = Field(
        default=True, validation_alias=AliasChoices("BUUV_SEED_DEMO_DATA")
    )

    @field_validator("database_url")
    @classmethod
    def _normalize_url(cls, value: str) -> str:
        return normalize_database_url(value)

    @model_validator(mode="after")
    def _refuse_test_shortcuts_in_production(self) -> Settings:
        if self.env == "production" and self.fast_password_hashing:
            raise ValueError("BUUV_FAST_PASSWORD_HASHING is for tests and refused in production")
        if self.env == "production" and (self.secret_key == "dev-only-not-secret" or len(self.secret_key) < 32):
            raise ValueError("set BUUV_SECRET_KEY to a random string of 32+ characters in production")
        return self

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
