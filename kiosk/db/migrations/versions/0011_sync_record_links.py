"""sync: each synced record's identity and references, so an incremental sync need not parse
the records that did not change

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for records synced before: the next sync validates them all once (a full check).
    with op.batch_alter_table('sync_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('links', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sync_record', schema=None) as batch_op:
        batch_op.drop_column('links')
