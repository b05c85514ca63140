"""Stored facts for the back office's figures, kept current on write: post.first_reaction_at
(a post's first reaction, online or on paper) and first_contact (when each pair of people first
got in contact, everywhere, per municipality and per wijk), filled from the rows already there by
the same function the app and `python -m buuv_app.cli rebuild-figures` use. The two figure
indexes on post also cover first_reaction_at; both tables' statistics are renewed (ANALYZE).

Revision ID: 0055
Revises: 0060 (written on 0050; re-chained when merged after 0060)
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session

import buuv_app.models.types
from alembic import op

revision: str = '0055'
down_revision: str | None = '0060'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS_EXPIRES = ['status', 'expires_at', 'kind', 'is_demo', 'neighbourhood_id']
FIGURES = ['created_at', 'neighbourhood_id', 'kind', 'category_id', 'status', 'author_id', 'ambassador_id',
           'neighbour_id', 'matched_at', 'is_demo']


def upgrade() -> None:
    op.add_column('post', sa.Column('first_reaction_at', buuv_app.models.types.UTCDateTime(timezone=True),
                                    nullable=True))
    op.create_table('first_contact',
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('a', sa.Integer(), nullable=False),
    sa.Column('b', sa.Integer(), nullable=False),
    sa.Column('first_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('level', 'area_id', 'a', 'b', name=op.f('pk_first_contact'))
    )
    # The facts from the rows already there: the app's own function (services/stats_facts.py).
    from buuv_app.services import stats_facts

    with Session(bind=op.get_bind()) as session:
        # The facts of this revision only (stats_facts.rebuild also fills those of later ones).
        stats_facts.refresh_first_reactions(session=session, post_ids=None, wait=False)
        stats_facts.refresh_first_contacts(session=session, people=None)
        session.flush()
    op.create_index('ix_first_contact_area_first', 'first_contact', ['level', 'area_id', 'first_at'], unique=False)
    op.drop_index('ix_post_status_expires', table_name='post')
    op.create_index('ix_post_status_expires', 'post', [*STATUS_EXPIRES, 'first_reaction_at'], unique=False)
    op.drop_index('ix_post_figures', table_name='post')
    op.create_index('ix_post_figures', 'post', [*FIGURES, 'first_reaction_at'], unique=False)
    # Indexes made anew have no statistics yet; without them SQLite's planner chose badly for the
    # other figures (measured: the overview took longer than before until ANALYZE ran).
    op.execute('ANALYZE post')
    op.execute('ANALYZE first_contact')


def downgrade() -> None:
    op.drop_index('ix_post_figures', table_name='post')
    op.create_index('ix_post_figures', 'post', FIGURES, unique=False)
    op.drop_index('ix_post_status_expires', table_name='post')
    op.create_index('ix_post_status_expires', 'post', STATUS_EXPIRES, unique=False)
    op.drop_index('ix_first_contact_area_first', table_name='first_contact')
    op.drop_table('first_contact')
    op.drop_column('post', 'first_reaction_at')
