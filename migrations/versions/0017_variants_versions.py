"""versioned experiment variants

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 14:30:00

An experiment's variants are versioned content like a site's overlay: each configuration of
them is a numbered version (history, diff, restore), and the experiment knows its latest and
the one it last started with. Each experiment there is gets its variants as version 1, live
if it has started.
"""
import hashlib
import json

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

ACTOR_LENGTH = 115
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    versions = op.create_table(
        'variants_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('experiment_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('document', JSON, nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('created_by', sa.String(length=ACTOR_LENGTH), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('published_by', sa.String(length=ACTOR_LENGTH), nullable=True),
        sa.ForeignKeyConstraint(['experiment_id'], ['experiments.id'], name=op.f('fk_variants_versions_experiment_id_experiments'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_variants_versions')),
        sa.UniqueConstraint('experiment_id', 'number', name=op.f('uq_variants_versions_experiment_id_number')),
    )
    with op.batch_alter_table('experiments') as batch:
        batch.add_column(sa.Column('variants_version', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('live_variants_version', sa.Integer(), nullable=True))
    experiments = sa.table(
        'experiments',
        sa.column('id', sa.Integer()), sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('started_at', sa.DateTime(timezone=True)),
        sa.column('variants_version', sa.Integer()), sa.column('live_variants_version', sa.Integer()),
    )
    variants = sa.table(
        'experiment_variants',
        sa.column('experiment_id', sa.Integer()), sa.column('position', sa.Integer()),
        sa.column('key', sa.String()), sa.column('name', sa.String()), sa.column('weight', sa.Float()),
        sa.column('overlay', JSON),
    )
    connection = op.get_bind()
    existing = connection.execute(sa.select(experiments.c.id, experiments.c.created_at, experiments.c.started_at)).all()
    for experiment_id, created_at, started_at in existing:
        rows = connection.execute(
            sa.select(variants.c.key, variants.c.name, variants.c.weight, variants.c.overlay)
            .where(variants.c.experiment_id == experiment_id).order_by(variants.c.position)
        ).all()
        document = {'variants': [{'key': k, 'name': n, 'weight': w, 'overlay': o or {}} for k, n, w, o in rows]}
        digest = hashlib.sha256(json.dumps(document, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode()).hexdigest()
        live = started_at is not None
        connection.execute(versions.insert().values(
            experiment_id=experiment_id, number=1, document=document, content_hash=digest,
            created_by='migration 0017', created_at=created_at,
            published_at=started_at, published_by='migration 0017' if live else None,
        ))
        connection.execute(experiments.update().where(experiments.c.id == experiment_id).values(
            variants_version=1, live_variants_version=1 if live else None,
        ))


def downgrade():
    with op.batch_alter_table('experiments') as batch:
        batch.drop_column('live_variants_version')
        batch.drop_column('variants_version')
    op.drop_table('variants_versions')
