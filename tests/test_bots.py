"""Bots are not visitors: a user agent the crawlerdetect list knows gets control with no
assignment, and its events are dropped and counted per experiment, never in the results."""

import pytest

from tests.experiment_factories import EXPERIMENTS, event, visitors
from tests.servers import BROWSER_USER_AGENT

ARTICLE = "/v1/sites/clinic-austin/articles/are-all-types-of-back-pain-treatable-with-stem-cells"
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
]
BROWSER = BROWSER_USER_AGENT


@pytest.mark.parametrize("agent", BOTS)
def test_a_bot_sees_control_and_is_assigned_nothing(client, running, agent):
    visitor = visitors(running["seed"], "heading", 1)[0]

    bot = client.get(f"{ARTICLE}?visitor={visitor}", headers={"User-Agent": agent})
    person = client.get(f"{ARTICLE}?visitor={visitor}", headers={"User-Agent": BROWSER})

    assert bot.status_code == 200 and "assignment" not in bot.json
    assert bot.json["call_to_action"]["heading"] is None  # control's
    assert bot.headers["Cache-Control"].startswith("private")
    assert person.json["assignment"]["variant"] == "heading"


def test_a_bots_events_are_dropped_and_counted_apart(client, auth, running):
    visitor = visitors(running["seed"], "heading", 1)[0]
    batch = {
        "events": [
            event("exposure", visitor, "heading"),
            event("conversion", visitor, "heading", name="booking"),
        ]
    }

    answer = client.post("/v1/events", json=batch, headers={"User-Agent": BOTS[0]}).json

    assert (answer["accepted"], answer["stored"], answer["bots"]) == (0, 0, 2)
    results = client.get(f"{EXPERIMENTS}/cta-heading/results", headers=auth("viewer")).json
    assert results["bot_events"] == 2
    assert [row["exposed"] for row in results["variants"]] == [0, 0]
    assert client.get(f"{EXPERIMENTS}/cta-heading", headers=auth("viewer")).json["bot_events"] == 2
    person = client.post("/v1/events", json=batch, headers={"User-Agent": BROWSER}).json
    assert (person["stored"], person["bots"]) == (2, 0)
