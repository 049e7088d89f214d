"""media: assets, their renditions, stored bytes; articles' hero and social images

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 15:00:00

The media library: an uploaded image (an asset, by the SHA-256 of its bytes), the renditions
made of it at upload (by theirs), and the bytes themselves in the database, where every app
host reads them. An article may show a hero image and a social (Open Graph) image.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

ACTOR_LENGTH = 115
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table(
        'assets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('media_type', sa.String(length=20), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('byte_size', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=True),
        sa.Column('created_by', sa.String(length=ACTOR_LENGTH), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assets')),
        sa.UniqueConstraint('digest', name=op.f('uq_assets_digest')),
    )
    op.create_table(
        'asset_renditions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('asset_id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('media_type', sa.String(length=20), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('byte_size', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_asset_renditions_asset_id_assets'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_asset_renditions')),
    )
    op.create_index(op.f('ix_asset_renditions_asset_id'), 'asset_renditions', ['asset_id'])
    op.create_index(op.f('ix_asset_renditions_digest'), 'asset_renditions', ['digest'])
    op.create_table(
        'blobs',
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('digest', name=op.f('pk_blobs')),
    )
    with op.batch_alter_table('articles') as batch:
        batch.add_column(sa.Column('hero_image', JSON, nullable=True))
        batch.add_column(sa.Column('social_image', JSON, nullable=True))


def downgrade():
    with op.batch_alter_table('articles') as batch:
        batch.drop_column('social_image')
        batch.drop_column('hero_image')
    op.drop_table('blobs')
    op.drop_index(op.f('ix_asset_renditions_digest'), table_name='asset_renditions')
    op.drop_index(op.f('ix_asset_renditions_asset_id'), table_name='asset_renditions')
    op.drop_table('asset_renditions')
    op.drop_table('assets')
