"""Sites: several clinic frontends, one material, each with its own details."""

import pytest
from sqlalchemy.orm.attributes import flag_modified

from service.extensions import db
from service.models import Revision

SITES = "/v1/manage/sites"

AUSTIN = {
    "key": "clinic-austin",
    "name": "Renova Austin",
    "origins": ["https://austin.example"],
    "variables": {"phone": "512-555-0100", "booking_url": "https://austin.example/book"},
}
DALLAS = {
    "key": "clinic-dallas",
    "name": "Renova Dallas",
    "origins": ["https://dallas.example"],
    "variables": {"phone": "214-555-0199", "booking_url": "https://dallas.example/book"},
}


@pytest.fixture
def two_sites(client, admin):
    for site in (AUSTIN, DALLAS):
        assert client.post(SITES, json=site, headers=admin).status_code == 201


@pytest.fixture
def article_with_placeholders(admin, create_draft, reviewed_document):
    reviewed_document["call_to_action"]["button_url"] = "{{site.booking_url}}"
    reviewed_document["call_to_action"]["button_label"] = "Call {{site.phone}}"
    return create_draft(reviewed_document, headers=admin).url


def test_each_site_gets_the_article_with_its_own_details(
    client, publish_reviewed, admin, two_sites, article_with_placeholders, seed_document
):
    assert publish_reviewed(article_with_placeholders, admin).status_code == 200
    slug = seed_document["slug"]

    austin = client.get(f"/v1/sites/clinic-austin/articles/{slug}").json
    dallas = client.get(f"/v1/sites/clinic-dallas/articles/{slug}").json

    assert austin["call_to_action"]["button_url"] == "https://austin.example/book"
    assert austin["call_to_action"]["button_label"] == "Call 512-555-0100"
    assert dallas["call_to_action"]["button_label"] == "Call 214-555-0199"
    assert austin["faqs"] == dallas["faqs"]
    plain = client.get(f"/v1/articles/{slug}")
    assert plain.status_code == 404 and "written for each site" in plain.json["detail"]


def test_a_placeholder_without_a_value_is_caught_at_publish_time(
    client, publish_reviewed, admin, two_sites, article_with_placeholders
):
    client.put(f"{SITES}/clinic-dallas", json={**DALLAS, "variables": {"phone": "214"}}, headers=admin)

    response = publish_reviewed(article_with_placeholders, admin)

    assert response.status_code == 409
    assert "clinic-dallas lacks booking_url" in response.json["detail"]


def test_a_site_cannot_drop_a_variable_a_live_article_shows(
    client, publish_reviewed, admin, two_sites, article_with_placeholders
):
    publish_reviewed(article_with_placeholders, admin)
    response = client.put(
        f"{SITES}/clinic-austin", json={**AUSTIN, "variables": {"phone": "512"}}, headers=admin
    )
    assert response.status_code == 409
    assert "booking_url" in response.json["detail"]


def test_a_site_overlay_changes_what_that_site_shows_only(
    client, publish_reviewed, publish_overlay, admin, two_sites, create_draft, seed_document
):
    url = create_draft(headers=admin).url
    article_id = url.rsplit("/", 1)[1]
    overlay = {
        "fields": {"call_to_action": {"heading": "Austin's spine team"}},
        "hide": {"sections": ["latest-insights"]},
    }
    assert publish_overlay("clinic-austin", article_id, overlay).status_code == 200
    publish_reviewed(url, admin)
    slug = seed_document["slug"]

    austin = client.get(f"/v1/sites/clinic-austin/articles/{slug}").json
    dallas = client.get(f"/v1/sites/clinic-dallas/articles/{slug}").json

    assert austin["call_to_action"]["heading"] == "Austin's spine team"
    assert "latest-insights" not in [s["key"] for s in austin["sections"]]
    assert dallas["call_to_action"]["heading"] is None
    assert "latest-insights" in [s["key"] for s in dallas["sections"]]
    assert client.get(f"{SITES}/clinic-austin/overlays/{article_id}", headers=admin).json == {
        "fields": overlay["fields"],
        "children": {},
        "hide": overlay["hide"],
        "order": {},
    }


def test_an_overlay_naming_a_key_the_article_lacks_is_422(client, admin, two_sites, create_draft):
    url = create_draft(headers=admin).url
    response = client.put(
        f"{SITES}/clinic-austin/overlays/{url.rsplit('/', 1)[1]}",
        json={"hide": {"faqs": ["nope"]}},
        headers={**admin, "If-Match": "*"},
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "hide.faqs"


def test_cors_is_answered_per_site(client, admin, two_sites, create_published, seed_document):
    create_published(headers=admin)
    path = f"/v1/sites/clinic-austin/articles/{seed_document['slug']}"

    own = client.get(path, headers={"Origin": "https://austin.example"})
    other = client.get(path, headers={"Origin": "https://dallas.example"})

    assert own.headers["Access-Control-Allow-Origin"] == "https://austin.example"
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Origin" in other.headers["Vary"]
    preflight = client.options(
        path, headers={"Origin": "https://austin.example", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://austin.example"


def test_sites_are_for_admins_and_unique_by_key(client, admin, two_sites, auth):
    assert client.get(SITES, headers=auth("publisher")).status_code == 403
    assert client.post(SITES, json=AUSTIN, headers=admin).status_code == 409
    assert client.get("/v1/sites/nowhere/articles/anything").status_code == 404


def test_a_new_site_must_have_the_variables_live_articles_use(
    client, publish_reviewed, admin, two_sites, article_with_placeholders
):
    publish_reviewed(article_with_placeholders, admin)
    response = client.post(SITES, json={"key": "clinic-houston", "name": "Houston"}, headers=admin)
    assert response.status_code == 409
    assert "clinic-houston lacks booking_url, phone" in response.json["detail"]


def test_a_site_overlay_may_not_use_a_variable_the_site_lacks(
    client, publish_reviewed, admin, two_sites, article_with_placeholders
):
    publish_reviewed(article_with_placeholders, admin)
    article_id = article_with_placeholders.rsplit("/", 1)[1]
    overlay = {"fields": {"title": "Back pain in {{site.city}}"}}
    response = client.put(
        f"{SITES}/clinic-austin/overlays/{article_id}", json=overlay, headers={**admin, "If-Match": "*"}
    )
    assert response.status_code == 409


def test_origins_are_origins(client, admin):
    site = {**AUSTIN, "origins": ["https://austin.example/some/path"]}
    response = client.post(SITES, json=site, headers=admin)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "origins[0]"


def test_each_site_lists_its_articles_with_its_details(client, admin, two_sites, create_published):
    create_published(headers=admin, title="Stem cells at {{site.phone}}")

    (austin,) = client.get("/v1/sites/clinic-austin/articles").json
    (dallas,) = client.get("/v1/sites/clinic-dallas/articles").json

    assert austin["title"] == "Stem cells at 512-555-0100"
    assert dallas["title"] == "Stem cells at 214-555-0199"
    assert client.get("/v1/articles").json == []  # written for each site: not in the site-less list
    assert client.get("/v1/sites/nowhere/articles").status_code == 404


def test_publishing_is_refused_while_a_site_overlay_names_a_key_the_draft_lost(
    client, publish_reviewed, publish_overlay, admin, two_sites, create_draft
):
    url = create_draft(headers=admin).url
    article_id = url.rsplit("/", 1)[1]
    publish_overlay("clinic-austin", article_id, {"hide": {"sections": ["latest-insights"]}})
    client.delete(f"{url}/sections/latest-insights", headers={**admin, "If-Match": "*"})

    response = publish_reviewed(url, admin)

    assert response.status_code == 409
    assert "clinic-austin's overlay no longer fits" in response.json["detail"]


def test_a_site_serves_the_same_bytes_whatever_order_its_database_keeps_members_in(
    app, client, publish_reviewed, admin, two_sites, article_with_placeholders, seed_document
):
    """PostgreSQL's jsonb reorders a stored document's members; SQLite keeps them as written:
    an installation moved from one to the other serves the very same bytes."""
    publish_reviewed(article_with_placeholders, admin)
    url = f"/v1/sites/clinic-austin/articles/{seed_document['slug']}"
    before = client.get(url, headers={"Accept-Encoding": "identity"}).data

    def reversed_members(value):
        if isinstance(value, dict):
            return {name: reversed_members(value[name]) for name in reversed(list(value))}
        return [reversed_members(item) for item in value] if isinstance(value, list) else value

    with app.app_context():
        revision = db.session.query(Revision).one()
        revision.document = reversed_members(revision.document)
        flag_modified(revision, "document")  # (equal as a dict: not a change unless flagged)
        db.session.commit()
    app.extensions["delivery_cache"].clear()

    assert client.get(url, headers={"Accept-Encoding": "identity"}).data == before
