"""What experiment and event tests build: a site, an experiment on the seed article, the
visitors the hash deals to a variant, and events for them."""

import uuid

from service.content.assignment import assign

EXPERIMENTS = "/v1/manage/experiments"
SITE = {"key": "clinic-austin", "name": "Renova Austin", "origins": [], "variables": {}}
DENVER = {**SITE, "key": "clinic-denver", "name": "Renova Denver"}


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


TWO_ARMS = {"control": 0.5, "heading": 0.5}


def visitors(seed, variant, count, coverage=1.0, arms=TWO_ARMS):
    """The first `count` visitor ids the hash assigns to a variant of `arms` (key: weight)."""
    index = list(arms).index(variant)
    found, n = [], 0
    while len(found) < count:
        if assign(seed, f"visitor-{n}", list(arms.values()), coverage).variant == index:
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


def post_counts(client, seed, counts, arms=TWO_ARMS):
    """Report, for each (site, variant): (exposed, converted), as distinct visitors the hash
    deals to that variant; conversions come a second after their visitor's exposure."""
    needed = {}
    for (_, variant), (exposed, _) in counts.items():
        needed[variant] = needed.get(variant, 0) + exposed
    pools = {variant: iter(visitors(seed, variant, count, arms=arms)) for variant, count in needed.items()}
    events = []
    for (site, variant), (exposed, converted) in counts.items():
        for n in range(exposed):
            visitor = next(pools[variant])
            events.append(event("exposure", visitor, variant, site=site))
            if n < converted:
                events.append(event("conversion", visitor, variant, site=site, name="booking"))
    for start in range(0, len(events), 500):
        answer = client.post("/v1/events", json={"events": events[start : start + 500]}).json
        assert answer["rejected"] == [], answer["rejected"][:3]
