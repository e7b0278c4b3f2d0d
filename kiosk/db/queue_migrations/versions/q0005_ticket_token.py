"""ticket token: the random key of a ticket's page on the live queue site (kiosk.web)

Revision ID: q0005
Revises: q0004
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = 'q0005'
down_revision = 'q0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('queue_ticket') as batch:
        batch.add_column(sa.Column('token', sa.String(length=43), nullable=True))
    op.create_index('ix_queue_ticket_token', 'queue_ticket', ['token'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_queue_ticket_token', table_name='queue_ticket')
    with op.batch_alter_table('queue_ticket') as batch:
        batch.drop_column('token')
