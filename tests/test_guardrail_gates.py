"""The guardrails' gate on what goes to review, as a clinic team meets it: a site overlay's
version is checked as its site renders the article with it, before it is even saved for good
(the findings report shows it as pending, by site), and its submission is refused with the
findings until a reviewer overrides them; the desk's renditions carry the same findings."""

from tests.conftest import REVIEWS

SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
RISKY_INTRO = "Our stem cell therapy gives guaranteed results for every spine."


def overlay_url(article_id, site="clinic-austin"):
    return f"/v1/manage/sites/{site}/overlays/{article_id}"


def override(client, url, reviewer):
    etag = client.get(url, headers=reviewer).headers["ETag"]
    reason = {"reason": "The clinic's director reviewed the Austin wording."}
    return client.post(f"{url}/findings/override", json=reason, headers={**reviewer, "If-Match": etag})


def test_a_pending_overlay_is_checked_as_its_site_renders_it_and_labelled_so(
    client, admin, editor, live_article
):
    url = f"/v1/manage/articles/{live_article}"
    saved = client.put(
        overlay_url(live_article), json={"fields": {"intro": RISKY_INTRO}}, headers={**admin, "If-Match": "*"}
    )
    assert saved.status_code == 200

    report = client.get(f"{url}/findings", headers=editor).json

    (guarantee,) = [f for f in report["findings"] if f["rule"] == "guarantee"]
    assert (guarantee["severity"], guarantee["path"], guarantee["where"]) == (
        "block",
        "intro",
        "site clinic-austin",
    )
    assert RISKY_INTRO[guarantee["start"] : guarantee["end"]] == guarantee["text"]
    assert guarantee["source"] == {
        "site": "clinic-austin",
        "overlay_version": 1,
        "experiment": None,
        "variant": None,
        "pending": True,
    }
    # Publishing the article does not apply the pending overlay: its gate stays open.
    assert (report["gate"], report["blocking"]) == ("open", 0)
    # Delivery still serves the article as published.
    assert client.get(f"/v1/sites/clinic-austin/articles/{SLUG}").json["intro"] != RISKY_INTRO


def test_an_overlay_is_submitted_only_once_a_reviewer_overrides_its_blocking_findings(
    client, admin, editor, reviewer, live_article
):
    url = f"/v1/manage/articles/{live_article}"
    client.put(
        overlay_url(live_article), json={"fields": {"intro": RISKY_INTRO}}, headers={**admin, "If-Match": "*"}
    )

    refused = client.post(f"{overlay_url(live_article)}/reviews", json={}, headers=admin)

    assert refused.status_code == 409 and refused.content_type == "application/problem+json"
    assert "submit the overlay for review" in refused.json["detail"]
    ((rule, path, source),) = [(f["rule"], f["path"], f["source"]) for f in refused.json["findings"]]
    assert (rule, path, source["site"], source["overlay_version"]) == (
        "guarantee",
        "intro",
        "clinic-austin",
        1,
    )
    assert client.get(f"{REVIEWS}?status=in_review", headers=reviewer).json == []

    made = override(client, url, reviewer)
    assert made.status_code == 201
    assert [(f["rule"], f["where"]) for f in made.json["findings"]] == [("guarantee", "site clinic-austin")]
    submitted = client.post(f"{overlay_url(live_article)}/reviews", json={}, headers=admin)
    assert submitted.status_code == 201, submitted.json
    audit = client.get("/v1/manage/audit", headers=editor).json[0]
    assert audit["action"] == "review.submitted" and audit["details"]["override"] == made.json["id"]

    # The desk reads the same finding on the rendition, overridden.
    (rendition,) = client.get(f"{REVIEWS}/{submitted.json['id']}/renditions", headers=reviewer).json
    assert rendition["gate"] == "overridden"
    assert ("guarantee", "intro", True) in {
        (f["rule"], f["path"], f["source"]["pending"]) for f in rendition["findings"]
    }

    assert (
        client.post(f"{REVIEWS}/{submitted.json['id']}/approve", json={}, headers=reviewer).status_code == 200
    )
    assert client.post(f"{overlay_url(live_article)}/publish", headers=admin).status_code == 200
    assert client.get(f"/v1/sites/clinic-austin/articles/{SLUG}").json["intro"] == RISKY_INTRO
    report = client.get(f"{url}/findings", headers=editor).json
    (published,) = [f for f in report["findings"] if f["rule"] == "guarantee"]
    assert published["source"]["pending"] is False and report["gate"] == "overridden"


def test_a_clean_overlay_is_submitted_with_no_override(client, admin, live_article):
    client.put(
        overlay_url(live_article),
        json={"fields": {"intro": "Ask us what fits you."}},
        headers={**admin, "If-Match": "*"},
    )

    submitted = client.post(f"{overlay_url(live_article)}/reviews", json={}, headers=admin)

    assert submitted.status_code == 201
    assert "override" not in client.get("/v1/manage/audit", headers=admin).json[0]["details"]


def test_an_override_names_a_pending_claim_on_every_site_that_shows_it(client, admin, reviewer, live_article):
    client.post(
        "/v1/manage/sites",
        json={"key": "clinic-denver", "name": "Denver", "origins": [], "variables": {}},
        headers=admin,
    )
    for site in ("clinic-austin", "clinic-denver"):
        client.put(
            overlay_url(live_article, site),
            json={"fields": {"intro": RISKY_INTRO}},
            headers={**admin, "If-Match": "*"},
        )

    assert override(client, f"/v1/manage/articles/{live_article}", reviewer).status_code == 201

    for site in ("clinic-austin", "clinic-denver"):  # (the report names it once; the gate of each)
        assert (
            client.post(f"{overlay_url(live_article, site)}/reviews", json={}, headers=admin).status_code
            == 201
        )
