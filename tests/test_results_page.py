"""The results page in headless Chromium, as a marketer opens it: the verdict in words, each
variant's rate with its interval on a labelled axis, the uplift, the timeline with its
sequential band, per-site rows; nothing fetched from anywhere but the service. A screenshot
goes to test-artifacts/results-page.png."""

import re

import pytest

from service.content.keys import create_key
from service.extensions import db
from tests.servers import ROOT

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def two_site_results(app, two_site_experiment):
    two_site_experiment(
        {
            ("clinic-austin", "control"): (300, 30),
            ("clinic-austin", "heading"): (300, 36),
            ("clinic-denver", "control"): (150, 9),
            ("clinic-denver", "heading"): (150, 12),
        }
    )
    with app.app_context():
        secret = create_key(db.session, "marketer", "viewer").secret
        db.session.commit()
    return secret


@pytest.mark.browser
def test_a_marketer_reads_the_results_page(chromium, live_server, two_site_results):
    context = chromium.new_context()
    outside = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(live_server)
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server}/results/?experiment=cta-heading")
    page.fill("#key", two_site_results)
    page.click("button[type=submit]")
    page.wait_for_selector("#verdict")

    verdict = page.text_content("#verdict")
    assert verdict.startswith("No winner yet: about ") and "more days at current traffic" in verdict
    rows = page.locator("#variants tbody tr")
    assert rows.count() == 2
    control = rows.nth(0).locator("td").all_text_contents()
    assert control[:4] == ["control", "450", "39", "8.7% (6.4% to 11.6%)"]  # both sites' visitors
    uplift = rows.nth(1).locator("td").nth(4).text_content()
    assert re.fullmatch(r"\+\d+\.\d% \(-\d+\.\d% to \+\d+\.\d%\)", uplift), uplift
    ticks = page.locator("#rates svg .tick").all_text_contents()
    assert ticks[0] == "0%" and len(ticks) >= 4
    assert page.locator("#rates svg text", has_text="conversion rate").count() == 1
    assert page.locator("#timeline svg polygon").count() == 1  # the sequential band
    sites = page.locator("#sites tbody tr").all_text_contents()
    assert len(sites) == 4 and sites[0].startswith("clinic-austincontrol300")
    assert page.locator("#stratified tbody tr").count() == 1
    assert errors == [] and outside == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "results-page.png"), full_page=True)
    context.close()


@pytest.mark.browser
def test_a_wrong_key_asks_again(chromium, live_server, two_site_results):
    page = chromium.new_page()
    page.goto(f"{live_server}/results/?experiment=cta-heading")
    page.fill("#key", "cms_00000000_wrong")
    page.click("button[type=submit]")
    page.wait_for_selector("#error")

    assert page.is_visible("#sign-in")
    page.close()
