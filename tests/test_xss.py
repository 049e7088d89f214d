"""Hostile content: a corpus of XSS payloads in every Markdown field and in a site's
variables goes through create, publish and delivery; none survives in any HTML the API
returns, sanitising twice changes nothing, and links get a safe rel."""

import copy
import re
from html.parser import HTMLParser

import pytest

from service.config import MAX_CELL_LENGTH
from service.content.document import MARKDOWN_FIELDS
from service.content.markdown import render_markdown, sanitise
from service.models.lengths import NAME_LENGTH
from tests.media_factories import photo, upload
from tests.walk import members

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    "<details open ontoggle=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<scr<script>ipt>alert(1)</script>",
    '"><script>alert(1)</script>',
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](https://a.example/x.png" onerror="alert(1))',
    '[x](https://a.example "t\\" onmouseover=alert(1) x=\\"")',
    "<javascript:alert(1)>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[ok](https://clinic.example/book)",
    # What issue 16's Markdown added: tables, strikethrough, citations, nested headings.
    "| <script>alert(1)</script> | [x](javascript:alert(1)) |\n|:--|--:|\n"
    "| <img src=x onerror=alert(1)> | ~~<svg onload=alert(1)>~~ |",
    "# <script>alert(1)</script>\n###### [x](javascript:alert(1))",
    "Cited.[^1]\n\n[^1]: javascript:alert(1)",
    "Cited.[^1] ^[<script>alert(1)</script>]",
]
SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")
SITE = {
    "key": "clinic-austin",
    "name": "Austin",
    "variables": {"phone": "<img src=x onerror=alert(1)>", "booking_url": "javascript:alert(1)"},
}


def scheme_of(url: str) -> str | None:
    """The scheme a browser sees (WHATWG URL parsing): C0 controls and spaces trimmed, tabs and
    newlines removed anywhere, then letters, digits, + - . before the first colon."""
    cleaned = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(33)))))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return match.group(1).lower() + ":" if match else None


class Inspector(HTMLParser):
    """Everything in a piece of HTML that could run script or leak the opener."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "svg", "math", "style", "object", "embed", "form", "base"):
            self.problems.append(f"<{tag}>")
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.problems.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "xlink:href") and value is not None:
                scheme = scheme_of(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    self.problems.append(f"{tag}[{name}={value}]")
        if tag == "a" and "href" in values:
            rel = set((values.get("rel") or "").split())
            if not {"noopener", "noreferrer"} <= rel:
                self.problems.append(f"<a> without a safe rel: {values}")


def is_html(name: str, value) -> bool:
    return name.endswith("_html") and isinstance(value, str)


def problems_in(fragment: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(fragment)
    inspector.close()
    return inspector.problems


def hostile(document: dict, payload: str, per_site: bool) -> dict:
    """The document with `payload` in every Markdown field; per site, also the site's phone
    and booking link (its variables) filled in."""
    phone = " and {{site.phone}}" if per_site else ""
    document["steps"] = [{"key": "hostile", "title": payload[:300], "body": payload}]
    document["callouts"] = [{"key": "hostile", "kind": "warning", "title": payload[:300], "body": payload}]
    document["facts"] = [
        {"key": "hostile", "label": payload[:300], "kind": "sessions", "min_count": 1, "note": payload}
    ]
    line = " ".join(payload.splitlines())[:MAX_CELL_LENGTH]  # a table's cells are of one line
    document["comparisons"] = [
        {
            "key": "hostile",
            "caption": payload[:300],
            "criteria": {"label": line[:300], "align": "left"},
            "columns": [{"key": "a", "label": line[:300]}, {"key": "b", "label": "B", "align": "right"}],
            "rows": [{"key": "r", "label": line[:300], "cells": {"a": line, "b": f"{line}[^1]"}}],
        }
    ]
    document["testimonials"] = [  # plain text, sent as JSON strings: a page writes them as text
        {
            "key": "hostile",
            "quote": payload,
            "attribution": payload[:300],
            "consent_date": "2026-10-14",
            "consent_form": "written",
            "disclosure": payload,
        }
    ]
    for part, names in MARKDOWN_FIELDS.items():
        targets = [document] if part is None else document[part]
        targets = [targets] if isinstance(targets, dict) else targets
        for target in targets:
            for name in names:
                target[name] = f"Intro {payload}{phone}"
    for reference in document["references"]:  # its title is a citation's title attribute
        reference["title"] = payload
    if per_site:
        document["call_to_action"]["button_url"] = "{{site.booking_url}}"
    else:
        document["slug"] += "-everywhere"
    return document


def hostile_people_and_images(client, admin, payload: str, key: str = "hostile") -> dict:
    """A person (`key`) whose every field is `payload` (the bio is Markdown, its photo described
    by it), and an image whose alt text, caption and credit are: the document fields naming them."""
    asset = upload(client, admin, photo((600, 400))).json["id"]
    image = {"asset": asset, "alt": payload[:300], "caption": payload[:300], "credit": payload[:300]}
    person = {
        "key": key,
        "name": payload[:NAME_LENGTH],
        "credentials": f"MD, {payload}"[:300],  # (a reviewer has credentials: the guardrails see MD)
        "specialty": payload[:300],
        "bio": payload,
        "photo": image,
    }
    created = client.post("/v1/manage/people", json=person, headers=admin)
    assert created.status_code == 201, created.json
    return {"authors": [key], "medical_reviewer": key, "hero_image": image, "social_image": image}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives_create_publish_and_delivery(
    client, admin, create_published, reviewed_document, payload
):
    assert client.post("/v1/manage/sites", json=SITE, headers=admin).status_code == 201
    slug = reviewed_document["slug"]
    named = hostile_people_and_images(client, admin, payload)
    for per_site in (True, False):
        document = hostile(copy.deepcopy(reviewed_document), payload, per_site) | named
        create_published(document, headers=admin)

    delivered = [
        client.get(f"/v1/sites/clinic-austin/articles/{slug}"),
        client.get(f"/v1/articles/{slug}-everywhere"),
    ]
    fragments = [fragment for response in delivered for fragment in members(response.json, is_html)]

    assert all(response.status_code == 200 for response in delivered)
    assert all(response.json["people"][0]["bio_html"] is not None for response in delivered)
    assert len(fragments) > 20  # every Markdown field of both answers was looked at
    for fragment in fragments:
        assert problems_in(fragment) == [], fragment
    button_url = delivered[0].json["call_to_action"]["button_url"]  # the site's booking_url
    assert button_url is None or scheme_of(button_url) in SAFE_SCHEMES


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitising_twice_changes_nothing(payload):
    once = render_markdown(payload)

    assert sanitise(once) == once
    assert sanitise(sanitise(payload)) == sanitise(payload)


def test_the_inspector_sees_what_it_looks_for():
    """The checks above could only pass vacuously if this failed."""
    assert problems_in('<a href="javascript:alert(1)">x</a>')
    assert problems_in('<a href="https://ok.example">x</a>')  # no rel
    assert problems_in("<img src=x onerror=alert(1)>")
    assert problems_in('<a href=" java&#9;script:alert(1)" rel="noopener noreferrer">x</a>')
    assert problems_in("<script>alert(1)</script>")
    assert not problems_in('<a href="https://ok.example" rel="noopener noreferrer">x</a>')


def test_links_keep_working_and_open_safely():
    rendered = render_markdown("[Book](https://clinic.example/book) or [call](tel:+15125550100)")

    assert 'href="https://clinic.example/book"' in rendered and 'href="tel:+15125550100"' in rendered
    assert rendered.count('rel="noopener noreferrer"') == 2


@pytest.mark.browser
def test_the_review_desk_draws_no_payload(
    client, chromium, live_server, admin, editor, reviewer, create_draft, reviewed_document
):
    """Every payload as the review desk draws the version in review (text as text, HTML only
    the API's sanitised *_html): nothing in the page could run script."""
    client.post("/v1/manage/sites", json=SITE, headers=admin)
    reviews = []
    for number, payload in enumerate(PAYLOADS):
        named = hostile_people_and_images(client, admin, payload, key=f"hostile-{number}")
        document = hostile(copy.deepcopy(reviewed_document), payload, per_site=True) | named
        url = create_draft({**document, "slug": f"hostile-{number}"}).url
        submitted = client.post(f"{url}/reviews", json={}, headers={**editor, "If-Match": "*"})
        assert submitted.status_code == 201, submitted.json
        reviews.append(submitted.json["id"])

    page = chromium.new_page()
    page.goto(f"{live_server}/desk")
    page.fill("#key", reviewer["Authorization"].removeprefix("Bearer "))
    page.click("#use-key")
    for review, payload in zip(reviews, PAYLOADS, strict=True):
        page.click(f"#queue button[data-review='{review}']")
        page.wait_for_selector(f"#review[data-review='{review}'] #article [data-path='steps.hostile']")
        drawn = "".join(page.inner_html(part) for part in ("#article", "#findings", "#renditions"))
        assert problems_in(drawn) == [], payload
    page.close()
