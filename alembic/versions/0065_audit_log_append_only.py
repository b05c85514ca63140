"""The audit log cannot be edited: triggers make the database refuse UPDATE and DELETE on
moderation_action (SQLite: RAISE(ABORT); PostgreSQL: a plpgsql function raising an exception).

Revision ID: 0065
Revises: 0095
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

from buuv_app.models.moderation import create_audit_guard, drop_audit_guard

revision: str = "0065"
down_revision: str | None = "0095"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_audit_guard(op.get_bind())


def downgrade() -> None:
    drop_audit_guard(op.get_bind())
