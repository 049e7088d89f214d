"""experiment phases

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 14:00:00

An experiment's phases, as GrowthBook counts them: each start from draft and each restart
opens one with the seed, coverage and weights visitors were dealt by, and a stop ends it. An
experiment that has started gets its current phase as phase 1 (from its last start: earlier
runs before a restart were not kept).
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade():
    phases = op.create_table(
        "experiment_phases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seed", sa.String(length=100), nullable=False),
        sa.Column("coverage", sa.Double(), nullable=False),
        sa.Column("weights", JSON, nullable=False),
        sa.Column("variants_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.id"],
            name=op.f("fk_experiment_phases_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experiment_phases")),
        sa.UniqueConstraint(
            "experiment_id", "number", name=op.f("uq_experiment_phases_experiment_id_number")
        ),
    )
    experiments = sa.table(
        "experiments",
        sa.column("id", sa.Integer()),
        sa.column("seed", sa.String()),
        sa.column("coverage", sa.Float()),
        sa.column("started_at", sa.DateTime(timezone=True)),
        sa.column("stopped_at", sa.DateTime(timezone=True)),
        sa.column("live_variants_version", sa.Integer()),
    )
    variants = sa.table(
        "experiment_variants",
        sa.column("experiment_id", sa.Integer()),
        sa.column("position", sa.Integer()),
        sa.column("key", sa.String()),
        sa.column("weight", sa.Float()),
    )
    connection = op.get_bind()
    started = connection.execute(
        sa.select(experiments).where(experiments.c.started_at.is_not(None)).order_by(experiments.c.id)
    ).all()
    for experiment in started:
        weights = connection.execute(
            sa.select(variants.c.key, variants.c.weight)
            .where(variants.c.experiment_id == experiment.id)
            .order_by(variants.c.position)
        ).all()
        connection.execute(
            phases.insert().values(
                experiment_id=experiment.id,
                number=1,
                started_at=experiment.started_at,
                ended_at=experiment.stopped_at,
                seed=experiment.seed,
                coverage=experiment.coverage,
                weights=[{"variant": key, "weight": weight} for key, weight in weights],
                variants_version=experiment.live_variants_version,
            )
        )


def downgrade():
    op.drop_table("experiment_phases")
