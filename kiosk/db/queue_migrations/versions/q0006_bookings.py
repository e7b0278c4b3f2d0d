"""bookings: visits booked online, checked in at a kiosk with their six-digit code

Revision ID: q0006
Revises: q0005
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = 'q0006'
down_revision = 'q0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('queue_booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('service_day', sa.Date(), nullable=False),
    sa.Column('booked_at', sa.DateTime(), nullable=False),
    sa.Column('letter', sa.String(length=1), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('service_day', 'code', name='uq_queue_booking_code')
    )
    op.create_index('ix_queue_booking_code', 'queue_booking', ['code'])
    op.create_index('ix_queue_booking_ticket', 'queue_booking', ['ticket_id'], unique=True)
    with op.batch_alter_table('queue_ticket') as batch:
        batch.add_column(sa.Column('booked_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('queue_ticket') as batch:
        batch.drop_column('booked_at')
    op.drop_index('ix_queue_booking_ticket', table_name='queue_booking')
    op.drop_index('ix_queue_booking_code', table_name='queue_booking')
    op.drop_table('queue_booking')
