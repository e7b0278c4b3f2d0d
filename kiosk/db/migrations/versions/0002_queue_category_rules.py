"""queue category rules: own hours, daily limit, cut-off, priority, booking link, advice

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Server defaults let a kiosk upgrade with a revision already loaded: old rows get "no limit,
    # no cut-off, no priority, department hours" until the next content load replaces them.
    with op.batch_alter_table('queue_category', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hours', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('daily_limit', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cutoff_minutes', sa.Integer(), nullable=False,
                                      server_default=sa.text('0')))
        batch_op.add_column(sa.Column('priority', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('booking_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('prepare', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('queue_category', schema=None) as batch_op:
        for name in ('prepare', 'booking_url', 'priority', 'cutoff_minutes', 'daily_limit',
                     'hours'):
            batch_op.drop_column(name)
