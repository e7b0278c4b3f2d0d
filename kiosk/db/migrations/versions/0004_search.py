"""search: synonyms, the search index (and its SQLite FTS5 table), open counts, unanswered queries

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

from kiosk.db.base import LocalTextType


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('search_synonym',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('words', sa.JSON(), nullable=False),
    sa.Column('means', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['content_revision.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('search_synonym', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_synonym_revision_id'), ['revision_id'], unique=False)

    op.create_table('search_doc',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('ref', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', LocalTextType(), nullable=False),
    sa.Column('detail', LocalTextType(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('symbol', sa.Text(), nullable=False),
    sa.Column('keywords', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['content_revision.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('search_doc', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_doc_revision_id'), ['revision_id'], unique=False)

    op.create_table('search_open_count',
    sa.Column('symbol', sa.String(length=30), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('last_opened', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('symbol')
    )
    op.create_table('search_query_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('query', sa.String(length=200), nullable=False),
    sa.Column('result_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('search_query_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_query_log_at'), ['at'], unique=False)

    # The full-text index exists on SQLite only (the content database in practice); elsewhere,
    # or on an SQLite built without FTS5, search scans search_doc instead.
    from kiosk.search.service import create_fts_table
    create_fts_table(op.get_bind())


def downgrade() -> None:
    from kiosk.search.service import FTS_TABLE
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'DROP TABLE IF EXISTS {FTS_TABLE}')
    with op.batch_alter_table('search_query_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_query_log_at'))
    op.drop_table('search_query_log')
    op.drop_table('search_open_count')
    with op.batch_alter_table('search_doc', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_doc_revision_id'))
    op.drop_table('search_doc')
    with op.batch_alter_table('search_synonym', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_synonym_revision_id'))
    op.drop_table('search_synonym')
