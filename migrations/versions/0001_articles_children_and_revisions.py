"""articles, children and revisions

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 11:56:58.191212

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('locale', sa.String(length=35), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('intro', sa.Text(), nullable=False),
    sa.Column('tags', JSON, nullable=False),
    sa.Column('seo_title', sa.String(length=300), nullable=True),
    sa.Column('seo_description', sa.Text(), nullable=True),
    sa.Column('cta_heading', sa.String(length=300), nullable=True),
    sa.Column('cta_body', sa.Text(), nullable=False),
    sa.Column('cta_button_label', sa.String(length=300), nullable=True),
    sa.Column('cta_button_url', sa.Text(), nullable=True),
    sa.Column('medical_disclaimer', sa.Text(), nullable=True),
    sa.Column('reviewed_by', sa.String(length=300), nullable=True),
    sa.Column('reviewed_at', sa.Date(), nullable=True),
    sa.Column('references', JSON, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_revision_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')),
    sa.UniqueConstraint('slug', 'locale', name=op.f('uq_articles_slug_locale'))
    )
    op.create_table('article_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('document', JSON, nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('etag', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_revisions_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_revisions')),
    sa.UniqueConstraint('article_id', 'number', name=op.f('uq_article_revisions_article_id_number'))
    )
    op.create_table('benefits',
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_benefits_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefits')),
    sa.UniqueConstraint('article_id', 'key', name=op.f('uq_benefits_article_id_key'))
    )
    op.create_table('conditions',
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('outlook', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('points', JSON, nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_conditions_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conditions')),
    sa.UniqueConstraint('article_id', 'key', name=op.f('uq_conditions_article_id_key'))
    )
    op.create_table('faqs',
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_faqs_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faqs')),
    sa.UniqueConstraint('article_id', 'key', name=op.f('uq_faqs_article_id_key'))
    )
    op.create_table('sections',
    sa.Column('heading', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('items', JSON, nullable=False),
    sa.Column('closing', sa.Text(), nullable=True),
    sa.Column('includes', sa.String(length=40), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_sections_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sections')),
    sa.UniqueConstraint('article_id', 'key', name=op.f('uq_sections_article_id_key'))
    )
    op.create_table('revision_tags',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['article_revisions.id'], name=op.f('fk_revision_tags_revision_id_article_revisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('revision_id', 'tag', name=op.f('pk_revision_tags'))
    )
    with op.batch_alter_table('revision_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revision_tags_tag'), ['tag'], unique=False)
    # Articles and revisions point at each other: the article's pointer to its live
    # revision can only be added once both tables exist.
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_articles_published_revision_id_article_revisions'),
            'article_revisions', ['published_revision_id'], ['id'], ondelete='SET NULL',
        )



def downgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_articles_published_revision_id_article_revisions'), type_='foreignkey')
    with op.batch_alter_table('revision_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revision_tags_tag'))

    op.drop_table('revision_tags')
    op.drop_table('sections')
    op.drop_table('faqs')
    op.drop_table('conditions')
    op.drop_table('benefits')
    op.drop_table('article_revisions')
    op.drop_table('articles')
