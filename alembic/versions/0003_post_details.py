"""Posts: short code, visibility, when, photo, search text and lifecycle columns.

Columns that every row needs get a server default here, so existing posts stay valid; the
short code and search text are filled in by the next revision (a data backfill of its own).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import buuv_app.models.types
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.add_column(sa.Column("short_code", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))
        batch_op.add_column(sa.Column("visibility", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False,
                                      server_default="everyone"))
        batch_op.add_column(sa.Column("when_kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False,
                                      server_default="flexible"))
        batch_op.add_column(sa.Column("when_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("when_end", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("photo_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("reminder_sent_at", buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("matched_at", buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_at", buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("helped_by", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True))
        batch_op.add_column(sa.Column("thank_you", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch_op.create_check_constraint("visibility", "visibility IN ('everyone', 'members')")
        batch_op.create_check_constraint("when_kind", "when_kind IN ('flexible', 'date', 'period')")
        batch_op.create_index("ix_post_recent", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_post_browse", ["neighbourhood_id", "kind", "category_id", "created_at", "id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_index("ix_post_browse")
        batch_op.drop_index("ix_post_recent")
        batch_op.drop_constraint("when_kind", type_="check")
        batch_op.drop_constraint("visibility", type_="check")
        for column in ("thank_you", "helped_by", "closed_at", "matched_at", "reminder_sent_at", "search_text",
                       "photo_key", "when_end", "when_start", "when_kind", "visibility", "short_code"):
            batch_op.drop_column(column)
