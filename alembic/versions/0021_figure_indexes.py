"""Indexes for the back office's figures over a period: post.matched_at, post (status, expires_at),
conversation (created_at, responder_id) and message (created_at, sender_id), the last two
covering who did something when, and ix_post_figures covering what the figures read of a post
(so they never read its text). Plain CREATE INDEX: no table is rebuilt.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_post_matched_at', 'post', ['matched_at'], unique=False)
    op.create_index('ix_post_status_expires', 'post', ['status', 'expires_at'], unique=False)
    op.create_index('ix_post_figures', 'post', ['created_at', 'neighbourhood_id', 'kind', 'category_id', 'status',
                                                'author_id', 'ambassador_id', 'neighbour_id', 'matched_at', 'is_demo'],
                    unique=False)
    op.create_index('ix_conversation_created_at', 'conversation', ['created_at', 'responder_id'], unique=False)
    op.create_index('ix_message_created_at', 'message', ['created_at', 'sender_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_message_created_at', table_name='message')
    op.drop_index('ix_conversation_created_at', table_name='conversation')
    op.drop_index('ix_post_figures', table_name='post')
    op.drop_index('ix_post_status_expires', table_name='post')
    op.drop_index('ix_post_matched_at', table_name='post')
