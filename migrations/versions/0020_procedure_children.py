"""procedure children

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 14:45:00

Issue 16's child kinds of an article, each keyed and ordered as sections are: steps (a
numbered procedure), callouts (boxed notes, tips, warnings, verdicts) and testimonials (a
patient's words, with their consent recorded) and facts ("at a glance" items with typed values).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def _child_table(name, *columns):
    """An article's child: its own columns, then the id, article, position and key all have."""
    op.create_table(
        name,
        *columns,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ['article_id'], ['articles.id'], name=op.f(f'fk_{name}_article_id_articles'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
        sa.UniqueConstraint('article_id', 'key', name=op.f(f'uq_{name}_article_id_key')),
    )


def upgrade():
    _child_table(
        'steps',
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('duration', sa.String(length=40), nullable=True),
    )
    _child_table(
        'callouts',
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
    )
    _child_table(
        'testimonials',
        sa.Column('quote', sa.Text(), nullable=False),
        sa.Column('attribution', sa.String(length=300), nullable=False),
        sa.Column('consent_date', sa.Date(), nullable=False),
        sa.Column('consent_form', sa.String(length=20), nullable=False),
        sa.Column('disclosure', sa.Text(), nullable=True),
    )
    _child_table(
        'facts',
        sa.Column('label', sa.String(length=300), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('min_duration', sa.String(length=40), nullable=True),
        sa.Column('max_duration', sa.String(length=40), nullable=True),
        sa.Column('min_count', sa.Integer(), nullable=True),
        sa.Column('max_count', sa.Integer(), nullable=True),
        sa.Column('min_price', sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True),
        sa.Column('max_price', sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=True),
        sa.Column('coverage', sa.String(length=20), nullable=True),
        sa.Column('insurer', sa.String(length=300), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
    )


def downgrade():
    op.drop_table('facts')
    op.drop_table('testimonials')
    op.drop_table('callouts')
    op.drop_table('steps')
