"""The probes: /livez answers while the process does; /readyz says 200 only when the database
answers at the migrations' head (and Redis, where rate limits are counted there), and otherwise
a 503 problem naming what is not ready. Neither is rate limited."""

import pytest
from flask_migrate import downgrade, upgrade

from service.extensions import db
from tests.receivers import closed_port


def test_a_migrated_database_is_ready_and_the_process_live(client):
    assert client.get("/livez").json == {"status": "live"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}


def test_a_database_behind_the_code_is_not_ready_and_says_at_which_revision(app_with, tmp_path):
    behind = app_with(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}")
    with behind.app_context():
        upgrade()
        downgrade(revision="-1")
        heads = behind.extensions["migration_heads"]
    answer = behind.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.mimetype == "application/problem+json"
    assert answer.json["checks"]["database"] == "ok"
    assert answer.json["checks"]["migrations"].startswith("at ")
    assert f"not at head {''.join(heads)}" in answer.json["detail"]
    with behind.app_context():
        db.engine.dispose()


def test_an_unreachable_database_is_not_ready_but_the_process_is_live(app_with, tmp_path):
    gone = app_with(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'no-such-dir' / 'cms.db'}")
    client = gone.test_client()
    assert client.get("/livez").status_code == 200
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.mimetype == "application/problem+json"
    assert answer.json["checks"]["database"].startswith("unreachable")
    assert "database unreachable" in answer.json["detail"]


def test_redis_is_checked_where_rate_limits_are_counted_in_it(app_with, shared_storage):
    assert app_with(RATE_LIMIT_STORAGE_URI=shared_storage).test_client().get("/readyz").json["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "redis": "ok",
    }
    down = app_with(RATE_LIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port()}")
    answer = down.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json["checks"] == {"database": "ok", "migrations": "ok", "redis": "unreachable"}


@pytest.mark.parametrize("probe", ["/livez", "/readyz"])
def test_a_client_refused_for_failed_keys_is_still_answered_by_the_probes(app_with, probe):
    client = app_with(FAILED_AUTH_RATE_LIMIT="1/minute").test_client()
    wrong = {"Authorization": "Bearer cms_00000000_wrong"}
    statuses = [client.get("/v1/manage/articles", headers=wrong).status_code for _ in range(2)]
    assert statuses == [401, 429]
    assert [client.get(probe).status_code for _ in range(5)] == [200] * 5
