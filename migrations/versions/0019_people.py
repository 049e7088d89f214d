"""people: authors and medical reviewers as records, named by articles

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 15:30:00

People (name, credentials, specialty, bio, photo, profile URL) that an article names by key:
its authors, in byline order, and its medical reviewer.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table(
        'people',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('credentials', sa.String(length=300), nullable=True),
        sa.Column('specialty', sa.String(length=300), nullable=True),
        sa.Column('bio', sa.Text(), nullable=True),
        sa.Column('photo', JSON, nullable=True),
        sa.Column('profile_url', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
        sa.UniqueConstraint('key', name=op.f('uq_people_key')),
    )
    with op.batch_alter_table('articles') as batch:
        batch.add_column(sa.Column('authors', JSON, nullable=False, server_default='[]'))
        batch.add_column(sa.Column('medical_reviewer', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('articles') as batch:
        batch.drop_column('medical_reviewer')
        batch.drop_column('authors')
    op.drop_table('people')
