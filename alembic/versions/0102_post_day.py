"""Stored facts for the back office's cold overview, kept current on write:
post.first_reaction_wait (seconds from placing to the first reaction) with an index on (kind,
wait, ...) that the first-reaction percentiles walk in order instead of sorting every wait;
post_day, the additive post counts per local day, municipality and wijk (by kind, category and
placer); member_day, per member, local day and area whether they asked, offered, helped or were
helped (reciprocity); active_day, the local days on which a member did something (active
members). Filled here from the rows already there by the same functions as
`python -m buuv_app.cli rebuild-figures` (services/stats_facts.py).

Revision ID: 0102
Revises: 0083
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session

from alembic import op

revision: str = '0102'
down_revision: str | None = '0101'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('post', sa.Column('first_reaction_wait', sa.Float(), nullable=True))
    op.create_table('post_day',
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('placer', sa.String(length=12), nullable=False),
    sa.Column('placed', sa.Integer(), nullable=False),
    sa.Column('placed_matched', sa.Integer(), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Integer(), nullable=False),
    sa.Column('reacted', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('level', 'area_id', 'day', 'kind', 'category_id', 'placer', name=op.f('pk_post_day'))
    )
    op.create_table('member_day',
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('asked', sa.SmallInteger(), nullable=False),
    sa.Column('offered', sa.SmallInteger(), nullable=False),
    sa.Column('helped', sa.SmallInteger(), nullable=False),
    sa.Column('was_helped', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('level', 'area_id', 'user_id', 'day', name=op.f('pk_member_day')),
    sqlite_with_rowid=False,
    )
    op.create_table('active_day',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('user_id', 'day', name=op.f('pk_active_day')),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_active_day_day', 'active_day', ['day', 'user_id'], unique=False)
    # The counts from the posts already there: the app's own function (services/stats_facts.py).
    from buuv_app.services import stats_facts

    with Session(bind=op.get_bind()) as session:
        stats_facts.refresh_first_reactions(session=session, post_ids=None)
        session.flush()
    op.create_index('ix_post_wait', 'post', ['kind', 'first_reaction_wait', 'created_at', 'neighbourhood_id',
                                             'is_demo'], unique=False)
    stats_facts.refresh_post_days(connection=op.get_bind(), keys=None, expiring=False)
    stats_facts.refresh_member_days(connection=op.get_bind(), keys=None, links=False)
    stats_facts.refresh_active_days(connection=op.get_bind(), keys=None, links=False)
    # New tables and indexes have no statistics yet (see 0055: without them SQLite chose badly).
    op.execute('ANALYZE post')
    op.execute('ANALYZE post_day')
    op.execute('ANALYZE member_day')
    op.execute('ANALYZE active_day')


def downgrade() -> None:
    op.drop_index('ix_active_day_day', table_name='active_day')
    op.drop_table('active_day')
    op.drop_table('member_day')
    op.drop_table('post_day')
    op.drop_index('ix_post_wait', table_name='post')
    op.drop_column('post', 'first_reaction_wait')
