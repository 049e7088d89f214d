"""Crash safety on SQLite, the embedded default (these tests make their own SQLite file on
either database run): writes take the write lock when they begin, a server killed with
SIGKILL mid-load leaves a sound file holding every acknowledged write, and the online backup
restores. (The PostgreSQL backup is tested when the suite runs on PostgreSQL.)"""

import copy
import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time
from contextlib import closing

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from service import create_app
from service.config import SEED_PATH
from service.content.keys import create_key
from service.extensions import db
from service.models import Article
from tests.databases import database_beside
from tests.servers import start


def write_lock_is_free(path: str) -> bool:
    with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as other:
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        other.execute("ROLLBACK")
        return True


@pytest.mark.parametrize(("method", "locks"), [("POST", True), ("PATCH", True), ("GET", False)])
def test_a_writing_request_takes_the_write_lock_when_its_transaction_begins(
    sqlite_app, sqlite_file, method, locks
):
    with sqlite_app.test_request_context("/v1/manage/articles", method=method):
        sqlite_app.preprocess_request()
        db.session.execute(select(1))  # a read: the transaction has begun
        assert write_lock_is_free(sqlite_file) is not locks
        db.session.rollback()


def seed_copy(number: int) -> dict:
    document = json.loads(SEED_PATH.read_text(encoding="utf-8"))
    return {**copy.deepcopy(document), "slug": f"crash-{number}"}


@pytest.mark.servers
def test_sigkill_mid_write_load_loses_no_acknowledged_write(sqlite_app, sqlite_file, tmp_path):
    path = sqlite_file
    with sqlite_app.app_context():
        secret = create_key(db.session, "load", "editor").secret
        db.session.commit()
    url = f"sqlite:///{path}"
    server = start(url, tmp_path / "server.log", workers=2)
    acknowledged: list[str] = []
    stop = threading.Event()

    def write(first: int) -> None:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {secret}"}) as client:
            number = first
            while not stop.is_set():
                document = seed_copy(number)
                try:
                    response = client.post("/v1/manage/articles", json=document, timeout=10)
                except httpx.TransportError:
                    return  # the server is gone
                if response.status_code == 201:
                    acknowledged.append(document["slug"])
                number += 4

    writers = [threading.Thread(target=write, args=(first,)) for first in range(4)]
    try:
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()  # mid-load: the writers are still sending
    finally:
        stop.set()
        for writer in writers:
            writer.join(timeout=30)
        server.stop()

    assert len(acknowledged) >= 40, server.log.read_text()[-2000:]
    with closing(sqlite3.connect(path)) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    restarted = start(url, tmp_path / "server.log", workers=1)
    try:
        with httpx.Client(base_url=restarted.url, headers={"Authorization": f"Bearer {secret}"}) as client:
            listed = client.get("/v1/manage/articles", params={"page_size": 100, "page": 1}).json()
            total = json.loads(client.get("/v1/manage/articles").headers["X-Pagination"])["total"]
    finally:
        restarted.stop()
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = set(connection.scalars(select(Article.slug)))
    engine.dispose()
    assert set(acknowledged) <= stored
    assert total == len(stored) and listed  # the restarted server serves them


def test_an_online_sqlite_backup_restores_what_was_there(sqlite_app, sqlite_file, tmp_path):
    runner = sqlite_app.test_cli_runner()
    assert runner.invoke(args=["seed"]).exit_code == 0
    backup_file = tmp_path / "backup.db"

    result = runner.invoke(args=["backup", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["backup", str(backup_file)]).exit_code != 0  # never overwrites

    path = sqlite_file
    with sqlite_app.app_context():
        db.session.execute(text("DELETE FROM articles"))
        db.session.commit()
        db.engine.dispose()  # the service is stopped for a restore
    for suffix in ("-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    shutil.copyfile(backup_file, path)

    restored = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}).test_client()
    answer = restored.get("/v1/articles/are-all-types-of-back-pain-treatable-with-stem-cells")
    assert answer.status_code == 200
    with closing(sqlite3.connect(path)) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="the PostgreSQL backup runs with the suite on PostgreSQL (TEST_DATABASE_URL)",
)
def test_a_postgresql_backup_restores_with_pg_restore(app, runner, published, tmp_path, database_url):
    backup_file = tmp_path / "backup.dump"
    result = runner.invoke(args=["backup", str(backup_file)])
    assert result.exit_code == 0, result.output

    with database_beside(make_url(database_url), "restore") as target:
        libpq = target.set(drivername="postgresql").render_as_string(hide_password=False)
        restore = [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            f"--dbname={libpq}",
            str(backup_file),
        ]
        subprocess.run(restore, check=True, capture_output=True)
        restored = create_app({"SQLALCHEMY_DATABASE_URI": target.render_as_string(hide_password=False)})
        answer = restored.test_client().get(f"/v1/articles/{published['slug']}")
        assert answer.status_code == 200
        with restored.app_context():
            db.engine.dispose()
