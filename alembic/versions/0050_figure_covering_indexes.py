"""The back office's figures read indexes only: conversation (created_at, responder_id) also
covers post_id and contact_id (reactions, new ties and reciprocity join a conversation to its post
without reading the conversation); post.matched_at and post (status, expires_at) cover what the
match and ran-out figures read of a post; first reactions per post come in order from
conversation (post_id, created_at) and paper_reaction (post_id, created_at). Plain CREATE INDEX
and DROP INDEX: no table is rebuilt, nothing is lost.

Revision ID: 0050
Revises: 0021
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0050'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MATCHED = ['matched_at', 'status', 'kind', 'is_demo', 'neighbourhood_id', 'category_id', 'author_id', 'ambassador_id',
           'neighbour_id']


def upgrade() -> None:
    op.drop_index('ix_conversation_created_at', table_name='conversation')
    op.create_index('ix_conversation_created_at', 'conversation',
                    ['created_at', 'responder_id', 'post_id', 'contact_id'], unique=False)
    op.create_index('ix_conversation_post_first', 'conversation', ['post_id', 'created_at'], unique=False)
    op.create_index('ix_paper_reaction_post_first', 'paper_reaction', ['post_id', 'created_at'], unique=False)
    op.drop_index('ix_post_matched_at', table_name='post')
    op.create_index('ix_post_matched_at', 'post', MATCHED, unique=False)
    op.drop_index('ix_post_status_expires', table_name='post')
    op.create_index('ix_post_status_expires', 'post', ['status', 'expires_at', 'kind', 'is_demo', 'neighbourhood_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_post_status_expires', table_name='post')
    op.create_index('ix_post_status_expires', 'post', ['status', 'expires_at'], unique=False)
    op.drop_index('ix_post_matched_at', table_name='post')
    op.create_index('ix_post_matched_at', 'post', ['matched_at'], unique=False)
    op.drop_index('ix_paper_reaction_post_first', table_name='paper_reaction')
    op.drop_index('ix_conversation_post_first', table_name='conversation')
    op.drop_index('ix_conversation_created_at', table_name='conversation')
    op.create_index('ix_conversation_created_at', 'conversation', ['created_at', 'responder_id'], unique=False)
