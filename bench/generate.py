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

from service.api.experiments import EXPERIMENT_EXAMPLE
from service.config import SEED_PATH
from service.content import experiments
from service.content.keys import create_key
from service.content.loading import load_articles, validate_documents
from service.content.sites import save_site, set_overlay
from service.extensions import db
from service.models import Experiment, Site

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
        for key, variables in SITES.items():
            origin = f"https://{key.removeprefix('clinic-')}.example"
            save_site(session, Site(), {"key": key, "name": key, "origins": [origin], "variables": variables})
        session.commit()
        documents = article_documents(articles)
        for start in range(0, len(documents), 500):  # a few commits keep memory low at 10,000
            load_articles(session, documents[start : start + 500], publish=True, by="bench")
            session.commit()
        results = load_articles(session, documents[:2], publish=False)
        plain, tested = (result.article for result in results)
        austin = session.query(Site).filter_by(key="clinic-austin").one()
        overlay = {"fields": {"summary": "Austin's spine team answers: {{site.phone}}."}}
        set_overlay(session, austin, plain.id, documents[0], overlay)
        experiment = Experiment(seed=EXPERIMENT_EXAMPLE["key"])
        experiments.configure(experiment, {**EXPERIMENT_EXAMPLE, "article_id": tested.id})
        session.add(experiment)
        session.flush()
        experiments.transition(session, experiment, "start")
        admin = create_key(session, "bench", "admin")
        session.commit()
        return BenchData(plain.slug, tested.slug, experiment.key, admin.secret)
