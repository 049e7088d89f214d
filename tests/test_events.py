"""Events from frontends, POST /v1/events: each event of a batch is checked on its own, the
good ones stored once, each bad one named with its index and reason."""

import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import marshmallow as ma
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import distinct, func, insert, select, text

from service.api.events import EVENT, _quickly_loaded
from service.config import EVENT_CLOCK_SKEW_SECONDS
from service.content import events as events_use_case
from service.extensions import db
from service.models import Event, Experiment
from tests.experiment_factories import EXPERIMENTS, SITE, event, experiment, visitors
from tests.servers import BROWSER_USER_AGENT, start


def test_a_batch_stores_the_good_events_and_names_the_bad_ones(client, running):
    (seen_control,) = visitors(running["seed"], "control", 1)
    good = event("exposure", seen_control, "control")
    batch = [
        good,
        event("exposure", seen_control, "nope"),
        {"type": "exposure"},
        event("conversion", seen_control, "control", name="call"),
        event("exposure", seen_control, "heading"),
    ]

    response = client.post("/v1/events", json={"events": batch})

    assert response.status_code == 200
    body = response.json
    assert (body["accepted"], body["stored"], body["duplicates"]) == (1, 1, 0)
    assert [problem["index"] for problem in body["rejected"]] == [1, 2, 3, 4]
    codes = [problem["code"] for problem in body["rejected"]]
    assert codes == ["unknown_variant", "invalid", "wrong_goal", "wrong_variant"]
    assert "no variant 'nope'" in body["rejected"][0]["reason"]
    assert "event_id" in body["rejected"][1]["reason"]
    assert "conversions named 'booking'" in body["rejected"][2]["reason"]
    assert f"{seen_control!r} is assigned to 'control', not 'heading'" in body["rejected"][3]["reason"]

    again = client.post("/v1/events", json={"events": [good, good]}).json
    assert (again["accepted"], again["stored"], again["duplicates"]) == (2, 0, 2)


def test_events_for_an_experiment_that_is_not_running_are_rejected(client, publisher, running):
    client.post(f"{EXPERIMENTS}/cta-heading/pause", headers=publisher)
    body = client.post("/v1/events", json={"events": [event("exposure", "v1", "control")]}).json
    assert body["accepted"] == 0 and "is paused, not running" in body["rejected"][0]["reason"]
    assert client.post("/v1/events", json={"events": [event("exposure", "v", "x")] * 501}).status_code == 422


def test_a_batch_whose_experiment_vanished_after_it_was_judged_is_judged_again(client, running, monkeypatch):
    """Judged, then its experiment deleted before the insert (the id gone: the foreign key
    refuses the rows): the batch is judged again, not answered with a 500."""
    judged, judgings = events_use_case._judged, []

    def experiment_gone_the_first_time(session, events, now):
        rows, rejected = judged(session, events, now)
        judgings.append(len(rows))
        if len(judgings) == 1:
            rows = [row | {"experiment_id": 10**9} for row in rows]
        return rows, rejected

    monkeypatch.setattr(events_use_case, "_judged", experiment_gone_the_first_time)
    (visitor,) = visitors(running["seed"], "control", 1)
    response = client.post("/v1/events", json={"events": [event("exposure", visitor, "control")]})
    assert response.status_code == 200 and response.json["stored"] == 1
    assert judgings == [1, 1]


def post(client, *events):
    response = client.post("/v1/events", json={"events": list(events)})
    assert response.status_code == 200, response.json
    return response.json


@pytest.mark.parametrize("item", [5, "x", [], True, None])
def test_anything_but_an_object_in_a_batch_is_rejected_alone(client, running, item):
    (visitor,) = visitors(running["seed"], "control", 1)

    body = post(client, item, event("exposure", visitor, "control"))

    assert (body["accepted"], body["stored"]) == (1, 1)
    assert body["rejected"] == [
        {"index": 0, "event_id": None, "reason": "An event is a JSON object.", "code": "invalid"}
    ]


@pytest.mark.parametrize("character", ["\x00", "\ud800"], ids=["NUL", "lone surrogate"])
@pytest.mark.parametrize("field", ["event_id", "type", "experiment", "variant", "visitor", "site", "name"])
def test_a_character_no_database_can_store_rejects_only_its_own_event(client, running, field, character):
    first, second = visitors(running["seed"], "control", 2)
    bad = event("conversion", first, "control", name="booking")
    bad[field] += character
    good = event("conversion", second, "control", name="booking")

    body = post(client, bad, good)

    assert (body["accepted"], body["stored"]) == (1, 1)
    (rejected,) = body["rejected"]
    assert (rejected["index"], rejected["event_id"]) == (0, None if field == "event_id" else bad["event_id"])
    assert list(rejected["reason"]) == [field]
    assert any(message.startswith("Must not contain") for message in rejected["reason"][field])


def test_an_event_from_an_unknown_site_is_rejected(client, running):
    (visitor,) = visitors(running["seed"], "control", 1)

    body = post(client, event("exposure", visitor, "control", site="clinic-nowhere"))

    assert body["accepted"] == 0
    assert body["rejected"][0]["reason"] == "unknown site 'clinic-nowhere'"


def test_an_experiment_on_some_sites_takes_events_from_those_sites_only(
    client, auth, publisher, live_article, approve_variants
):
    dallas = {**SITE, "key": "clinic-dallas", "name": "Renova Dallas"}
    assert client.post("/v1/manage/sites", json=dallas, headers=auth("admin")).status_code == 201
    client.post(EXPERIMENTS, json=experiment(live_article, sites=["clinic-austin"]), headers=publisher)
    approve_variants("cta-heading")
    seed = client.post(f"{EXPERIMENTS}/cta-heading/start", headers=publisher).json["seed"]
    (visitor,) = visitors(seed, "control", 1)

    body = post(
        client,
        event("exposure", visitor, "control"),
        event("exposure", visitor, "control", site="clinic-dallas"),
        event("exposure", visitor, "control", site=None),
    )

    assert (body["accepted"], body["stored"]) == (1, 1)
    assert [problem["reason"] for problem in body["rejected"]] == [
        "experiment 'cta-heading' does not run on site 'clinic-dallas'",
        "experiment 'cta-heading' runs on some sites only: name the event's site",
    ]


def test_an_experiment_on_every_site_takes_events_that_name_none(client, running):
    (visitor,) = visitors(running["seed"], "control", 1)
    unnamed = event("exposure", visitor, "control")
    del unnamed["site"]
    assert post(client, unnamed)["stored"] == 1


def test_an_event_from_before_the_start_or_too_far_ahead_is_rejected(client, running):
    (visitor,) = visitors(running["seed"], "control", 1)
    started = datetime.fromisoformat(running["started_at"])
    now = datetime.now(UTC)
    at = {
        "before the start": started - timedelta(seconds=1),
        "at the start": started,
        "ahead within the skew": now + timedelta(seconds=EVENT_CLOCK_SKEW_SECONDS - 60),
        "too far ahead": now + timedelta(seconds=EVENT_CLOCK_SKEW_SECONDS + 60),
    }

    body = post(client, *(event("exposure", visitor, "control", at=when.isoformat()) for when in at.values()))

    assert (body["accepted"], body["stored"]) == (2, 2)
    before, ahead = body["rejected"]
    assert (before["index"], ahead["index"]) == (0, 3)
    assert before["reason"].startswith("at is before experiment 'cta-heading' started")
    assert ahead["reason"] == f"at is more than {EVENT_CLOCK_SKEW_SECONDS} s ahead of the server's clock"


def test_the_spec_documents_the_event_and_its_time_limits(client):
    spec = client.get("/openapi.json").json
    items = spec["components"]["schemas"]["Batch"]["properties"]["events"]["items"]
    assert "#/components/schemas/Event" in items["description"]
    at = spec["components"]["schemas"]["Event"]["properties"]["at"]["description"]
    assert "started" in at and f"{EVENT_CLOCK_SKEW_SECONDS} s" in at


# Values an event's fields may come as: right, nearly right, and wrong.
FIELD_VALUES = st.one_of(
    st.sampled_from(
        [
            *("exposure", "conversion", "Exposure", "booked", "bad key", "trailing-\n", "a-", "", "x" * 101),
            *("cta-heading", "named-clinic", "clinic-austin", "v-8f14e45f", "1234567", "v-\x00", "v-\ud800"),
            *("3f2b1c9e-5d4a-4e8b-9c7d-1a2b3c4d5e6f", "2026-11-26T09:31:00+00:00", "2026-11-26T09:31:00Z"),
            *("2026-11-26t09:31:00z", "2026-11-26T09:31:00", "2026-11-26T09:31:00.123456+05:30"),
            *("2026-11-26 09:31:00Z", "2026-11-26T09:31Z", "2016-12-31T23:59:60Z", "2026-02-30T10:00:00Z"),
            "9999-12-31T23:30:00-01:00",
        ]
    ),
    st.text(max_size=12),
    st.none(),
    st.integers(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
)
EVENT_NAMES = st.sampled_from(["event_id", "type", "experiment", "variant", "visitor", "site", "name", "at"])
# A well-formed event with a few of its fields changed, dropped or added.
EVENT_ITEMS = st.builds(
    lambda changed, dropped: {
        name: value
        for name, value in ({**event("exposure", "v-8f14e45f", "named-clinic"), **changed}).items()
        if name not in dropped
    },
    st.dictionaries(st.one_of(EVENT_NAMES, st.just("extra")), FIELD_VALUES, max_size=2),
    st.sets(st.one_of(st.sampled_from(["site", "name", "at"]), EVENT_NAMES), max_size=1),
)


@settings(max_examples=600, deadline=None)
@given(item=EVENT_ITEMS)
def test_an_event_the_compiled_schema_passes_is_what_the_event_schema_loads(app, item):
    """Batches are checked by the spec's Event schema, compiled: whatever it passes, EventSchema
    passes too, to the very same event (what it refuses, EventSchema explains)."""
    with app.app_context():
        quick = _quickly_loaded(item)
        if quick is not None:
            assert quick == EVENT.load(item)


def test_a_well_formed_event_takes_the_compiled_check(app):
    with app.app_context():
        timed = event("exposure", "v-1", "named-clinic", at="2026-11-26T09:31:00Z")
        for sent in (timed, event("conversion", "v-2", "named-clinic", site=None, name="booked")):
            assert _quickly_loaded(sent) == EVENT.load(sent)
        unstorable = event("exposure", "v-\x00", "named-clinic")
        with pytest.raises(ma.ValidationError):
            EVENT.load(unstorable)
        assert _quickly_loaded(unstorable) is None


# Row locks that concurrent batches wait for are PostgreSQL's: SQLite writes one at a time.
POSTGRESQL_ONLY = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="PostgreSQL's row locks; SQLite writes one transaction at a time",
)
THREADS, ROUNDS, EVENTS_PER_ROUND = 8, 6, 100


@pytest.mark.servers
@POSTGRESQL_ONLY
def test_overlapping_batches_through_two_hosts_store_each_event_once(app, running, database_url, tmp_path):
    """Eight frontends re-send the same events at once, each batch in its own order, through two
    servers: none is refused, each event is stored once, and `stored` adds up to the rows."""
    servers = [start(database_url, tmp_path / f"host-{n}.log") for n in range(2)]
    browser = {"User-Agent": BROWSER_USER_AGENT}  # httpx's own is on the bot list
    clients = [httpx.Client(base_url=servers[n % 2].url, headers=browser, timeout=10) for n in range(THREADS)]
    audience = visitors(running["seed"], "control", EVENTS_PER_ROUND)
    rounds = [
        [
            {**event("exposure", visitor, "control"), "event_id": f"round-{number}-{visitor}"}
            for visitor in audience
        ]
        for number in range(ROUNDS)
    ]
    barrier = threading.Barrier(THREADS, timeout=30)

    def frontend(number: int) -> list[httpx.Response]:
        shuffle = random.Random(number).shuffle
        answers = []
        for events in rounds:
            batch = list(events)
            shuffle(batch)
            barrier.wait()  # all eight send the round's events together
            answers.append(clients[number].post("/v1/events", json={"events": batch}))
        return answers

    try:
        with ThreadPoolExecutor(THREADS) as pool:
            answers = [answer for batch in pool.map(frontend, range(THREADS)) for answer in batch]
    finally:
        for client in clients:
            client.close()
        for server in servers:
            server.stop()

    refused = [(answer.status_code, answer.text) for answer in answers if answer.status_code != 200]
    assert refused == []
    with app.app_context():
        rows = db.session.execute(select(func.count(), func.count(distinct(Event.event_id)))).one()
    assert tuple(rows) == (ROUNDS * EVENTS_PER_ROUND,) * 2
    assert sum(answer.json()["stored"] for answer in answers) == rows[0]


WAITING_FOR_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def batch_waits() -> bool:
    """Whether a session of the test database waits for a lock (asked in a transaction of its
    own: pg_stat_activity stays as first read within one)."""
    with db.engine.connect() as watcher:
        return bool(watcher.scalar(WAITING_FOR_A_LOCK))


@POSTGRESQL_ONLY
def test_a_batch_that_deadlocks_with_another_writer_is_tried_again(app, running):
    """Another transaction holds the batch's last id and then wants its first: PostgreSQL fails
    the batch, which waited first, and the batch is tried again once the other commits."""
    (visitor,) = visitors(running["seed"], "control", 1)
    first, last = (event("exposure", visitor, "control", event_id=f"deadlock-{n}") for n in "az")
    with app.app_context(), db.engine.connect() as other:
        experiment_id = other.scalar(select(Experiment.id))

        def insert_as_other(sent: dict) -> None:
            other.execute(
                insert(Event.__table__),
                {
                    "event_id": sent["event_id"],
                    "experiment_id": experiment_id,
                    "variant": sent["variant"],
                    "kind": sent["type"],
                    "visitor": sent["visitor"],
                    "occurred_at": datetime.now(UTC),
                    "received_at": datetime.now(UTC),
                },
            )

        insert_as_other(last)
        with ThreadPoolExecutor(1) as pool:
            answer = pool.submit(app.test_client().post, "/v1/events", json={"events": [first, last]})
            deadline = time.monotonic() + 10
            while not batch_waits():
                assert time.monotonic() < deadline, "the batch never waited for the other's row"
                time.sleep(0.02)
            insert_as_other(first)  # waits for the batch, which waits for this: a deadlock
            other.commit()
            response = answer.result(timeout=30)

    assert response.status_code == 200
    assert (response.json["accepted"], response.json["stored"], response.json["duplicates"]) == (2, 0, 2)
