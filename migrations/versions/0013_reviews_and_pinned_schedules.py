"""reviews, the reviewer capability, and schedules that pin a version

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 04:40:00

Nothing reaches a visitor unreviewed: a review pins a submitted version of an article's
draft (its document and hash), keys may carry the reviewer capability, an article knows
which keys changed its draft since it was published (four eyes), and a scheduled publish
pins the version it publishes.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

ACTOR_LENGTH = 115
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table(
        'reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('document', JSON, nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('submitted_by', sa.String(length=ACTOR_LENGTH), nullable=True),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('authors', JSON, nullable=False),
        sa.Column('decided_by', sa.String(length=ACTOR_LENGTH), nullable=True),
        sa.Column('decided_by_key_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('published_revision', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_reviews_article_id_articles'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by_key_id'], ['api_keys.id'], name=op.f('fk_reviews_decided_by_key_id_api_keys'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    )
    op.create_index(op.f('ix_reviews_article_id'), 'reviews', ['article_id', 'content_hash'], unique=False)
    op.create_index(op.f('ix_reviews_status'), 'reviews', ['status'], unique=False)
    op.create_table(
        'review_comments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('target', sa.String(length=182), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('by', sa.String(length=ACTOR_LENGTH), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_comments_review_id_reviews'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_comments')),
    )
    op.create_index(op.f('ix_review_comments_review_id'), 'review_comments', ['review_id'], unique=False)
    with op.batch_alter_table('api_keys') as batch:
        batch.add_column(sa.Column('reviewer', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('articles') as batch:
        batch.add_column(sa.Column('draft_authors', JSON, nullable=False, server_default='[]'))
    with op.batch_alter_table('schedules') as batch:
        batch.add_column(sa.Column('document', JSON, nullable=True))
        batch.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('schedules') as batch:
        batch.drop_column('content_hash')
        batch.drop_column('document')
    with op.batch_alter_table('articles') as batch:
        batch.drop_column('draft_authors')
    with op.batch_alter_table('api_keys') as batch:
        batch.drop_column('reviewer')
    op.drop_index(op.f('ix_review_comments_review_id'), table_name='review_comments')
    op.drop_table('review_comments')
    op.drop_index(op.f('ix_reviews_status'), table_name='reviews')
    op.drop_index(op.f('ix_reviews_article_id'), table_name='reviews')
    op.drop_table('reviews')
