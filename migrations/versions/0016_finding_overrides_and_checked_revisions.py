"""finding overrides and checked revisions

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 05:30:00

Health-claim guardrails: a reviewer's override of blocking findings (kept with the article
version it was made on), and on each revision the rule set it was checked under and the
override that let it through.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    op.create_table(
        'finding_overrides',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('article_version', sa.Integer(), nullable=False),
        sa.Column('rules_version', sa.String(length=16), nullable=False),
        sa.Column('findings', JSON_DOCUMENT, nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_by', sa.String(length=115), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['article_id'], ['articles.id'],
            name=op.f('fk_finding_overrides_article_id_articles'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_finding_overrides')),
    )
    op.create_index(op.f('ix_finding_overrides_article_id'), 'finding_overrides', ['article_id'])
    with op.batch_alter_table('article_revisions') as batch:
        batch.add_column(sa.Column('rules_version', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('override_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f('fk_article_revisions_override_id_finding_overrides'),
            'finding_overrides', ['override_id'], ['id'], ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('article_revisions') as batch:
        batch.drop_constraint(batch.f('fk_article_revisions_override_id_finding_overrides'), type_='foreignkey')
        batch.drop_column('override_id')
        batch.drop_column('rules_version')
    op.drop_index(op.f('ix_finding_overrides_article_id'), table_name='finding_overrides')
    op.drop_table('finding_overrides')
