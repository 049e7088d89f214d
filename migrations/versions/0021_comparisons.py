"""comparisons

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 19:00:00

Issue 16's comparison tables as a child kind of an article, keyed and ordered as every child
is: a caption, the criteria column's heading and alignment, the options (columns) and the
criteria (rows, each with its cells by column key), kept as JSON as the document has them.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade():
    op.create_table(
        'comparisons',
        sa.Column('caption', sa.String(length=300), nullable=True),
        sa.Column('criteria', JSON, nullable=False),
        sa.Column('columns', JSON, nullable=False),
        sa.Column('rows', JSON, nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ['article_id'], ['articles.id'], name=op.f('fk_comparisons_article_id_articles'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_comparisons')),
        sa.UniqueConstraint('article_id', 'key', name=op.f('uq_comparisons_article_id_key')),
    )


def downgrade():
    op.drop_table('comparisons')
