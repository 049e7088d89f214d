"""What experiment and event tests build: a site, an experiment on the seed article, the
visitors the hash deals to a variant, and events for them."""

import uuid

from service.content.assignment import assign

EXPERIMENTS = "/v1/manage/experiments"
SITE = {"key": "clinic-austin", "name": "Renova Austin", "origins": [], "variables": {}}


def experiment(article_id, **changes):
    return {
        "key": "cta-heading",
        "article_id": article_id,
        "hypothesis": "A heading on the call to action gets more bookings.",
        "goal": "booking",
        "variants": [
            {"key": "control", "name": "Control", "weight": 0.5},
            {
                "key": "heading",
                "name": "With a heading",
                "weight": 0.5,
                "overlay": {"fields": {"call_to_action": {"heading": "Talk to a spine specialist"}}},
            },
        ],
        **changes,
    }


def visitors(seed, variant, count, coverage=1.0):
    """The first `count` visitor ids the hash assigns to a variant ("control" or "heading")."""
    index = ["control", "heading"].index(variant)
    found, n = [], 0
    while len(found) < count:
        if assign(seed, f"visitor-{n}", [0.5, 0.5], coverage).variant == index:
            found.append(f"visitor-{n}")
        n += 1
    return found


def event(kind, visitor, variant, **more):
    return {
        "event_id": str(uuid.uuid4()),
        "type": kind,
        "experiment": "cta-heading",
        "variant": variant,
        "visitor": visitor,
        "site": "clinic-austin",
        **more,
    }
