"""Moving a whole installation: a full export imported into an empty database of the other
kind (on the PostgreSQL run: PostgreSQL → SQLite → PostgreSQL) gives an identical full export
and identical delivery for every site and variant."""

import io
import json
from datetime import timedelta

import pytest
from PIL import Image

from service.models.base import utcnow
from tests.conftest import REVIEWS, empty_tables
from tests.experiment_factories import EXPERIMENTS, experiment

SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
DENVER = {"key": "clinic-denver", "name": "Renova Denver", "origins": [], "variables": {}}


@pytest.fixture
def installation(
    client,
    admin,
    editor,
    publisher,
    reviewer,
    live_article,
    approve,
    publish_overlay,
    approve_variants,
    private_targets,
):
    """Some of everything: reviewed revisions with comments, overlays with versions, a running
    experiment, a pending schedule and release, a webhook, an image: its renditions' URLs."""
    client.post("/v1/manage/sites", json=DENVER, headers=admin)
    url = f"/v1/manage/articles/{live_article}"
    publish_overlay("clinic-austin", live_article, {"fields": {"summary": "Austin's version."}})
    client.put(
        f"/v1/manage/sites/clinic-austin/overlays/{live_article}",
        json={"fields": {"summary": "Next."}},
        headers={**admin, "If-Match": "*"},
    )
    image = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(image, "PNG")
    asset = client.post(
        "/v1/manage/assets",
        data={"file": (io.BytesIO(image.getvalue()), "clinic.png")},
        headers=editor,
        content_type="multipart/form-data",
    ).json
    hero = {"asset": asset["id"], "alt": "The clinic's front desk."}
    client.patch(
        url, json={"title": "Second version", "hero_image": hero}, headers={**editor, "If-Match": "*"}
    )
    sent_back = client.post(f"{url}/reviews", json={}, headers={**editor, "If-Match": "*"}).json
    client.post(
        f"{REVIEWS}/{sent_back['id']}/request-changes",
        json={"comments": [{"target": "title", "body": "Shorter."}]},
        headers=reviewer,
    )
    client.post(EXPERIMENTS, json=experiment(live_article), headers=publisher)
    approve_variants("cta-heading")
    assert client.post(f"{EXPERIMENTS}/cta-heading/start", headers=publisher).status_code == 200
    at = (utcnow() + timedelta(days=1)).isoformat()
    client.post(
        f"{url}/schedules", json={"action": "unpublish", "at": at}, headers={**publisher, "If-Match": "*"}
    )
    client.post(
        "/v1/manage/releases",
        json={"name": "Later", "items": [{"experiment": "cta-heading", "action": "stop"}]},
        headers=publisher,
    )
    hook = {"url": "http://127.0.0.1:9/cms", "events": ["release.published"]}
    assert client.post("/v1/manage/webhooks", json=hook, headers=admin).status_code == 201
    return [rendition["url"] for rendition in asset["renditions"]]


def exported(runner, path):
    result = runner.invoke(args=["export-installation", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text())


def differences(one, other):
    """The rows that differ, table by table (an empty list: the exports are the same)."""
    return [
        (name, column, left[column], right.get(column))
        for name in sorted({*one["tables"], *other["tables"]})
        for left, right in zip(one["tables"].get(name, []), other["tables"].get(name, []), strict=False)
        for column in left
        if left[column] != right.get(column)
    ] + [name for name in one["tables"] if len(one["tables"][name]) != len(other["tables"].get(name, []))]


def imported(runner, path):
    result = runner.invoke(args=["import-installation", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def delivered(client, media):
    """Every delivery answer: the article, as each site shows it, plain and per variant, and
    the `media` (image renditions' URLs)."""
    urls = [f"/v1/articles/{SLUG}", "/v1/articles", *media]
    for site in ("clinic-austin", "clinic-denver"):
        urls += [f"/v1/sites/{site}/articles/{SLUG}", f"/v1/sites/{site}/articles"]
        urls += [f"/v1/sites/{site}/articles/{SLUG}/variants/cta-heading/{v}" for v in ("control", "heading")]
    answers = {url: client.get(url) for url in urls}
    assert all(answer.status_code == 200 for answer in answers.values()), answers
    return {url: (answer.headers.get("ETag"), answer.data) for url, answer in answers.items()}


def test_an_installation_moves_to_the_other_database_and_back_losing_nothing(
    app, client, runner, sqlite_app, installation, tmp_path
):
    first = exported(runner, tmp_path / "first.json")
    served = delivered(client, installation)
    assert {name for name, rows in first["tables"].items() if rows} >= {
        "articles",
        "article_revisions",
        "reviews",
        "review_comments",
        "sites",
        "site_overlays",
        "overlay_versions",
        "experiments",
        "experiment_variants",
        "experiment_phases",
        "variants_versions",
        "assets",
        "asset_renditions",
        "blobs",
        "schedules",
        "releases",
        "webhooks",
        "audit_entries",
    }
    assert all(row["secret"] is None for row in first["tables"]["webhooks"])
    assert all(row["secret_hash"] is None for row in first["tables"]["api_keys"])

    imported(sqlite_app.test_cli_runner(), tmp_path / "first.json")
    second = exported(sqlite_app.test_cli_runner(), tmp_path / "second.json")
    assert differences(first, second) == [] and second == first
    assert (tmp_path / "second.json").read_bytes() == (tmp_path / "first.json").read_bytes()
    assert delivered(sqlite_app.test_client(), installation) == served

    with app.app_context():
        empty_tables()
    app.extensions["delivery_cache"].clear()
    imported(runner, tmp_path / "second.json")
    third = exported(runner, tmp_path / "third.json")
    assert differences(first, third) == [] and third == first
    assert (tmp_path / "third.json").read_bytes() == (tmp_path / "first.json").read_bytes()
    assert delivered(client, installation) == served


def test_an_installation_goes_into_an_empty_database_only(runner, published, tmp_path):
    exported(runner, tmp_path / "export.json")
    result = runner.invoke(args=["import-installation", str(tmp_path / "export.json")])
    assert result.exit_code != 0 and "Nothing was imported" in result.output
    assert runner.invoke(args=["export-installation", str(tmp_path / "export.json")]).exit_code != 0
