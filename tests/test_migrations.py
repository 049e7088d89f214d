"""The schema is built by Alembic: down to nothing and up again, matching the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from service.extensions import db
from service.models import Base


def test_downgrade_to_base_and_upgrade_again(app):
    tables = set(Base.metadata.tables)
    with app.app_context():
        db.session.remove()

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) & tables == set()

        upgrade()
        assert tables <= set(inspect(db.engine).get_table_names())


def test_the_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_migrating_down_and_up_keeps_published_content(app, client, published):
    before = client.get("/v1/articles").json
    with app.app_context():
        db.session.remove()
        downgrade(revision="0001")
        upgrade()

    assert client.get("/v1/articles").json == before
