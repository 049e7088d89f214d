"""revisions know where they are served; SQLite never reuses article ids

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 12:57:08.962225

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('article_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slug', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('locale', sa.String(length=35), nullable=True))
    # Until now a revision was served under its article's current slug and locale.
    op.execute(
        "UPDATE article_revisions SET "
        "slug = (SELECT slug FROM articles WHERE articles.id = article_revisions.article_id), "
        "locale = (SELECT locale FROM articles WHERE articles.id = article_revisions.article_id)"
    )
    with op.batch_alter_table('article_revisions', schema=None) as batch_op:
        batch_op.alter_column('slug', existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column('locale', existing_type=sa.String(length=35), nullable=False)
        batch_op.create_index(batch_op.f('ix_article_revisions_slug'), ['slug', 'locale'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table(
            'articles', recreate='always', table_kwargs={'sqlite_autoincrement': True}
        ):
            pass


def downgrade():
    with op.batch_alter_table('article_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_revisions_slug'))
        batch_op.drop_column('locale')
        batch_op.drop_column('slug')
