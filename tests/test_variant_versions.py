"""An experiment's variants as versioned content, like a site's overlay: each change of them
is a numbered version with history and diff, an old one can be restored (as the next version,
to be reviewed again), and the version visitors are dealt is the one the experiment started
with."""

from tests.conftest import REVIEWS
from tests.experiment_factories import EXPERIMENTS, experiment, visitors

SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
URL = f"{EXPERIMENTS}/cta-heading"


def with_heading(article_id, heading):
    config = experiment(article_id)
    config["variants"][1]["overlay"] = {"fields": {"call_to_action": {"heading": heading}}}
    return config


def headings(versions):
    return [
        (v["number"], v["variants"][1]["overlay"]["fields"]["call_to_action"]["heading"], v["live"])
        for v in versions
    ]


def test_each_change_of_the_variants_is_a_version_and_the_started_one_is_live(
    client, publisher, live_article, approve_variants
):
    client.post(EXPERIMENTS, json=with_heading(live_article, "First"), headers=publisher)
    changed = client.put(URL, json=with_heading(live_article, "Second"), headers=publisher)
    assert changed.json["variants_version"] == 2 and changed.json["live_variants_version"] is None
    unchanged = dict(with_heading(live_article, "Second"), hypothesis="Reworded, variants as they were.")
    assert client.put(URL, json=unchanged, headers=publisher).json["variants_version"] == 2

    approve_variants("cta-heading")
    started = client.post(f"{URL}/start", headers=publisher).json

    versions = client.get(f"{URL}/versions", headers=publisher).json
    assert headings(versions) == [(2, "Second", True), (1, "First", False)]
    assert versions[0]["published_at"] is not None and versions[1]["published_at"] is None
    assert started["live_variants_version"] == 2
    client.post(f"{URL}/stop", headers=publisher)
    assert [v["live"] for v in client.get(f"{URL}/versions", headers=publisher).json] == [False, False]


def test_the_diff_names_each_variants_member_that_changed(client, publisher, live_article):
    client.post(EXPERIMENTS, json=with_heading(live_article, "First"), headers=publisher)
    config = with_heading(live_article, "Second")
    config["variants"].append({"key": "third", "name": "Third", "weight": 0.2})
    config["variants"][0]["weight"] = 0.3
    client.put(URL, json=config, headers=publisher)

    diff = client.get(f"{URL}/diff?from=1", headers=publisher).json

    assert diff == [
        {"field": "variants", "before": ["control", "heading"], "after": ["control", "heading", "third"]},
        {"field": "variants.control.weight", "before": 0.5, "after": 0.3},
        {
            "field": "variants.heading.overlay.fields.call_to_action.heading",
            "before": "First",
            "after": "Second",
        },
        {"field": "variants.third", "before": None, "after": {"name": "Third", "weight": 0.2, "overlay": {}}},
    ]
    assert client.get(f"{URL}/diff?from=2&to=1", headers=publisher).json[0]["after"] == ["control", "heading"]
    missing = client.get(f"{URL}/diff?from=9", headers=publisher)
    assert missing.status_code == 404 and missing.content_type == "application/problem+json"
    audit = client.get("/v1/manage/audit", headers=publisher).json[0]
    assert audit["details"]["diff"] == diff and audit["details"]["variants_version"] == 2


def test_a_restored_version_is_the_next_one_and_needs_its_own_review(
    client, publisher, reviewer, live_article, approve_variants
):
    client.post(EXPERIMENTS, json=with_heading(live_article, "First"), headers=publisher)
    client.put(URL, json=with_heading(live_article, "Ask about your options"), headers=publisher)
    approval = approve_variants("cta-heading")

    restored = client.post(f"{URL}/versions/1/restore", headers=publisher)

    assert restored.status_code == 200 and restored.json["variants_version"] == 3
    assert restored.json["variants"][1]["overlay"]["fields"]["call_to_action"]["heading"] == "First"
    assert headings(client.get(f"{URL}/versions", headers=publisher).json)[0] == (3, "First", False)
    assert client.get(f"{REVIEWS}/{approval['id']}", headers=reviewer).json["status"] == "voided"
    assert client.post(f"{URL}/start", headers=publisher).status_code == 409
    entry = client.get("/v1/manage/audit", headers=publisher).json[0]
    assert (entry["action"], entry["details"]["restored"]) == ("experiment.updated", 1)
    again = client.post(f"{URL}/versions/3/restore", headers=publisher)
    assert again.status_code == 409 and again.content_type == "application/problem+json"
    assert client.post(f"{URL}/versions/9/restore", headers=publisher).status_code == 404


def test_variants_cannot_be_restored_while_visitors_are_dealt_them(client, publisher, live_article, running):
    client.post(f"{URL}/stop", headers=publisher)
    client.put(URL, json=with_heading(live_article, "After the stop"), headers=publisher)
    client.post(f"{URL}/versions/1/restore", headers=publisher)
    client.put(URL, json=with_heading(live_article, "Again"), headers=publisher)
    restarted = client.post(f"{URL}/restart", headers=publisher)
    assert restarted.status_code == 409  # "Again" was never reviewed

    client.post(f"{URL}/versions/1/restore", headers=publisher)  # the version that ran: no new review
    restarted = client.post(f"{URL}/restart", headers=publisher)
    assert restarted.status_code == 200, restarted.json

    refused = client.post(f"{URL}/versions/2/restore", headers=publisher)
    assert refused.status_code == 409 and "cannot change while" in refused.json["detail"]
    (visitor,) = visitors(restarted.json["seed"], "heading", 1)
    shown = client.get(f"/v1/sites/clinic-austin/articles/{SLUG}?visitor={visitor}").json
    assert shown["call_to_action"]["heading"] == "Talk to a spine specialist"


def test_a_viewer_reads_the_history_and_only_a_publisher_restores(client, publisher, auth, live_article):
    viewer = auth("viewer")
    client.post(EXPERIMENTS, json=with_heading(live_article, "First"), headers=publisher)
    client.put(URL, json=with_heading(live_article, "Second"), headers=publisher)

    assert client.get(f"{URL}/versions", headers=viewer).status_code == 200
    assert client.post(f"{URL}/versions/1/restore", headers=viewer).status_code == 403
