"""document kinds (bring / desk / if_applies), conditional fees, and the label of a
procedure's online link

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('procedure_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=12), nullable=True))
    with op.batch_alter_table('procedure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online_label', sa.JSON(), nullable=True))
    with op.batch_alter_table('procedure_fee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conditional', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('procedure_fee', schema=None) as batch_op:
        batch_op.drop_column('conditional')
    with op.batch_alter_table('procedure', schema=None) as batch_op:
        batch_op.drop_column('online_label')
    with op.batch_alter_table('procedure_document', schema=None) as batch_op:
        batch_op.drop_column('kind')
