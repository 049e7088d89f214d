"""sites and their overlays

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 13:08:52.910553

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('article_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('per_site', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table('sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('origins', JSON, nullable=False),
    sa.Column('variables', JSON, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites')),
    sa.UniqueConstraint('key', name=op.f('uq_sites_key'))
    )
    op.create_table('site_overlays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('overlay', JSON, nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_site_overlays_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_site_overlays_site_id_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_overlays')),
    sa.UniqueConstraint('site_id', 'article_id', name=op.f('uq_site_overlays_site_id_article_id'))
    )
    with op.batch_alter_table('site_overlays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_overlays_article_id'), ['article_id'], unique=False)



def downgrade():
    with op.batch_alter_table('article_revisions', schema=None) as batch_op:
        batch_op.drop_column('per_site')
    with op.batch_alter_table('site_overlays', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_overlays_article_id'))

    op.drop_table('site_overlays')
    op.drop_table('sites')
