"""The demo clinic site (examples/clinic-site) in headless Chromium (Debian's, driven by
Playwright), against the API served by granian (deploy/web.py): each site's own details, visitors keeping
their variants, a CTA click counted as a conversion, and the docs browser's "try it out".
Screenshots go to test-artifacts/."""

import copy
import functools
import importlib.util
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from service.content.experiments import RunningExperiment, variant_for
from service.content.keys import create_key
from service.extensions import db
from service.models import Experiment
from tests.conftest import screenshot
from tests.servers import ROOT, start
from tests.test_xss import PAYLOADS, hostile, hostile_people_and_images, problems_in

SITE_DIR = ROOT / "examples" / "clinic-site"
ARTIFACTS = ROOT / "test-artifacts"


def load_demo_seed():
    spec = importlib.util.spec_from_file_location("seed_demo", SITE_DIR / "seed_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


demo = load_demo_seed()


@pytest.fixture
def site_server():
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(SITE_DIR))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def demo_api(app, database_url, published, site_server, tmp_path):
    """The API under granian, seeded as `make demo` seeds it, its sites served from site_server."""
    with app.app_context():
        secret = create_key(db.session, "demo", "admin").secret
        reviewer = create_key(db.session, "demo reviewer", "viewer", reviewer=True).secret
        db.session.commit()
    bearer = {"Authorization": f"Bearer {secret}"}
    demo.seed(app.test_client(), bearer, {"Authorization": f"Bearer {reviewer}"}, site_server)
    server = start(database_url, tmp_path / "api.log", DELIVERY_FRESHNESS_SECONDS="0.5")
    yield server.url, secret
    server.stop()


def open_article(browser, site_url, api_url, site, visitor=None):
    context = browser.new_context()
    if visitor:
        context.add_cookies([{"name": "clinic_visitor", "value": visitor, "url": site_url}])
    # Booking pages are other sites: answered here, so a CTA click lands somewhere offline.
    context.route(
        "https://*.example/**", lambda route: route.fulfill(body="booked", content_type="text/plain")
    )
    page = context.new_page()
    page.goto(f"{site_url}/?site={site}&api={api_url}")
    page.wait_for_selector("article h1")
    return context, page


@pytest.mark.browser
@pytest.mark.parametrize("site", ["clinic-austin", "clinic-denver"])
def test_each_site_renders_the_whole_article_with_its_own_details(chromium, site_server, demo_api, site):
    api_url, _ = demo_api
    name, phone, booking_url, _ = demo.CLINICS[site]
    context, page = open_article(chromium, site_server, api_url, site)
    screenshot(page, f"article-{site}")

    assert page.text_content("#clinic-name") == name
    assert page.text_content("#clinic-phone") == phone
    assert page.get_attribute("#cta", "href") == booking_url
    headings = page.locator("article h2").all_text_contents()
    assert "Frequently Asked Questions (FAQs)" in headings and len(headings) >= 7
    assert page.locator("details").count() == 6  # the FAQs, as an accordion
    assert page.locator("details[open]").count() == 0
    page.locator("details summary").first.click()
    assert page.locator("details[open]").count() == 1
    assert page.locator("h3", has_text="May respond").count() == 1
    assert page.locator("h3", has_text="May not respond").count() == 1
    assert page.locator(".benefits li").count() == 5
    jsonld = page.locator('script[type="application/ld+json"]').text_content()
    assert f"?site={site}" in jsonld and '"FAQPage"' in jsonld
    hero = page.locator("figure.hero img")
    assert hero.get_attribute("alt") == f"{name}, in white on the clinic's colours."
    assert (hero.get_attribute("width"), hero.get_attribute("height")) == ("1600", "900")
    page.wait_for_function("document.querySelector('figure.hero img').complete")
    loaded = hero.evaluate("img => [img.naturalWidth, img.currentSrc]")
    assert loaded[0] > 0 and loaded[1].endswith(".webp")  # Chromium takes the WebP source
    assert f"{api_url}/v1/media/" in loaded[1]
    byline = page.locator("article p.byline")
    assert byline.locator(".authors").text_content() == "By Dr. Maya Chen, MD, FAAPMR"
    assert byline.locator(".reviewer").text_content() == "Medically reviewed by Dr. Dana Whitfield, MD"
    assert page.locator("aside.people li > strong").all_text_contents() == [
        "Dr. Maya Chen, MD, FAAPMR",
        "Dr. Dana Whitfield, MD",
    ]
    assert page.locator("aside.people li").first.inner_html().count("<strong>without surgery</strong>") == 1
    og = dict(
        page.locator("head meta[property^='og:']").evaluate_all(
            "m => m.map(e => [e.getAttribute('property'), e.content])"
        )
    )
    assert og["og:image"].startswith(f"{api_url}/v1/media/") and httpx.get(og["og:image"]).status_code == 200
    assert (og["og:image:width"], og["og:image:height"]) == ("1600", "900")
    assert og["og:image:alt"] == f"{name}, in white on the clinic's colours."
    assert og["og:title"] and og["og:type"] == "article"
    context.close()


COMPARISON = "prp-or-hyaluronic-acid-for-knee-osteoarthritis"
AUSTIN_PRICE = {
    "children": {"comparisons": {"prp-vs-ha": {"rows": {"price": {"cells": {"prp": "$900 to $2,400"}}}}}}
}


def price_cell(page):
    return page.locator('#side-by-side tr:has-text("Typical price for a course") td').nth(1).text_content()


@pytest.mark.browser
def test_the_example_articles_render_their_tables_steps_facts_and_testimonials(
    chromium, runner, client, publish_overlay, site_server, demo_api
):
    api_url, _ = demo_api
    loaded = runner.invoke(args=["seed", *map(str, sorted((ROOT / "seed" / "examples").glob("*.json")))])
    assert loaded.exit_code == 0, loaded.output
    article_id = client.get(f"/v1/articles/{COMPARISON}").json["id"]
    assert publish_overlay("clinic-austin", article_id, AUSTIN_PRICE).status_code == 200  # Austin's own price
    context, page = open_article(chromium, site_server, api_url, "clinic-austin")

    page.goto(f"{site_server}/?site=clinic-austin&api={api_url}&article=your-first-physical-therapy-visit")
    page.wait_for_selector("article h1")
    screenshot(page, "example-first-visit")
    assert page.locator("ol.steps > li").count() == 4
    assert page.locator("ol.steps h3 small").first.text_content().strip() == "15 min"
    facts = dict(
        zip(
            page.locator(".facts dt").all_text_contents(),
            page.locator(".facts dd").all_text_contents(),
            strict=True,
        )
    )
    assert facts["First visit"] == "45 min to 1 h"
    assert facts["First visit without insurance"].startswith("$120 to $200")
    assert page.locator(".callout.warning").count() == 1
    assert page.locator(".testimonial .disclosure").text_content()  # never without it

    page.goto(f"{site_server}/?site=clinic-austin&api={api_url}&article={COMPARISON}")
    page.wait_for_selector("article h1")
    screenshot(page, "example-comparison")
    assert page.locator("#side-by-side figure.comparison table tr").count() == 13
    assert (
        page.locator("#side-by-side figure.comparison figcaption")
        .text_content()
        .startswith("PRP and hyaluronic")
    )
    assert price_cell(page) == "$900 to $2,400"  # the comparison's one cell Austin's overlay changes
    page.locator('#side-by-side sup a[href="#ref-3"]').click()
    assert page.evaluate("location.hash") == "#ref-3"
    assert "RESTORE" in page.locator("#ref-3").text_content()

    page.goto(f"{site_server}/?site=clinic-denver&api={api_url}&article={COMPARISON}")
    page.wait_for_selector("article h1")
    assert price_cell(page) == "$1,000 to $3,000"  # Denver has no overlay: the article's price
    context.close()


def visitors_in_each_variant(app) -> dict[str, str]:
    """A visitor id assigned to each variant, as the service assigns them."""
    with app.app_context():
        running = RunningExperiment.of(db.session.query(Experiment).filter_by(key="headline-and-cta").one())
    found: dict[str, str] = {}
    for number in range(200):
        visitor = f"visitor-{number}"
        found.setdefault(variant_for(running, visitor)[0].key, visitor)
    return found


@pytest.mark.browser
def test_visitors_see_their_variant_keep_it_on_reload_and_a_cta_click_counts(
    app, chromium, site_server, demo_api
):
    api_url, secret = demo_api
    contexts = []
    for variant, visitor in visitors_in_each_variant(app).items():
        context, page = open_article(chromium, site_server, api_url, "clinic-austin", visitor)
        assert page.get_attribute("article", "data-variant") == variant
        title = page.text_content("article h1")
        page.reload()
        page.wait_for_selector("article h1")
        assert page.get_attribute("article", "data-variant") == variant
        assert page.text_content("article h1") == title
        screenshot(page, f"variant-{variant}")
        with page.expect_request(lambda request: request.url.endswith("/v1/events")):
            page.click("#cta")
        contexts.append(context)  # open until the results count it: closing could cancel the request
    assert titles_differ(api_url)

    results = None
    for _ in range(150):
        results = httpx.get(
            f"{api_url}/v1/manage/experiments/headline-and-cta/results",
            headers={"Authorization": f"Bearer {secret}"},
        ).json()
        if all(row["converted"] == 1 for row in results["variants"]):
            break
        time.sleep(0.1)
    for context in contexts:
        context.close()
    assert [(row["exposed"], row["converted"]) for row in results["variants"]] == [(1, 1), (1, 1)]


@pytest.mark.browser
def test_the_demo_site_draws_no_payload(
    chromium, client, admin, create_published, reviewed_document, site_server, demo_api
):
    """Every payload of the XSS corpus (in each Markdown and text field, a person's bio and
    credentials, an image's alt, caption and credit) as the demo site draws it, and in its
    Open Graph meta: nothing in the page could run script."""
    api_url, _ = demo_api
    for number, payload in enumerate(PAYLOADS):
        named = hostile_people_and_images(client, admin, payload, key=f"hostile-{number}")
        document = hostile(copy.deepcopy(reviewed_document), payload, per_site=True) | named
        create_published({**document, "slug": f"hostile-{number}"}, headers=admin)
    context = chromium.new_context()
    page = context.new_page()
    for number, payload in enumerate(PAYLOADS):
        page.goto(f"{site_server}/?site=clinic-austin&api={api_url}&article=hostile-{number}")
        page.wait_for_selector("article p.byline")
        meta = page.locator("head meta[property^='og:']").evaluate_all("m => m.map(e => e.outerHTML)")
        drawn = page.inner_html("#article") + "".join(meta)
        assert page.locator("aside.people li").count() == 1 and page.locator("figure.hero img").count() == 1
        # (the call to action is the demo's own link to the site's booking page, in the same tab)
        assert [p for p in problems_in(drawn) if "'id': 'cta'" not in p] == [], payload
    context.close()


def titles_differ(api_url: str) -> bool:
    base = f"{api_url}/v1/sites/clinic-austin/articles/{demo.SLUG}/variants/headline-and-cta"
    return httpx.get(f"{base}/control").json()["title"] != httpx.get(f"{base}/direct").json()["title"]


@pytest.mark.browser
def test_the_docs_browser_lists_every_operation_and_tries_one_out(app, chromium, demo_api):
    api_url, _ = demo_api
    spec = httpx.get(f"{api_url}/openapi.json").json()
    operations = {
        op["operationId"] for item in spec["paths"].values() for op in item.values() if "operationId" in op
    }
    page = chromium.new_page()
    page.goto(f"{api_url}/docs")
    page.wait_for_selector(".opblock")
    page.evaluate(
        "document.querySelectorAll('.opblock-tag-section:not(.is-open) .opblock-tag').forEach(t => t.click())"
    )
    shown = {element.get_attribute("id").rsplit("-", 1)[-1] for element in page.locator(".opblock").all()}
    assert operations <= shown  # every operation of the spec, by its operationId

    operation = page.locator("#operations-Delivery-listPublishedArticles")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    page.wait_for_selector(
        "#operations-Delivery-listPublishedArticles .live-responses-table .response-col_status"
    )
    status = operation.locator(".live-responses-table .response .response-col_status").first.text_content()
    screenshot(page, "docs-try-it-out")
    assert status.strip().startswith("200")
    assert demo.SLUG in operation.locator(".live-responses-table").text_content()
    page.close()
