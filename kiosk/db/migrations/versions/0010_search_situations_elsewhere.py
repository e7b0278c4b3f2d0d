"""search: situations (synonyms with the matters they lead to) and matters other offices handle

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

from kiosk.db.base import LocalTextType


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('search_synonym', schema=None) as batch_op:
        batch_op.add_column(sa.Column('matters', sa.JSON(), nullable=False,
                                      server_default='[]'))
    op.create_table('elsewhere_matter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('title', LocalTextType(), nullable=False),
    sa.Column('summary', LocalTextType(), nullable=False),
    sa.Column('handled_by', LocalTextType(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('phones', sa.JSON(), nullable=False),
    sa.Column('hours', LocalTextType(), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('unconfirmed', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['content_revision.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('elsewhere_matter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_elsewhere_matter_revision_id'), ['revision_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('elsewhere_matter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_elsewhere_matter_revision_id'))
    op.drop_table('elsewhere_matter')
    with op.batch_alter_table('search_synonym', schema=None) as batch_op:
        batch_op.drop_column('matters')
