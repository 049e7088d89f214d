"""The schema is built by Alembic: down to nothing and up again, matching the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from service.content.webhooks import create_webhook
from service.extensions import db
from service.models import Base, WebhookAttempt, WebhookDelivery


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


def test_upgrading_forgets_the_answers_the_delivery_log_kept(app, client, auth):
    """Before 0011 a failed attempt kept the first 200 characters of the receiver's answer."""
    with app.app_context():
        webhook = create_webhook(db.session, "https://hooks.clinic.example/cms", ["article.published"], None)
        delivery = WebhookDelivery(webhook_id=webhook.id, event="article.published", payload={})
        db.session.add(delivery)
        db.session.flush()
        kept = [
            "HTTP 500: db=10.0.0.7 password=hunter2",
            "ConnectError: [Errno 111] Connection refused",
            None,
        ]
        for status_code, error in zip([500, None, 200], kept, strict=True):
            db.session.add(
                WebhookAttempt(delivery_id=delivery.id, status_code=status_code, error=error, duration_ms=1)
            )
        db.session.commit()
        deliveries = f"/v1/manage/webhooks/{webhook.id}/deliveries"
        db.session.remove()
        downgrade(revision="0010")
        upgrade()

    (listed,) = client.get(deliveries, headers=auth("admin")).json
    assert [a["error"] for a in listed["attempt_log"]] == ["HTTP 500", kept[1], None]
