"""search: the lemmas of each revision's words with their inflected forms, so the kiosk reads
queries by lemma without loading the morphology dictionaries

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty for revisions applied before: the kiosk writes a revision's lemmas once, the
    # first time it searches it (kiosk.search.service.SearchService._lexicon).
    op.create_table('search_lemma',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=2), nullable=False),
    sa.Column('lemma', sa.String(length=120), nullable=False),
    sa.Column('forms', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['content_revision.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('revision_id', 'family', 'lemma')
    )


def downgrade() -> None:
    op.drop_table('search_lemma')
