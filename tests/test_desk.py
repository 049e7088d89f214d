"""The review desk (/desk) in headless Chromium, as a clinic team uses it: an editor submits a
change to a FAQ (its risky claim overridden by a reviewer first: the guardrails refuse it
otherwise), the reviewer sees it rendered as each site shows it with the change marked and
the guardrails' findings listed and marked in place, requests a change on that FAQ, the
editor fixes it, the reviewer approves, the publisher publishes and delivery serves it.
Screenshots go to test-artifacts/."""

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from service.config import TESTIMONIAL_DISCLOSURE
from service.content.review_targets import review_targets
from service.content.reviews import find_review
from service.extensions import db
from tests.conftest import screenshot
from tests.experiment_factories import SITE

SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
DENVER = {"key": "clinic-denver", "name": "Renova Denver", "origins": [], "variables": {}}


@pytest.fixture
def live_server(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def secret_of(headers: dict) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def open_desk(chromium, url, reviewer):
    page = chromium.new_page()
    page.goto(f"{url}/desk")
    page.fill("#key", secret_of(reviewer))
    page.click("#use-key")
    page.wait_for_selector("#queue button")
    return page


def test_the_page_is_served_whole_by_the_service_and_loads_nothing_from_outside(client):
    page = client.get("/desk")
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in ("desk.js", "desk.css"):
        assert client.get(f"/desk/{asset}").status_code == 200
    assert client.get("/desk/render.js").status_code == 200
    text = page.get_data(as_text=True) + "".join(
        client.get(f"/desk/{module}").get_data(as_text=True) for module in ("desk.js", "render.js")
    )
    assert "http://" not in text and "https://" not in text


def assert_findings_shown(page, faq):
    """The FAQ's blocking claim, listed with severity, rule, path and suggestion, and its
    matched text marked in the answer as the reviewer reads it."""
    listed = page.locator("#findings li.block")
    assert listed.evaluate_all("items => items.map(item => item.dataset.rule)") == ["eliminates-pain"]
    pain = page.locator("#findings li[data-rule='eliminates-pain']")
    assert f"faqs[{faq}].answer" in pain.text_content() and "block" in pain.locator("strong").text_content()
    assert pain.locator("mark").text_content() == "pain-free" and pain.locator("p").text_content()
    marks = page.locator(f"#article [data-path='faqs.{faq}.answer'] mark.finding")
    assert marks.all_text_contents() == ["pain-free"]
    assert page.locator("#gate").get_attribute("data-gate") == "overridden"


@pytest.mark.browser
def test_a_reviewer_sends_back_a_faq_then_approves_the_fix_and_it_is_published(
    client, chromium, live_server, admin, editor, reviewer, publisher, live_article, seed_document
):
    client.post("/v1/manage/sites", json=DENVER, headers=admin)
    faq = seed_document["faqs"][0]["key"]
    url = f"/v1/manage/articles/{live_article}"
    changed = client.patch(
        f"{url}/faqs/{faq}",
        json={"answer": "Most patients are pain-free in days."},
        headers={**editor, "If-Match": "*"},
    )
    assert changed.status_code == 200
    submit = {"json": {"note": "Quicker answer"}, "headers": {**editor, "If-Match": "*"}}
    refused = client.post(f"{url}/reviews", **submit)
    assert refused.status_code == 409
    assert [f["rule"] for f in refused.json["findings"]] == ["eliminates-pain"]
    etag = client.get(url, headers=reviewer).headers["ETag"]
    overridden = client.post(
        f"{url}/findings/override",
        json={"reason": "For the reviewer to weigh on the desk."},
        headers={**reviewer, "If-Match": etag},
    )
    assert overridden.status_code == 201
    first = client.post(f"{url}/reviews", **submit).json

    page = open_desk(chromium, live_server, reviewer)
    page.click(f"#queue button[data-review='{first['id']}']")
    page.wait_for_selector("#article h1")
    assert page.locator("#renditions button").all_text_contents() == ["clinic-austin", "clinic-denver"]
    marked = page.locator("#article .changed")
    assert marked.count() == 1 and marked.get_attribute("data-path") == f"faqs.{faq}.answer"
    assert "pain-free in days" in marked.text_content()
    assert_findings_shown(page, faq)
    screenshot(page, "desk-findings")
    page.click("#renditions button[data-site='clinic-denver']")
    assert page.locator("#article .changed").get_attribute("data-path") == f"faqs.{faq}.answer"
    assert_findings_shown(page, faq)
    screenshot(page, "desk-in-review")

    page.fill("#target", f"faqs.{faq}.answer")
    page.fill("#comment", "No promise of how soon: results vary.")
    page.click("#request-changes")
    page.wait_for_selector("#status:has-text('changes requested')")
    comments = client.get(f"/v1/manage/reviews/{first['id']}", headers=editor).json["comments"]
    assert [(c["target"], c["body"]) for c in comments] == [
        (f"faqs.{faq}.answer", "No promise of how soon: results vary.")
    ]

    client.patch(
        f"{url}/faqs/{faq}",
        json={"answer": "Results vary from patient to patient."},
        headers={**editor, "If-Match": "*"},
    )
    second = client.post(f"{url}/reviews", json={}, headers={**editor, "If-Match": "*"}).json
    page.reload()
    page.wait_for_selector(f"#queue button[data-review='{second['id']}']")
    page.click(f"#queue button[data-review='{second['id']}']")
    page.wait_for_selector("#article .changed")
    assert "Results vary" in page.locator("#article .changed").text_content()
    assert page.locator("#gate").get_attribute("data-gate") == "open"
    assert (
        page.locator("#findings li.block").count() == 0
        and page.locator("#article mark.finding.block").count() == 0
    )
    screenshot(page, "desk-fixed")
    page.click("#approve")
    page.wait_for_selector("#status:has-text('approved')")
    screenshot(page, "desk-approved")
    page.close()

    published = client.post(f"{url}/publish", json={}, headers={**publisher, "If-Match": "*"})
    assert published.status_code == 200
    served = client.get(f"/v1/sites/clinic-austin/articles/{SLUG}").json
    assert served["faqs"][0]["answer"] == "Results vary from patient to patient."


CELL = "comparisons.prp-vs-ha.rows[relief-starts].cells[prp]"


def request_change(app, page, review_id, target, comment):
    """Open the review, check the service takes every target the desk offers, and comment on one."""
    page.click(f"#queue button[data-review='{review_id}']")
    page.wait_for_selector(f"#review[data-review='{review_id}'] #article h1")
    offered = page.eval_on_selector_all("#targets option", "options => options.map(o => o.value)")
    with app.app_context():
        assert set(offered) <= review_targets(db.session, find_review(db.session, review_id))
    assert target in offered
    page.fill("#target", target)
    page.fill("#comment", comment)
    page.click("#request-changes")
    page.wait_for_selector(f"#status:has-text('Review {review_id}: changes requested')")


@pytest.mark.browser
def test_the_desk_shows_all_a_visitor_reads_and_takes_comments_on_a_cell_and_an_overlay_field(
    app, client, chromium, live_server, admin, editor, reviewer, create_published, procedure_document
):
    client.post("/v1/manage/sites", json=SITE, headers=admin)
    article = create_published(procedure_document)
    cells = {"rows": {"relief-starts": {"cells": {"prp": "Often after 6 to 8 weeks"}}}}
    patched = client.patch(
        f"{article.url}/comparisons/prp-vs-ha", json=cells, headers={**editor, "If-Match": "*"}
    )
    assert patched.status_code == 200
    cell_review = client.post(f"{article.url}/reviews", json={}, headers={**editor, "If-Match": "*"}).json
    overlay_url = f"/v1/manage/sites/clinic-austin/overlays/{article.body['id']}"
    title = "PRP or hyaluronic acid in Austin"
    assert (
        client.put(
            overlay_url, json={"fields": {"title": title}}, headers={**admin, "If-Match": "*"}
        ).status_code
        == 200
    )
    overlay_review = client.post(f"{overlay_url}/reviews", json={}, headers=admin).json

    page = open_desk(chromium, live_server, reviewer)
    page.click(f"#queue button[data-review='{cell_review['id']}']")
    page.wait_for_selector("#article table")
    changed = page.locator("#article .changed")
    assert changed.count() == 1 and changed.get_attribute("data-path") == CELL
    assert (
        changed.evaluate("node => node.tagName") == "TD"
        and changed.text_content() == "Often after 6 to 8 weeks"
    )
    shown = page.locator("#article")
    assert shown.locator("[data-path='steps.check-in.title']").text_content() == "Check in and paperwork"
    assert shown.locator("[data-path='facts.first-visit-length.label']").text_content() == "First visit"
    assert (
        shown.locator("[data-path='facts.first-visit-length.min_duration']").text_content() == "45 min to 1 h"
    )
    testimonial = procedure_document["testimonials"][0]
    quoted = shown.locator(f"figure[data-path='testimonials.{testimonial['key']}']")
    assert quoted.locator("blockquote").text_content() == testimonial["quote"]
    assert quoted.locator(f"[data-path='testimonials.{testimonial['key']}.disclosure']").text_content() == (
        TESTIMONIAL_DISCLOSURE
    )
    assert "not medical advice" in shown.locator("[data-path='medical_disclaimer']").text_content()
    assert shown.locator("[data-path='references'] li").count() == len(procedure_document["references"])
    screenshot(page, "desk-comparison-cell")
    request_change(app, page, cell_review["id"], CELL, "Say when relief may start for most.")

    page.click(f"#queue button[data-review='{overlay_review['id']}']")
    page.wait_for_selector(f"#review[data-review='{overlay_review['id']}'] #article h1.changed")
    assert page.locator("#article h1").text_content() == title
    screenshot(page, "desk-overlay")
    request_change(app, page, overlay_review["id"], "title", "Name the clinic, not the city.")
    page.close()

    for review, target in ((cell_review, CELL), (overlay_review, "title")):
        answer = client.get(f"/v1/manage/reviews/{review['id']}", headers=editor).json
        assert answer["status"] == "changes_requested"
        assert [c["target"] for c in answer["comments"]] == [target]
