"""Initial schema: municipalities, neighbourhoods, categories, users and posts.

The minimal user table is completed by the accounts revision.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import buuv_app.models.types
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name_nl', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('icon', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category'))
    )
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_slug'), ['slug'], unique=True)

    op.create_table('municipality',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipality'))
    )
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_municipality_slug'), ['slug'], unique=True)

    op.create_table('neighbourhood',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('district', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_neighbourhood_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_neighbourhood'))
    )
    with op.batch_alter_table('neighbourhood', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_neighbourhood_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_neighbourhood_slug'), ['slug'], unique=True)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('home_neighbourhood_id', sa.Integer(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('resident', 'ambassador', 'professional', 'admin')", name=op.f('ck_user_role')),
    sa.ForeignKeyConstraint(['home_neighbourhood_id'], ['neighbourhood.id'], name=op.f('fk_user_home_neighbourhood_id_neighbourhood')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_home_neighbourhood_id'), ['home_neighbourhood_id'], unique=False)

    op.create_table('post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('request', 'offer')", name=op.f('ck_post_kind')),
    sa.CheckConstraint("status IN ('open', 'in_contact', 'matched', 'closed')", name=op.f('ck_post_status')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_post_author_id_user')),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_post_category_id_category')),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'], name=op.f('fk_post_neighbourhood_id_neighbourhood')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post'))
    )
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_category_id'), ['category_id'], unique=False)
        batch_op.create_index('ix_post_feed', ['neighbourhood_id', 'status', 'created_at', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_index('ix_post_feed')
        batch_op.drop_index(batch_op.f('ix_post_category_id'))
        batch_op.drop_index(batch_op.f('ix_post_author_id'))

    op.drop_table('post')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_home_neighbourhood_id'))

    op.drop_table('user')
    with op.batch_alter_table('neighbourhood', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_neighbourhood_slug'))
        batch_op.drop_index(batch_op.f('ix_neighbourhood_municipality_id'))

    op.drop_table('neighbourhood')
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_municipality_slug'))

    op.drop_table('municipality')
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_slug'))

    op.drop_table('category')
