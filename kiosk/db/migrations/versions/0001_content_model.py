"""content model

Revision ID: 0001
Revises: 
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('content_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('schema_version', sa.Integer(), nullable=False),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('loaded_at', sa.DateTime(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('content_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_revision_active'), ['active'], unique=False)

    op.create_table('announcement',
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('unconfirmed', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['content_revision.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('revision_id', 'code')
    )
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_revision_id'), ['revision_id'], unique=False)

    op.create_table('category',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('icon', sa.String(length=40), nullable=True),
    sa.Column('name', sa.JSON(), nullable=False),
    sa.Column('description', sa.JSON(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('unconfirmed', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['content_revision.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('revision_id', 'code')
    )
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_revision_id'), ['revision_id'], unique=False)

    op.create_table('department',
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('name', sa.JSON(), nullable=False),
    sa.Column('building', sa.String(length=120), nullable=False),
    sa.Column('entrance', sa.String(length=20), nullable=True),
    sa.Column('floor', sa.Integer(), nullable=True),
    sa.Column('room', sa.String(length=20), nullable=True),
    sa.Column('phones', sa.JSON(), nullable=False),
    sa.Column('email', sa.String(length=120), nullable=True),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('unconfirmed', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['content_revision.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('revision_id', 'code')
    )
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_revision_id'), ['revision_id'], unique=False)

    op.create_table('form',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('department_code', sa.String(length=6), nullable=False),
    sa.Column('description', sa.JSON(), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('unconfirmed', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['content_revision.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('revision_id', 'code')
    )
    with op.batch_alter_table('form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_revision_id'), ['revision_id'], unique=False)

    op.create_table('local_rate',
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.JSON(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Boolean(), nullable=False),
    sa.Column('unit', sa.JSON(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('resolution', sa.String(length=300), nullable=True),
    sa.Column('notes', sa.JSON(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('unconfirmed', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['content_revision.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('revision_id', 'code')
    )
    with op.batch_alter_table('local_rate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_local_rate_revision_id'), ['revision_id'], unique=False)

    op.create_table('procedure',
    sa.Column('symbol', sa.String(length=30), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category_code', sa.String(length=40), nullable=False),
    sa.Column('department_code', sa.String(length=6), nullable=False),
    sa.Column('queue_letter', sa.String(length=1), nullable=True),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('who_may_apply', sa.JSON(), nullable=False),
    sa.Column('fee_exemptions', sa.JSON(), nullable=True),
    sa.Column('payment_methods', sa.JSON(), nullable=True),
    sa.Column('deadline', sa.JSON(), nullable=False),
    sa.Column('deadline_days', sa.Integer(), nullable=True),
    sa.Column('place_building', sa.String(length=120), nullable=False),
    sa.Column('place_entrance', sa.String(length=20), nullable=True),
    sa.Column('place_floor', sa.Integer(), nullable=True),
    sa.Column('place_room', sa.String(length=20), nullable=True),
    sa.Column('place_desk', sa.String(length=20), nullable=True),
    sa.Column('legal_basis', sa.JSON(), nullable=False),
    sa.Column('appeal_to', sa.JSON(), nullable=True),
    sa.Column('appeal_days', sa.Integer(), nullable=True),
    sa.Column('appeal_how', sa.JSON(), nullable=True),
    sa.Column('appeal_none', sa.JSON(), nullable=True),
    sa.Column('notes', sa.JSON(), nullable=True),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('last_reviewed', sa.Date(), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('unconfirmed', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['content_revision.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('revision_id', 'symbol')
    )
    with op.batch_alter_table('procedure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_category_code'), ['category_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_procedure_revision_id'), ['revision_id'], unique=False)

    op.create_table('queue_category',
    sa.Column('letter', sa.String(length=1), nullable=False),
    sa.Column('name', sa.JSON(), nullable=False),
    sa.Column('department_code', sa.String(length=6), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('unconfirmed', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['content_revision.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('revision_id', 'letter')
    )
    with op.batch_alter_table('queue_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queue_category_revision_id'), ['revision_id'], unique=False)

    op.create_table('form_field',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.JSON(), nullable=False),
    sa.Column('guide', sa.JSON(), nullable=False),
    sa.Column('example', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['form_id'], ['form.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('form_field', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_field_form_id'), ['form_id'], unique=False)

    op.create_table('opening_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('opening_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opening_hours_department_id'), ['department_id'], unique=False)

    op.create_table('procedure_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.JSON(), nullable=False),
    sa.Column('form_code', sa.String(length=40), nullable=True),
    sa.Column('optional', sa.Boolean(), nullable=False),
    sa.Column('note', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('procedure_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_document_procedure_id'), ['procedure_id'], unique=False)

    op.create_table('procedure_fee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.JSON(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('legal_basis', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('procedure_fee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_fee_procedure_id'), ['procedure_id'], unique=False)

    op.create_table('procedure_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('procedure_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_step_procedure_id'), ['procedure_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('procedure_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_step_procedure_id'))

    op.drop_table('procedure_step')
    with op.batch_alter_table('procedure_fee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_fee_procedure_id'))

    op.drop_table('procedure_fee')
    with op.batch_alter_table('procedure_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_document_procedure_id'))

    op.drop_table('procedure_document')
    with op.batch_alter_table('opening_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opening_hours_department_id'))

    op.drop_table('opening_hours')
    with op.batch_alter_table('form_field', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_field_form_id'))

    op.drop_table('form_field')
    with op.batch_alter_table('queue_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_queue_category_revision_id'))

    op.drop_table('queue_category')
    with op.batch_alter_table('procedure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_revision_id'))
        batch_op.drop_index(batch_op.f('ix_procedure_category_code'))

    op.drop_table('procedure')
    with op.batch_alter_table('local_rate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_local_rate_revision_id'))

    op.drop_table('local_rate')
    with op.batch_alter_table('form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_revision_id'))

    op.drop_table('form')
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_revision_id'))

    op.drop_table('department')
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_revision_id'))

    op.drop_table('category')
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_revision_id'))

    op.drop_table('announcement')
    with op.batch_alter_table('content_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_revision_active'))

    op.drop_table('content_revision')

