"""experiments: sequential tuning, a plan, bot events; results read the site from the index

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 05:00:00

Results are counted per site (stratified by site): the covering index of the results query
carries the site too, so that counting still reads nothing but the index.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

OLD_COLUMNS = ["experiment_id", "variant", "visitor", "kind", "name", "occurred_at", "received_at"]


def upgrade():
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequential_tuning", sa.Double(), server_default="5000", nullable=False))
        batch_op.add_column(sa.Column("baseline_rate", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("minimum_detectable_effect", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("bot_events", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_results")
        batch_op.create_index("ix_events_results", [*OLD_COLUMNS, "site"], unique=False)


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_results")
        batch_op.create_index("ix_events_results", OLD_COLUMNS, unique=False)
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.drop_column("bot_events")
        batch_op.drop_column("minimum_detectable_effect")
        batch_op.drop_column("baseline_rate")
        batch_op.drop_column("sequential_tuning")
