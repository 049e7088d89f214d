"""webhook attempts forget the receivers' answers

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 00:00:00

The delivery log used to keep the first 200 characters of a failed answer ("HTTP 500:
..."), which let a webhook read whatever it reached; it keeps the status alone now.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE webhook_attempts SET error = 'HTTP ' || CAST(status_code AS TEXT) "
        "WHERE status_code IS NOT NULL AND error LIKE 'HTTP %'"
    )


def downgrade():
    pass  # what was forgotten stays forgotten
