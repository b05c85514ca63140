"""When "Meldingen aanzetten" was offered to a member after their first post (user.push_offered_at):
it is offered once.

Revision ID: 0083
Revises: 0082
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import buuv_app.models.types

revision: str = '0083'
down_revision: str | None = '0082'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('push_offered_at', buuv_app.models.types.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('push_offered_at')
