"""anonymous usage events

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('usage_event',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('symbol', sa.String(length=30), nullable=True),
    sa.Column('name', sa.String(length=40), nullable=True),
    sa.Column('value', sa.String(length=200), nullable=True),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.Column('pushed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_usage_event_at', 'usage_event', ['at'], unique=False)
    op.create_index('ix_usage_event_pushed_at', 'usage_event', ['pushed_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_usage_event_pushed_at', table_name='usage_event')
    op.drop_index('ix_usage_event_at', table_name='usage_event')
    op.drop_table('usage_event')
