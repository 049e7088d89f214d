"""Demo data for the clinic site: two clinic sites with their own phone numbers, booking
links and page addresses, and an experiment on the seed article's headline and call to action,
running. Made through the management API, as an admin would; safe to run again. The admin
key it seeds with lives for the seeding only: revoked once done (or, when it is the only admin
key, left to expire ten minutes after), so running it again and again leaves no keys about.

    .venv/bin/python examples/clinic-site/seed_demo.py   (after `flask seed`; `make demo` runs it)
"""

import io
import os
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from datetime import timedelta

from service import create_app
from service.content.audit import Actor
from service.content.keys import KeyConflict, create_key, revoke_key
from service.extensions import db
from service.models.base import utcnow

SITE_ORIGIN = os.environ.get("DEMO_SITE_ORIGIN", "http://127.0.0.1:8001")
SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
CLINICS = {
    "clinic-austin": ("Renova Clinic Austin", "512-555-0100", "https://austin.example/book", "Austin"),
    "clinic-denver": ("Renova Clinic Denver", "303-555-0199", "https://denver.example/book", "Denver"),
}
# Each clinic's hero image: its name on its colours (made here, so the demo needs no photo).
COLOURS = {
    "clinic-austin": ((14, 116, 144), (165, 243, 252)),
    "clinic-denver": ((91, 33, 182), (221, 214, 254)),
}


def hero_image(key: str) -> bytes:
    """A 1600 x 900 banner: a gradient in the clinic's colours, with its name."""
    (r1, g1, b1), (r2, g2, b2) = COLOURS[key]
    image = Image.linear_gradient("L").rotate(90).resize((1600, 900))
    banner = Image.merge(
        "RGB",
        [image.point(lambda v, a=a, b=b: a + (b - a) * v // 255) for a, b in ((r1, r2), (g1, g2), (b1, b2))],
    )
    ImageDraw.Draw(banner).text(
        (80, 380), CLINICS[key][0], fill="white", font=ImageFont.load_default(size=96)
    )
    out = io.BytesIO()
    banner.save(out, "PNG")
    return out.getvalue()


# The article's author and its medical reviewer, with their credentials: each site's byline.
PEOPLE = [
    {
        "key": "dr-maya-chen",
        "name": "Dr. Maya Chen",
        "credentials": "MD, FAAPMR",
        "specialty": "Physical medicine and rehabilitation",
        "bio": "Dr. Chen treats spine and joint pain **without surgery** where she can.",
    },
    {
        "key": "dr-dana-whitfield",
        "name": "Dr. Dana Whitfield",
        "credentials": "MD",
        "specialty": "Orthopaedic surgery",
        "bio": "Dr. Whitfield reviews what our pages say about treatments and their evidence.",
    },
]
BYLINE = {"authors": ["dr-maya-chen"], "medical_reviewer": "dr-dana-whitfield"}

BOOKING_OVERLAY = {
    "fields": {
        "call_to_action": {"button_label": "Book a consultation", "button_url": "{{site.booking_url}}"}
    }
}


def sites(origin: str) -> list[dict]:
    """The two clinic sites, their pages served from `origin`."""
    return [
        {
            "key": key,
            "name": name,
            "origins": [origin],
            "page_url": f"{origin}/?site={key}&article={{slug}}",
            "variables": {"phone": phone, "booking_url": booking_url, "city": city},
        }
        for key, (name, phone, booking_url, city) in CLINICS.items()
    ]


def experiment(article_id: int) -> dict:
    return {
        "key": "headline-and-cta",
        "article_id": article_id,
        "hypothesis": "A direct question and a named clinic in the call to action get more bookings.",
        "goal": "booking",
        "variants": [
            {"key": "control", "name": "Control", "weight": 0.5},
            {
                "key": "direct",
                "name": "Direct headline, named clinic",
                "weight": 0.5,
                "overlay": {
                    "fields": {
                        "title": "Can Stem Cells Treat Your Back Pain?",
                        "call_to_action": {"button_label": "Book at the {{site.city}} clinic"},
                    }
                },
            },
        ],
    }


def seed(client, admin: dict[str, str], reviewer: dict[str, str], origin: str) -> None:
    """Make (or bring up to date) the sites and the running experiment through the API; the
    sites' overlays are approved with the `reviewer` key."""

    def call(method: str, url: str, expected: tuple[int, ...], headers=None, **kwargs):
        response = getattr(client, method)(url, headers={**admin, **(headers or {})}, **kwargs)
        if response.status_code not in expected:
            sys.exit(f"{method.upper()} {url}: {response.status_code} {response.get_data(as_text=True)}")
        return response

    def approve(review_id: int) -> None:
        approved = client.post(f"/v1/manage/reviews/{review_id}/approve", json={}, headers=reviewer)
        if approved.status_code != 200:
            sys.exit(
                f"approving review {review_id}: {approved.status_code} {approved.get_data(as_text=True)}"
            )

    for site in sites(origin):
        if call("get", f"/v1/manage/sites/{site['key']}", (200, 404)).status_code == 200:
            call("put", f"/v1/manage/sites/{site['key']}", (200,), json=site)
        else:
            call("post", "/v1/manage/sites", (201,), json=site)
    for person in PEOPLE:
        if call("get", f"/v1/manage/people/{person['key']}", (200, 404)).status_code == 404:
            call("post", "/v1/manage/people", (201,), json=person)
    article = next(a for a in call("get", "/v1/manage/articles", (200,)).json if a["slug"] == SLUG)
    for site in sites(origin):  # each clinic's own booking link, hero image and byline, reviewed
        banner = {"file": (io.BytesIO(hero_image(site["key"])), f"{site['key']}.png")}
        asset = call("post", "/v1/manage/assets", (200, 201), data=banner, content_type="multipart/form-data")
        hero = {"asset": asset.json["id"], "alt": f"{site['name']}, in white on the clinic's colours."}
        site_overlay = {"fields": {**BOOKING_OVERLAY["fields"], "hero_image": hero, **BYLINE}}
        overlay = f"/v1/manage/sites/{site['key']}/overlays/{article['id']}"
        current = call("get", overlay, (200,))
        if current.json.get("fields") != site_overlay["fields"]:
            call(
                "put",
                overlay,
                (200,),
                json=site_overlay,
                headers={"If-Match": current.headers.get("ETag", "*")},
            )
            approve(call("post", f"{overlay}/reviews", (201,), json={"note": "Booking link"}).json["id"])
            call("post", f"{overlay}/publish", (200,))
    if call("get", "/v1/manage/experiments/headline-and-cta", (200, 404)).status_code == 404:
        call("post", "/v1/manage/experiments", (201,), json=experiment(article["id"]))
        approve(call("post", "/v1/manage/experiments/headline-and-cta/reviews", (201,), json={}).json["id"])
    if call("get", "/v1/manage/experiments/headline-and-cta", (200,)).json["status"] != "running":
        call("post", "/v1/manage/experiments/headline-and-cta/start", (200,))


def main() -> None:
    app = create_app()
    with app.app_context():
        demo = create_key(db.session, "demo seed", "admin", expires_at=utcnow() + timedelta(minutes=10))
        reviewer_key = create_key(
            db.session, "demo reviewer", "viewer", reviewer=True, expires_at=utcnow() + timedelta(minutes=10)
        )
        db.session.commit()
        reviewer = {"Authorization": f"Bearer {reviewer_key.secret}"}
        seed(app.test_client(), {"Authorization": f"Bearer {demo.secret}"}, reviewer, SITE_ORIGIN)
        try:
            revoke_key(db.session, reviewer_key.key, by=Actor(None, "make demo"))
            revoke_key(db.session, demo.key, by=Actor(None, "make demo"))
            db.session.commit()
        except KeyConflict:  # the only admin key: it expires by itself
            db.session.rollback()
    print(f"demo: sites {', '.join(CLINICS)}; experiment headline-and-cta running on {SLUG}")
    print(f"open {SITE_ORIGIN}/?site=clinic-austin or {SITE_ORIGIN}/?site=clinic-denver")


if __name__ == "__main__":
    main()
