"""A benchmark database of realistic size: the seed article plus generated ones, two clinic
sites with their own details, a site overlay and a running experiment.

Everything goes through the same domain functions the API and `flask seed` use (load,
publish, save a site, configure and start an experiment), so the rows are the real ones.
"""

import copy
import json
from dataclasses import dataclass

from flask import Flask
from flask_migrate import upgrade

from service.api.experiments_schemas import EXPERIMENT_EXAMPLE
from service.config import SEED_PATH
from service.content import experiments
from service.content.audit import Actor
from service.content.keys import create_key
from service.content.loading import seed_articles, validate_documents
from service.content.reviews import ReviewPolicy
from service.content.site_overlays import save_overlay
from service.content.sites import create_site
from service.extensions import db
from service.models import Site

SITES = {
    "clinic-austin": {"phone": "512-555-0100", "booking_url": "https://austin.example/book"},
    "clinic-dallas": {"phone": "214-555-0199", "booking_url": "https://dallas.example/book"},
}


@dataclass(frozen=True)
class BenchData:
    plain_slug: str  # a published article with a site overlay and no experiment
    experiment_slug: str  # a published article with a running experiment
    experiment: str
    admin_key: str  # printed nowhere: it lives only in this throwaway database


def article_documents(count: int) -> list[dict]:
    """The seed article and `count - 1` variations of it, each with its own slug and title;
    every CTA names the site's phone and booking link, as clinic articles do."""
    seed = json.loads(SEED_PATH.read_text(encoding="utf-8"))
    seed["call_to_action"].update(
        heading="Call {{site.phone}} to see if you are a candidate",
        button_label="Book a consultation",
        button_url="{{site.booking_url}}",
    )
    documents = [seed]
    for number in range(1, count):
        document = copy.deepcopy(seed)
        document["slug"] = f"{seed['slug']}-{number}"
        document["title"] = f"{seed['title']} (part {number})"
        documents.append(document)
    return validate_documents(documents)


def build(app: Flask, articles: int) -> BenchData:
    """Migrate an empty database and fill it."""
    with app.app_context():
        upgrade()
        session = db.session
        by = Actor(None, "bench")
        for key, variables in SITES.items():
            origin = f"https://{key.removeprefix('clinic-')}.example"
            site = {"key": key, "name": key, "origins": [origin], "variables": variables}
            create_site(session, site, by=by)
        session.commit()
        documents = article_documents(articles)
        for start in range(0, len(documents), 500):  # a few commits keep memory low at 10,000
            seed_articles(session, documents[start : start + 500], by=by, publish=True)
            session.commit()
        results = seed_articles(session, documents[:2], by=by, publish=False)
        plain, tested = (result.article for result in results)
        austin = session.query(Site).filter_by(key="clinic-austin").one()
        overlay = {"fields": {"summary": "Austin's spine team answers: {{site.phone}}."}}
        # (generated data: the overlay is published as saved, as without REVIEW_REQUIRED)
        save_overlay(session, austin, plain, overlay, by=by, policy=ReviewPolicy(required=False))
        experiment = experiments.create_experiment(
            session, {**EXPERIMENT_EXAMPLE, "article_id": tested.id}, by=by
        )
        experiments.transition(session, experiment, "start", by=by, policy=ReviewPolicy(required=False))
        admin = create_key(session, "bench", "admin")
        session.commit()
        return BenchData(plain.slug, tested.slug, experiment.key, admin.secret)
