"""`flask worker`: schedules and webhooks done in a loop by a process of its own, stopped
cleanly by SIGTERM, and on two hosts at once each piece of work done once."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from service.extensions import db
from service.models import Schedule
from service.models.base import utcnow
from tests.receivers import HOOKS

# The receivers listen on 127.0.0.1: a private target, allowed as for receivers on premises.
pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("private_targets")]
FLASK = Path(sys.executable).with_name("flask")
ROOT = Path(__file__).resolve().parents[1]


def start_worker(database_url: str, log: Path) -> subprocess.Popen:
    environment = {**os.environ, "DATABASE_URL": database_url, "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1"}
    with log.open("ab") as output:
        return subprocess.Popen(
            [str(FLASK), "--app", "wsgi", "worker", "--period", "0.2"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def started(log: Path) -> None:
    """Once the worker has imported the app and begun its rounds (slow on a busy machine)."""
    eventually(lambda: "Worker started" in log.read_text(), seconds=90)


def stop(worker: subprocess.Popen) -> int:
    worker.send_signal(signal.SIGTERM)
    return worker.wait(timeout=30)


def eventually(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not done in time"
        time.sleep(0.1)


def test_the_worker_applies_schedules_and_sends_webhooks_until_sigterm(
    app, client, admin, receiver, draft, database_url, tmp_path, approve
):
    endpoint = receiver()
    client.post(HOOKS, json={"url": endpoint.url, "events": ["article.published"]}, headers=admin)
    approve(draft.url)  # a schedule publishes the reviewed version it pins
    at = (utcnow() + timedelta(hours=1)).isoformat()
    scheduled = client.post(
        f"{draft.url}/schedules", json={"action": "publish", "at": at}, headers={**admin, "If-Match": "*"}
    )
    assert scheduled.status_code == 201, scheduled.json
    with app.app_context():
        db.session.execute(update(Schedule).values(at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    log = tmp_path / "worker.log"
    worker = start_worker(database_url, log)
    try:
        started(log)
        eventually(lambda: len(endpoint.received) == 1)  # the schedule published, the webhook told
    finally:
        code = stop(worker)
    assert client.get(f"/v1/articles/{draft.body['slug']}").status_code == 200
    assert code == 0
    assert "Worker stopped after" in log.read_text()


def test_two_workers_at_once_do_each_delivery_once(
    client, admin, receiver, create_published, reviewed_document, database_url, tmp_path
):
    endpoint = receiver()
    client.post(HOOKS, json={"url": endpoint.url, "events": ["article.published"]}, headers=admin)
    for n in range(8):
        create_published(reviewed_document, slug=f"article-{n}", headers=admin)
    workers = [start_worker(database_url, tmp_path / f"worker-{n}.log") for n in range(2)]
    try:
        for n in range(2):
            started(tmp_path / f"worker-{n}.log")
        eventually(lambda: len(endpoint.received) >= 8)
        time.sleep(1)  # time for a second delivery of any, were the locks not to hold
    finally:
        codes = [stop(worker) for worker in workers]
    assert codes == [0, 0]
    ids = [headers["webhook-id"] for headers, _ in endpoint.received]
    assert len(ids) == len(set(ids)) == 8
