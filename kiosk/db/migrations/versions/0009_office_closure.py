"""office closures (closures.yaml): days the office is closed or open shorter

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

from kiosk.db.base import LocalTextType


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('office_closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('opens', sa.Time(), nullable=True),
    sa.Column('closes', sa.Time(), nullable=True),
    sa.Column('reason', LocalTextType(), nullable=False),
    sa.Column('unconfirmed', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['content_revision.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('revision_id', 'code')
    )
    with op.batch_alter_table('office_closure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_closure_revision_id'), ['revision_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('office_closure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_closure_revision_id'))
    op.drop_table('office_closure')
