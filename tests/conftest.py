"""Fixtures: one app per test session (per pytest-xdist worker) on TEST_DATABASE_URL (default: a
throwaway SQLite file), its schema built by the real migrations, and every table emptied after
each test; and the factories tests arrange with: keys by role, drafts and published articles
made through the API, apps with other settings."""

import copy
import json
import os
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest
import redis
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from sqlalchemy import text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from service import create_app
from service.config import SEED_PATH
from service.content.keys import create_key
from service.content.loading import load_articles, validate_documents
from service.extensions import db
from service.models import Base
from service.ratelimits import RateLimits
from tests.databases import database_beside
from tests.experiment_factories import DENVER, EXPERIMENTS, SITE, experiment, post_counts
from tests.receivers import Receiver
from tests.servers import BROWSER_USER_AGENT, CHROMIUM, ROOT, start, start_nginx

DRAFTS = "/v1/manage/articles"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ARTIFACTS = ROOT / "test-artifacts"  # browser tests' screenshots


def drop_everything() -> None:
    """Leave the test database as empty as it was before the run."""
    db.session.remove()
    Base.metadata.drop_all(db.engine)
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def empty_tables() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(table.name for table in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):  # (what refers to a row goes first)
                connection.execute(table.delete())


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """TEST_DATABASE_URL, or else a throwaway SQLite file (one per pytest-xdist worker, in its
    temporary directory). In parallel on PostgreSQL each worker has a database of its own beside
    the one named, `<name>_gw0`, `<name>_gw1`...: workers never see each other's rows or locks."""
    configured = os.environ.get("TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # (unset in a serial run)
    if not configured:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    elif worker is None or make_url(configured).get_backend_name() != "postgresql":
        yield configured
    else:
        with database_beside(make_url(configured), worker) as own:
            yield own.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app(database_url: str):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        drop_everything()
        upgrade()
    yield app
    with app.app_context():
        drop_everything()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest):
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        with app.app_context():
            empty_tables()
        # Emptied behind the ORM's back, so no commit told delivery's cache.
        app.extensions["delivery_cache"].clear()
        app.extensions["rate_limits"].reset()  # each test starts with its clients' counts at zero


@pytest.fixture
def app_with(app, database_url):
    """Apps of a test's own on the suite's database (whose schema the `app` fixture built), each
    with the production defaults but for `config`; their connections closed after the test."""
    made = []

    def make(**config):
        made.append(create_app({"SQLALCHEMY_DATABASE_URI": database_url, **config}))
        return made[-1]

    yield make
    for each in made:
        with each.app_context():
            db.engine.dispose()


@pytest.fixture
def sqlite_app(tmp_path: Path):
    """An app on a migrated SQLite file of its own, on either database run: for what only the
    embedded database does (locks, a file on disk)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'cms.db'}"})
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def sqlite_file(sqlite_app) -> str:
    return make_url(sqlite_app.config["SQLALCHEMY_DATABASE_URI"]).database


@pytest.fixture(scope="session")
def spec(app) -> dict:
    """The OpenAPI document as the app serves it (not to be changed: every test shares it)."""
    return app.test_client().get("/openapi.json").json


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """The database session, inside an app context, for tests of the domain layer."""
    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def publish(app):
    """Validate, load and publish documents, as `flask seed` does, and commit."""

    def publish(raw) -> None:
        with app.app_context():
            load_articles(db.session, validate_documents(raw))
            db.session.commit()

    return publish


@pytest.fixture
def auth(app):
    """Authorization headers for a new key with the given role (and the reviewer capability,
    if asked). The key is made in an app
    context of its own, so that each request the test sends has its own too, as in production."""

    def headers(role: str = "admin", *, reviewer: bool = False, **extra: str) -> dict:
        with app.app_context():
            new = create_key(
                db.session, f"test {role}{' reviewer' if reviewer else ''}", role, reviewer=reviewer
            )
            db.session.commit()
        return {"Authorization": f"Bearer {new.secret}", **extra}

    return headers


@pytest.fixture
def seed_document() -> dict:
    """A fresh copy of the seed document to vary."""
    return copy.deepcopy(json.loads(SEED_PATH.read_text(encoding="utf-8")))


REVIEWED = {
    "medical_disclaimer": (
        "This article is general information, not medical advice. Stem cell therapy for back pain is "
        "not approved by the FDA, and results vary from patient to patient: ask a doctor about your case."
    ),
    "reviewed_by": "Dana Whitfield, MD",
    "references": [
        {
            "title": "Mesenchymal stem cells for degenerative disc disease: a systematic review",
            "url": "https://pubmed.ncbi.nlm.nih.gov/",
        }
    ],
}
FINAL_THOUGHTS_BEFORE = "helping them avoid surgery"
FINAL_THOUGHTS_AFTER = "and for some it may be a way to delay surgery"


def reviewed(document: dict) -> dict:
    """The document as a reviewer passes it: a disclaimer, a credentialed reviewer, a review
    today, references for the research it cites, and the seed's one promise (to avoid surgery)
    rewritten. The guardrails find nothing that blocks it (tests/test_guardrails.py holds it)."""
    document = {**copy.deepcopy(document), **copy.deepcopy(REVIEWED), "reviewed_at": date.today().isoformat()}
    for section in document["sections"]:
        if section["body"]:
            section["body"] = section["body"].replace(FINAL_THOUGHTS_BEFORE, FINAL_THOUGHTS_AFTER)
    return document


@pytest.fixture
def reviewed_document(seed_document) -> dict:
    """The seed as a reviewer passed it (see `reviewed`): what drafts are made of by default."""
    return reviewed(seed_document)


EXAMPLES = ROOT / "seed/examples"


@pytest.fixture
def procedure_document() -> dict:
    """An article with every kind a visitor reads: seed/examples' treatment comparison (its
    table `prp-vs-ha`, a disclaimer, references) with the first-visit example's steps, facts,
    callouts and testimonials (the first with the service's default disclosure)."""
    comparison = json.loads((EXAMPLES / "prp-or-hyaluronic-acid-for-knee-osteoarthritis.json").read_text())
    visit = json.loads((EXAMPLES / "your-first-physical-therapy-visit.json").read_text())
    document = comparison | {kind: visit[kind] for kind in ("steps", "facts", "callouts", "testimonials")}
    document["testimonials"][0]["disclosure"] = None
    return document


@pytest.fixture
def write_json(tmp_path: Path):
    """Write a JSON value to a file and return its path."""

    def write(value, name: str = "article.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(value), encoding="utf-8")
        return path

    return write


@pytest.fixture
def published(runner):
    """The seed article, loaded and published through the CLI as `make run` does."""
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return json.loads(SEED_PATH.read_text(encoding="utf-8"))


class ManagedArticle(NamedTuple):
    """An article as the management API last answered: its address, the body and its ETag."""

    url: str
    body: dict
    etag: str


@pytest.fixture
def editor(auth) -> dict:
    return auth("editor")


@pytest.fixture
def publisher(auth) -> dict:
    return auth("publisher")


@pytest.fixture
def admin(auth) -> dict:
    return auth("admin")


@pytest.fixture
def reviewer(auth) -> dict:
    """A clinician's key: the viewer role, with the reviewer capability."""
    return auth("viewer", reviewer=True)


REVIEWS = "/v1/manage/reviews"


@pytest.fixture
def approve(client, request: pytest.FixtureRequest):
    """Submit an article's draft as it is now for review, with `headers` (by default the test's
    `editor` key), and approve it with the test's `reviewer` key: REVIEW_REQUIRED's way to a
    publishable version. The review as approved."""

    def approve(url: str, *, headers: dict | None = None) -> dict:
        headers = headers or request.getfixturevalue("editor")
        submitted = client.post(f"{url}/reviews", json={}, headers={**headers, "If-Match": "*"})
        assert submitted.status_code == 201, submitted.json
        approved = client.post(
            f"{REVIEWS}/{submitted.json['id']}/approve", json={}, headers=request.getfixturevalue("reviewer")
        )
        assert approved.status_code == 200, approved.json
        return approved.json

    return approve


@pytest.fixture
def publish_reviewed(client, approve, request: pytest.FixtureRequest):
    """Have the article's draft approved as it is (see approve) and publish it, with `headers`
    (by default the test's `publisher` key) and If-Match: *: the publish's answer."""

    def publish(url: str, headers: dict | None = None, **body):
        headers = headers or request.getfixturevalue("publisher")
        approve(url, headers=headers)
        return client.post(f"{url}/publish", json=body, headers={**headers, "If-Match": "*"})

    return publish


@pytest.fixture
def publish_overlay(client, request: pytest.FixtureRequest):
    """Save a site's overlay for an article, submit it, have the test's `reviewer` approve it
    and publish it, with `headers` (by default the test's `admin` key): the publish's answer."""

    def publish(site: str, article_id: int | str, overlay: dict, headers: dict | None = None):
        headers = headers or request.getfixturevalue("admin")
        url = f"/v1/manage/sites/{site}/overlays/{article_id}"
        saved = client.put(url, json=overlay, headers={**headers, "If-Match": "*"})
        assert saved.status_code == 200, saved.json
        submitted = client.post(f"{url}/reviews", json={}, headers=headers)
        assert submitted.status_code == 201, submitted.json
        approved = client.post(
            f"{REVIEWS}/{submitted.json['id']}/approve", json={}, headers=request.getfixturevalue("reviewer")
        )
        assert approved.status_code == 200, approved.json
        return client.post(f"{url}/publish", headers=headers)

    return publish


@pytest.fixture
def create_draft(client, reviewed_document, request: pytest.FixtureRequest):
    """Create an article through the API: `document` (by default the seed as a reviewer passed
    it) with `changes`, sent with `headers` (by default the test's `editor` key)."""

    def create(document: dict | None = None, *, headers: dict | None = None, **changes) -> ManagedArticle:
        headers = headers or request.getfixturevalue("editor")
        response = client.post(DRAFTS, json={**(document or reviewed_document), **changes}, headers=headers)
        assert response.status_code == 201, response.json
        return ManagedArticle(response.headers["Location"], response.json, response.headers["ETag"])

    return create


@pytest.fixture
def draft(create_draft) -> ManagedArticle:
    """The seed article, created as a draft by the test's `editor` key."""
    return create_draft()


@pytest.fixture
def create_published(create_draft, publish_reviewed, request: pytest.FixtureRequest):
    """Create an article as create_draft does, have a reviewer approve it and publish it
    whatever its version (If-Match: *); `headers` by default the test's `publisher` key. As
    the publish answered."""

    def create(document: dict | None = None, *, headers: dict | None = None, **changes) -> ManagedArticle:
        headers = headers or request.getfixturevalue("publisher")
        url = create_draft(document, headers=headers, **changes).url
        response = publish_reviewed(url, headers)
        assert response.status_code == 200, response.json
        return ManagedArticle(url, response.json, response.headers["ETag"])

    return create


@pytest.fixture
def private_targets(app, monkeypatch):
    """Webhooks may reach private addresses, as for receivers on premises (the tests' own
    receivers listen on 127.0.0.1)."""
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", True)


@pytest.fixture
def receiver():
    """Starts webhook receivers (tests/receivers.py) and stops them after the test."""
    made = []

    def start_receiver(*statuses, tls=None):
        made.append(Receiver(statuses, tls))
        return made[-1]

    yield start_receiver
    for each in made:
        each.server.shutdown()


@pytest.fixture
def behind_nginx(database_url, published, tmp_path):
    """The service (deploy/web.py) behind nginx, with the production settings of both
    (PROXY_COUNT=1, as the README's deployment section says): (nginx, the service)."""
    server = start(database_url, tmp_path / "server.log", PROXY_COUNT="1")
    try:
        proxy = start_nginx(server, tmp_path / "nginx")
        yield proxy, server
        proxy.stop()
    finally:
        server.stop()


@pytest.fixture
def live_article(client, admin, create_published):
    """The seed article, published, and the site clinic-austin: its id."""
    client.post("/v1/manage/sites", json=SITE, headers=admin)
    return create_published().body["id"]


@pytest.fixture
def approve_variants(client, request: pytest.FixtureRequest):
    """Submit an experiment's variants for review with `headers` (by default the test's
    `publisher` key) and have the test's `reviewer` approve them: what starting it needs."""

    def approve(key: str, headers: dict | None = None) -> dict:
        headers = headers or request.getfixturevalue("publisher")
        submitted = client.post(f"{EXPERIMENTS}/{key}/reviews", json={}, headers=headers)
        assert submitted.status_code == 201, submitted.json
        approved = client.post(
            f"{REVIEWS}/{submitted.json['id']}/approve", json={}, headers=request.getfixturevalue("reviewer")
        )
        assert approved.status_code == 200, approved.json
        return approved.json

    return approve


@pytest.fixture
def running(client, publisher, live_article, approve_variants):
    """The experiment cta-heading on the live article, its variants approved, started: as the
    API shows it."""
    created = client.post(EXPERIMENTS, json=experiment(live_article), headers=publisher)
    assert created.status_code == 201, created.json
    approve_variants("cta-heading")
    started = client.post(f"{EXPERIMENTS}/cta-heading/start", headers=publisher)
    assert started.json["status"] == "running"
    return started.json


@pytest.fixture
def two_site_experiment(client, admin, publisher, live_article, approve_variants):
    """Start cta-heading on Austin and Denver, its variants approved, and report `counts`
    ((site, variant): (exposed, converted)) for it."""

    def start(counts: dict[tuple[str, str], tuple[int, int]]) -> dict[tuple[str, str], tuple[int, int]]:
        client.post("/v1/manage/sites", json=DENVER, headers=admin)
        sites = ["clinic-austin", "clinic-denver"]
        client.post(EXPERIMENTS, json=experiment(live_article, sites=sites), headers=publisher)
        approve_variants("cta-heading")
        seed = client.post(f"{EXPERIMENTS}/cta-heading/start", headers=publisher).json["seed"]
        post_counts(client, seed, counts)
        return counts

    return start


@pytest.fixture
def shared_storage():
    """Redis, which CI always has; a laptop without it skips only this (CI=true fails instead)."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}: this test needs one")
    limits = RateLimits(REDIS_URL, {"events": "5/minute"})
    limits.reset()
    yield REDIS_URL
    limits.reset()


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium (Debian's), driven by Playwright, for the browser tests."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (see .ci/run) for the browser tests")
        pytest.skip("no Chromium on this machine (apt-get install chromium)")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", f"--user-agent={BROWSER_USER_AGENT}"]
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test app served on a free port, in a thread: for a browser to open."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def screenshot(page, name: str) -> None:
    """A full-page screenshot in test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
