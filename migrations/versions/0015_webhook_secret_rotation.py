"""webhook secrets rotate: the previous one signs too until it expires

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 00:00:00

Deliveries are signed the Standard Webhooks way from now on; a webhook whose secret is rotated
keeps its previous secret (and signs with both) until previous_secret_expires_at.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_secret', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('previous_secret_expires_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.drop_column('previous_secret_expires_at')
        batch_op.drop_column('previous_secret')
