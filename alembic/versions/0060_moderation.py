"""Moderation: reports of posts as well as conversations and messages (reason code, note, shared
messages, status, assignee, group, appeal), the audit log (moderation_action), notices to members
(member_notice), the daily reminder key (moderation_reminder), hidden posts and suspended members.
Existing conversation reports keep their text as the note, with the reason "iets anders".

Revision ID: 0060
Revises: 0081 (written on 0021; re-chained when merged after 0081)
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import buuv_app.models.types


revision: str = '0060'
down_revision: str | None = '0081'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('moderation_reminder',
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sent_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_moderation_reminder_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('municipality_id', 'day', name=op.f('pk_moderation_reminder'))
    )
    op.create_table('member_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('item_title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('seen_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('warning', 'outcome')", name=op.f('ck_member_notice_kind')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_member_notice_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_notice'))
    )
    with op.batch_alter_table('member_notice', schema=None) as batch_op:
        batch_op.create_index('ix_member_notice_unseen', ['user_id', 'seen_at'], unique=False)

    op.create_table('moderation_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('until', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_moderation_action_actor_id_user')),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_moderation_action_post_id_post')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_moderation_action_report_id_report')),
    sa.ForeignKeyConstraint(['subject_id'], ['user.id'], name=op.f('fk_moderation_action_subject_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_action'))
    )
    with op.batch_alter_table('moderation_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_action_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_action_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_action_subject_id'), ['subject_id'], unique=False)

    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_cause', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.add_column(sa.Column('appealed_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('post_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('shared_message_ids', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('municipality_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('is_appeal', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False,
                                      server_default='open'))
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('resolved_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('conversation_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_report_post_id'), ['post_id'], unique=False)
        batch_op.create_index('ix_report_queue', ['status', 'municipality_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_subject_id'), ['subject_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_report_assignee_id_user'), 'user', ['assignee_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_report_post_id_post'), 'post', ['post_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_report_subject_id_user'), 'user', ['subject_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_report_municipality_id_municipality'), 'municipality', ['municipality_id'], ['id'])
        batch_op.create_check_constraint('status', "status IN ('open', 'in_progress', 'resolved')")
    # The free text of earlier conversation reports becomes their note; the member reported is the
    # other participant; the municipality is the post's.
    op.execute(sa.text(
        "UPDATE report SET note = reason, reason = 'anders', "
        "subject_id = (SELECT CASE WHEN c.responder_id = report.reporter_id THEN c.contact_id ELSE c.responder_id END "
        "FROM conversation c WHERE c.id = report.conversation_id), "
        "municipality_id = (SELECT n.municipality_id FROM conversation c JOIN post p ON p.id = c.post_id "
        "JOIN neighbourhood n ON n.id = p.neighbourhood_id WHERE c.id = report.conversation_id)"))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('suspended_until', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    # Reports of posts (and appeals) have no conversation: they cannot stay in the older table.
    op.execute(sa.text("DELETE FROM moderation_action"))
    op.execute(sa.text("DELETE FROM report WHERE conversation_id IS NULL"))
    op.execute(sa.text("UPDATE report SET reason = substr(CASE WHEN reason = 'anders' THEN note "
                       "ELSE reason || ': ' || note END, 1, 1000) WHERE note <> ''"))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('suspended_until')
        batch_op.drop_column('suspended_at')

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_report_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_report_municipality_id_municipality'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_report_subject_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_report_post_id_post'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_report_assignee_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_report_subject_id'))
        batch_op.drop_index('ix_report_queue')
        batch_op.drop_index(batch_op.f('ix_report_post_id'))
        batch_op.alter_column('conversation_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('outcome')
        batch_op.drop_column('assignee_id')
        batch_op.drop_column('status')
        batch_op.drop_column('is_appeal')
        batch_op.drop_column('group_id')
        batch_op.drop_column('municipality_id')
        batch_op.drop_column('shared_message_ids')
        batch_op.drop_column('note')
        batch_op.drop_column('post_id')
        batch_op.drop_column('subject_id')

    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_column('appealed_at')
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('hidden_cause')
        batch_op.drop_column('hidden_at')

    with op.batch_alter_table('moderation_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_action_subject_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_action_report_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_action_post_id'))

    op.drop_table('moderation_action')
    with op.batch_alter_table('member_notice', schema=None) as batch_op:
        batch_op.drop_index('ix_member_notice_unseen')

    op.drop_table('member_notice')
    op.drop_table('moderation_reminder')
