"""Two hosts, one database: two separate servers (deploy/web.py) on the suite's database (PostgreSQL
in production; the SQLite run shares one file). What one changes, the other serves once its
freshness window ends; both assign visitors alike; If-Match writers through both lose nothing;
and neither logs a key or a stack trace."""

import json
import threading
import time

import httpx
import pytest

from service.content.keys import create_key
from service.extensions import db
from tests.servers import BROWSER_USER_AGENT, start

pytestmark = pytest.mark.servers
FRESHNESS = 1.0
SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
SITE = {
    "key": "clinic-austin",
    "name": "Austin",
    "variables": {"phone": "512", "booking_url": "https://a.example"},
}


REVIEWER: dict[str, str] = {}  # the running test's reviewer key (as Authorization)


@pytest.fixture
def hosts(app, database_url, published, tmp_path):
    with app.app_context():
        secret = create_key(db.session, "two hosts", "admin").secret
        REVIEWER["Authorization"] = (
            f"Bearer {create_key(db.session, 'clinician', 'viewer', reviewer=True).secret}"
        )
        db.session.commit()
    env = {"DELIVERY_FRESHNESS_SECONDS": str(FRESHNESS)}
    first = start(database_url, tmp_path / "first.log", **env)
    second = start(database_url, tmp_path / "second.log", **env)
    headers = {"Authorization": f"Bearer {secret}", "User-Agent": BROWSER_USER_AGENT}  # httpx's is a bot's
    clients = [httpx.Client(base_url=server.url, headers=headers, timeout=10) for server in (first, second)]
    yield clients, secret, (first, second)
    for client in clients:
        client.close()
    for server in (first, second):
        server.stop()


def article_id(client) -> int:
    return client.get("/v1/manage/articles").json()[0]["id"]


def change_title(client, title: str) -> None:
    url = f"/v1/manage/articles/{article_id(client)}"
    etag = client.get(url).headers["ETag"]
    patched = client.patch(
        url,
        content=json.dumps({"title": title}),
        headers={"Content-Type": "application/merge-patch+json", "If-Match": etag},
    )
    assert patched.status_code == 200, patched.text
    submitted = client.post(f"{url}/reviews", json={}, headers={"If-Match": patched.headers["ETag"]})
    approved = client.post(f"/v1/manage/reviews/{submitted.json()['id']}/approve", json={}, headers=REVIEWER)
    assert approved.status_code == 200, approved.text
    published = client.post(f"{url}/publish", json={}, headers={"If-Match": patched.headers["ETag"]})
    assert published.status_code == 200, published.text


def test_a_change_through_one_host_is_served_by_the_other_within_its_freshness_window(hosts):
    (first, second), _, _ = hosts
    for _ in range(4):  # both of the second host's workers have the old article cached
        assert second.get(f"/v1/articles/{SLUG}").json()["title"] != "Changed on the first host"

    change_title(first, "Changed on the first host")
    changed_at = time.monotonic()
    while second.get(f"/v1/articles/{SLUG}").json()["title"] != "Changed on the first host":
        assert time.monotonic() - changed_at < FRESHNESS + 1.5, "still stale after the window"
        time.sleep(0.05)
    time.sleep(FRESHNESS)  # every worker's window has ended: none may serve the old one now
    titles = {second.get(f"/v1/articles/{SLUG}").json()["title"] for _ in range(20)}
    assert titles == {"Changed on the first host"}


def test_both_hosts_assign_each_visitor_the_same_variant(hosts):
    (first, second), _, _ = hosts
    assert first.post("/v1/manage/sites", json=SITE).status_code == 201
    experiment = {
        "key": "cta-wording",
        "article_id": article_id(first),
        "goal": "booking",
        "variants": [
            {"key": "control", "name": "Control", "weight": 0.5},
            {"key": "named", "name": "Named", "weight": 0.5, "overlay": {"fields": {"summary": "Named"}}},
        ],
    }
    assert first.post("/v1/manage/experiments", json=experiment).status_code == 201
    submitted = first.post("/v1/manage/experiments/cta-wording/reviews", json={}).json()
    approved = first.post(f"/v1/manage/reviews/{submitted['id']}/approve", json={}, headers=REVIEWER)
    assert approved.status_code == 200, approved.text
    assert second.post("/v1/manage/experiments/cta-wording/start").status_code == 200
    time.sleep(FRESHNESS + 0.2)

    def variants(client):
        url = f"/v1/sites/clinic-austin/articles/{SLUG}"
        return [client.get(url, params={"visitor": f"v-{n}"}).json()["assignment"] for n in range(30)]

    through_first, through_second = variants(first), variants(second)
    assert through_first == through_second
    assert {assignment["variant"] for assignment in through_first} == {"control", "named"}


def test_if_match_writers_through_both_hosts_lose_no_change(hosts):
    clients, _, _ = hosts
    url = f"/v1/manage/articles/{article_id(clients[0])}"
    markers = [f"writer-{n}" for n in range(6)]

    def add_tag(client, marker: str) -> None:
        while True:  # read, change, write with If-Match; on 412, read again
            current = client.get(url)
            tags = current.json()["tags"]
            patched = client.patch(
                url,
                content=json.dumps({"tags": [*tags, marker]}),
                headers={"Content-Type": "application/merge-patch+json", "If-Match": current.headers["ETag"]},
            )
            if patched.status_code == 200:
                return
            assert patched.status_code == 412, patched.text

    writers = [
        threading.Thread(target=add_tag, args=(clients[n % 2], marker)) for n, marker in enumerate(markers)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)

    final = clients[1].get(url).json()["tags"]
    assert set(markers) <= set(final)


def test_neither_host_logs_a_key_or_a_stack_trace(hosts):
    (first, second), secret, servers = hosts
    first.get("/v1/manage/articles")
    second.get("/v1/manage/articles", headers={"Authorization": f"Bearer {secret}x"})
    second.get(f"/v1/articles/{SLUG}?visitor=someone")
    for server in servers:
        server.stop()  # flushes the logs
        log = server.log.read_text()
        assert "GET /v1/manage/articles" in log  # the access log is there, and was read
        assert secret not in log and "Traceback" not in log
