"""queue state: per-day counters, tickets, desks

Revision ID: q0001
Revises:
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa


revision = 'q0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('queue_counter',
    sa.Column('service_day', sa.Date(), nullable=False),
    sa.Column('letter', sa.String(length=1), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('service_day', 'letter')
    )
    op.create_table('queue_desk',
    sa.Column('desk', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('letters', sa.String(length=60), server_default='', nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('desk')
    )
    op.create_table('queue_ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_day', sa.Date(), nullable=False),
    sa.Column('letter', sa.String(length=1), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('category', sa.String(length=1), nullable=False),
    sa.Column('transferred_from', sa.String(length=1), nullable=True),
    sa.Column('priority', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('department_code', sa.String(length=6), nullable=True),
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('desk', sa.Integer(), nullable=True),
    sa.Column('called_at', sa.DateTime(), nullable=True),
    sa.Column('recalls', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('served_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('printed', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('service_day', 'letter', 'number', name='uq_queue_ticket_number')
    )
    with op.batch_alter_table('queue_ticket', schema=None) as batch_op:
        batch_op.create_index('ix_queue_ticket_desk', ['desk', 'status'], unique=False)
        batch_op.create_index('ix_queue_ticket_waiting', ['service_day', 'category', 'status'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('queue_ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_queue_ticket_waiting')
        batch_op.drop_index('ix_queue_ticket_desk')
    op.drop_table('queue_ticket')
    op.drop_table('queue_desk')
    op.drop_table('queue_counter')
