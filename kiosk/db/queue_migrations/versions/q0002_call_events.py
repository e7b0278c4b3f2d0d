"""call events: the log of calls and recalls the hall display reads

Revision ID: q0002
Revises: q0001
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa


revision = 'q0002'
down_revision = 'q0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('queue_call_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('letter', sa.String(length=1), nullable=False),
    sa.Column('desk', sa.Integer(), nullable=False),
    sa.Column('service_day', sa.Date(), nullable=False),
    sa.Column('called_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'),
              nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('queue_call_event')
