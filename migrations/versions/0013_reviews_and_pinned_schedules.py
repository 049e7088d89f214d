"""reviews, the reviewer capability, schedules that pin a version, versioned site overlays, releases

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 04:40:00

Nothing reaches a visitor unreviewed: a review pins a submitted version of an article's
draft (its document and hash), keys may carry the reviewer capability, an article knows
which keys changed its draft since it was published (four eyes), and a scheduled publish
pins the version it publishes; an experiment's variants are reviewed before it starts. A site's overlay is saved as numbered versions, of which
delivery applies the published one: each overlay there is becomes its version 1, published.
"""
import hashlib
import json

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
        sa.Column('site_id', sa.Integer(), nullable=True),
        sa.Column('experiment_id', sa.Integer(), nullable=True),
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
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_reviews_site_id_sites'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['experiment_id'], ['experiments.id'], name=op.f('fk_reviews_experiment_id_experiments'), ondelete='CASCADE'),
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
    with op.batch_alter_table('experiments') as batch:
        batch.add_column(sa.Column('draft_authors', JSON, nullable=False, server_default='[]'))
    with op.batch_alter_table('schedules') as batch:
        batch.add_column(sa.Column('document', JSON, nullable=True))
        batch.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))
    op.create_table(
        'releases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('items', JSON, nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by', sa.String(length=ACTOR_LENGTH), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('outcome', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_releases')),
    )
    op.create_index(op.f('ix_releases_status'), 'releases', ['status'], unique=False)
    op.create_index(op.f('ix_releases_at'), 'releases', ['at'], unique=False)
    versions = op.create_table(
        'overlay_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_overlay_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('overlay', JSON, nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('created_by', sa.String(length=ACTOR_LENGTH), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('published_by', sa.String(length=ACTOR_LENGTH), nullable=True),
        sa.ForeignKeyConstraint(['site_overlay_id'], ['site_overlays.id'], name=op.f('fk_overlay_versions_site_overlay_id_site_overlays'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_overlay_versions')),
        sa.UniqueConstraint('site_overlay_id', 'number', name=op.f('uq_overlay_versions_site_overlay_id_number')),
    )
    with op.batch_alter_table('site_overlays') as batch:
        batch.add_column(sa.Column('draft_version', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('published_version', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('draft_authors', JSON, nullable=False, server_default='[]'))
    overlays = sa.table(
        'site_overlays',
        sa.column('id', sa.Integer()), sa.column('overlay', JSON), sa.column('updated_at', sa.DateTime(timezone=True)),
        sa.column('draft_version', sa.Integer()), sa.column('published_version', sa.Integer()),
    )
    connection = op.get_bind()
    existing = connection.execute(sa.select(overlays.c.id, overlays.c.overlay, overlays.c.updated_at)).all()
    for overlay_id, overlay, updated_at in existing:
        digest = hashlib.sha256(json.dumps(overlay, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode()).hexdigest()
        connection.execute(versions.insert().values(
            site_overlay_id=overlay_id, number=1, overlay=overlay, content_hash=digest,
            created_by='migration 0013', created_at=updated_at, published_at=updated_at,
            published_by='migration 0013',
        ))
        connection.execute(overlays.update().where(overlays.c.id == overlay_id).values(draft_version=1, published_version=1))


def downgrade():
    op.drop_index(op.f('ix_releases_at'), table_name='releases')
    op.drop_index(op.f('ix_releases_status'), table_name='releases')
    op.drop_table('releases')
    with op.batch_alter_table('site_overlays') as batch:
        batch.drop_column('draft_authors')
        batch.drop_column('published_version')
        batch.drop_column('draft_version')
    op.drop_table('overlay_versions')
    with op.batch_alter_table('schedules') as batch:
        batch.drop_column('content_hash')
        batch.drop_column('document')
    with op.batch_alter_table('experiments') as batch:
        batch.drop_column('draft_authors')
    # (SQLite drops a column by rebuilding the table: it must keep AUTOINCREMENT, see 0005)
    with op.batch_alter_table('articles', table_kwargs={'sqlite_autoincrement': True}) as batch:
        batch.drop_column('draft_authors')
    with op.batch_alter_table('api_keys') as batch:
        batch.drop_column('reviewer')
    op.drop_index(op.f('ix_review_comments_review_id'), table_name='review_comments')
    op.drop_table('review_comments')
    op.drop_index(op.f('ix_reviews_status'), table_name='reviews')
    op.drop_index(op.f('ix_reviews_article_id'), table_name='reviews')
    op.drop_table('reviews')
