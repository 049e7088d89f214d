"""Demo data for the clinic site: two clinic sites with their own phone numbers, booking
links and page addresses, and an experiment on the seed article's headline and call to action,
running. Made through the management API, as an admin would; safe to run again.

    .venv/bin/python examples/clinic-site/seed_demo.py   (after `flask seed`; `make demo` runs it)
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from service import create_app
from service.content.keys import create_key
from service.extensions import db

SITE_ORIGIN = os.environ.get("DEMO_SITE_ORIGIN", "http://127.0.0.1:8001")
SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
SITES = [
    {
        "key": "clinic-austin",
        "name": "Renova Clinic Austin",
        "origins": [SITE_ORIGIN],
        "page_url": f"{SITE_ORIGIN}/?site=clinic-austin&article={{slug}}",
        "variables": {
            "phone": "512-555-0100",
            "booking_url": "https://austin.example/book",
            "city": "Austin",
        },
    },
    {
        "key": "clinic-denver",
        "name": "Renova Clinic Denver",
        "origins": [SITE_ORIGIN],
        "page_url": f"{SITE_ORIGIN}/?site=clinic-denver&article={{slug}}",
        "variables": {
            "phone": "303-555-0199",
            "booking_url": "https://denver.example/book",
            "city": "Denver",
        },
    },
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


def main() -> None:
    app = create_app()
    with app.app_context():
        admin = {"Authorization": f"Bearer {create_key(db.session, 'demo seed', 'admin').secret}"}
        db.session.commit()
    client = app.test_client()

    def call(method: str, url: str, expected: tuple[int, ...], **kwargs):
        response = getattr(client, method)(url, headers=admin, **kwargs)
        if response.status_code not in expected:
            sys.exit(f"{method.upper()} {url}: {response.status_code} {response.get_data(as_text=True)}")
        return response

    for site in SITES:
        exists = call("get", f"/v1/manage/sites/{site['key']}", (200, 404)).status_code == 200
        if exists:
            call("put", f"/v1/manage/sites/{site['key']}", (200,), json=site)
        else:
            call("post", "/v1/manage/sites", (201,), json=site)
    article = next(a for a in call("get", "/v1/manage/articles", (200,)).json if a["slug"] == SLUG)
    if call("get", "/v1/manage/experiments/headline-and-cta", (200, 404)).status_code == 404:
        call("post", "/v1/manage/experiments", (201,), json=experiment(article["id"]))
    if call("get", "/v1/manage/experiments/headline-and-cta", (200,)).json["status"] != "running":
        call("post", "/v1/manage/experiments/headline-and-cta/start", (200,))
    print(f"demo: sites {', '.join(s['key'] for s in SITES)}; experiment headline-and-cta running on {SLUG}")
    print(f"open {SITE_ORIGIN}/?site=clinic-austin or {SITE_ORIGIN}/?site=clinic-denver")


if __name__ == "__main__":
    main()
