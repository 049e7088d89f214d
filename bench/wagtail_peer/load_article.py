"""Put the service's seed article into the peer as an ArticlePage under the site's home page,
published; prints the page's id (the API's /api/v2/pages/<id>/)."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_site.settings")
django.setup()

from articles.models import ArticlePage  # noqa: E402  (after django.setup())
from wagtail.models import Page  # noqa: E402


def blocks(article: dict) -> list[tuple[str, dict]]:
    keep = lambda item, *names: {name: item[name] or "" for name in names}  # noqa: E731
    return [
        *(
            ("section", keep(s, "key", "heading", "body", "closing") | {"items": s["items"]})
            for s in article["sections"]
        ),
        *(
            ("condition", keep(c, "key", "name", "outlook", "summary") | {"points": c["points"]})
            for c in article["conditions"]
        ),
        *(("benefit", keep(b, "key", "title", "description")) for b in article["benefits"]),
        *(("faq", keep(f, "key", "question", "answer")) for f in article["faqs"]),
        ("call_to_action", keep(article["call_to_action"], "heading", "body")),
    ]


with open(sys.argv[1], encoding="utf-8") as file:
    article = json.load(file)
ArticlePage.objects.filter(slug=article["slug"]).delete()
home = Page.objects.get(depth=2)
page = ArticlePage(
    title=article["title"],
    slug=article["slug"],
    seo_title=article["seo"]["title"],
    search_description=article["seo"]["description"],
    summary=article["summary"],
    intro=article["intro"],
    body=blocks(article),
)
home.add_child(instance=page)
page.save_revision().publish()
print(page.id)
