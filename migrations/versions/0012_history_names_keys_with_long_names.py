"""history names keys with long names

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 00:00:00

Who published a revision or made a schedule is kept as "<key name> (<key prefix>)": a key
named with the full 100 characters allowed made that 115, and PostgreSQL refused the write.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

ACTOR_LENGTH = 115  # service.models.lengths.ACTOR_LENGTH when this was written
COLUMNS = (("article_revisions", "published_by"), ("schedules", "created_by"))


def upgrade():
    for table, column in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.String(ACTOR_LENGTH), existing_type=sa.String(100))


def downgrade():
    for table, column in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.String(100), existing_type=sa.String(ACTOR_LENGTH))
