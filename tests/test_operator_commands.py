"""What an operator runs by hand: keys listed and revoked from the CLI, `make demo`'s seeding
leaving no admin key behind, events of long-stopped experiments purged, and one version
number, pyproject's, that the API states."""

import os
import subprocess
import sys
import tomllib
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from service.extensions import db
from service.models import ApiKey, Event, Experiment
from service.models.base import utcnow
from tests.experiment_factories import EXPERIMENTS, visitors

ROOT = Path(__file__).resolve().parents[1]


def test_keys_are_listed_without_secrets_and_revoked_by_prefix(runner, client, auth):
    keep = auth("admin")
    editor = auth("editor")
    secret = editor["Authorization"].removeprefix("Bearer ")
    prefix = secret[:12]
    listed = runner.invoke(args=["list-keys"]).output
    assert f"{prefix}  editor     active" in listed and secret[13:] not in listed

    revoked = runner.invoke(args=["revoke-key", prefix])
    assert revoked.exit_code == 0 and f"Revoked {prefix}" in revoked.output
    assert client.get("/v1/manage/articles", headers=editor).status_code == 401
    assert "revoked" in runner.invoke(args=["list-keys"]).output
    assert client.get("/v1/manage/articles", headers=keep).status_code == 200

    assert "There is no key" in runner.invoke(args=["revoke-key", "cms_00000000"]).output
    last_admin = keep["Authorization"].removeprefix("Bearer ")[:12]
    refused = runner.invoke(args=["revoke-key", last_admin])
    assert refused.exit_code != 0 and "last active admin key" in refused.output


def test_the_demo_seed_revokes_its_admin_key_each_run(app, auth, published, database_url):
    auth("admin")  # an operator's own admin key, so the demo's can go
    environment = {**os.environ, "DATABASE_URL": database_url}
    for _ in range(2):
        subprocess.run(
            [sys.executable, "examples/clinic-site/seed_demo.py"], cwd=ROOT, env=environment, check=True
        )
    with app.app_context():
        demo_keys = db.session.scalars(select(ApiKey).where(ApiKey.name == "demo seed")).all()
    assert len(demo_keys) == 2 and all(key.revoked_at is not None for key in demo_keys)


def test_events_of_experiments_stopped_long_ago_are_purged(app, client, publisher, running, runner):
    (visitor,) = visitors(running["seed"], "control", 1)
    event = {"event_id": "e-00000001", "type": "exposure", "experiment": "cta-heading", "variant": "control"}
    assert client.post("/v1/events", json={"events": [event | {"visitor": visitor}]}).json["stored"] == 1
    client.post(f"{EXPERIMENTS}/cta-heading/stop", headers=publisher)

    assert runner.invoke(args=["purge-events", "--stopped-days-ago", "30"]).output.endswith(
        "0 events purged.\n"
    )
    with app.app_context():
        db.session.execute(update(Experiment).values(stopped_at=utcnow() - timedelta(days=31)))
        db.session.commit()
    purged = runner.invoke(args=["purge-events", "--stopped-days-ago", "30"]).output
    assert "experiment cta-heading: 1 events purged" in purged
    with app.app_context():
        assert db.session.scalars(select(Event)).all() == []
    audit = client.get("/v1/manage/audit", headers=publisher).json
    assert "events.purged" in [entry["action"] for entry in audit]


def test_the_api_states_the_projects_one_version(spec):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert spec["info"]["version"] == project["version"]
    assert f"## {project['version']} " in (ROOT / "CHANGELOG.md").read_text()
    assert {"description", "readme", "license", "authors", "requires-python"} <= project.keys()
