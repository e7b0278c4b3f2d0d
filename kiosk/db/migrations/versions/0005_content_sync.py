"""content sync state, central records as last synced, sync reports

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
# 0004 is being added by another branch at the same time; the merge re-chains this onto it.
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('central_revision', sa.Integer(), nullable=False),
    sa.Column('content_revision_id', sa.Integer(), nullable=True),
    sa.Column('synced_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('sync_record',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('file', sa.String(length=120), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('central_revision', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('shown', sa.JSON(), nullable=True),
    sa.Column('problem', sa.String(length=1000), nullable=True),
    sa.PrimaryKeyConstraint('kind', 'key')
    )
    op.create_table('sync_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('exit_code', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('revision_before', sa.Integer(), nullable=True),
    sa.Column('revision_after', sa.Integer(), nullable=True),
    sa.Column('content_revision_id', sa.Integer(), nullable=True),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('removed', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('audio', sa.String(length=300), nullable=False),
    sa.Column('duration_s', sa.Float(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sync_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_report_started_at'), ['started_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sync_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_report_started_at'))
    op.drop_table('sync_report')
    op.drop_table('sync_record')
    op.drop_table('sync_state')
