"""hall kiosks: each running kiosk's and display's sign of life in the hall's database

Revision ID: q0004
Revises: q0003
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = 'q0004'
down_revision = 'q0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hall_kiosk',
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('last_seen', sa.DateTime(), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('kiosk_id')
    )


def downgrade() -> None:
    op.drop_table('hall_kiosk')
