"""hall alerts: staff alerts every desk, display and kiosk of the hall reads

Revision ID: q0003
Revises: q0002
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = 'q0003'
down_revision = 'q0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hall_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.Column('raised_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'),
              nullable=False),
    sa.Column('cleared_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_hall_alert_open', 'hall_alert', ['cleared_at', 'kiosk_id'])


def downgrade() -> None:
    op.drop_index('ix_hall_alert_open', table_name='hall_alert')
    op.drop_table('hall_alert')
