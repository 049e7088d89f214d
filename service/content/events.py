"""Exposure and conversion events from frontends (their results: content.results).

A batch is checked event by event: good ones are stored (in one INSERT, re-sent event ids
ignored), bad ones are answered with their index and reason, never silently counted."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from psycopg.errors import DeadlockDetected, SerializationFailure
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from service.config import EVENT_BATCH_ATTEMPTS, EVENT_CLOCK_SKEW_SECONDS
from service.content.experiments import RunningExperiment, variant_for
from service.content.transactions import reading_first
from service.models import Event, EventKind, Experiment, ExperimentStatus, Site


class Rejection(NamedTuple):
    """Why an event was not counted: a stable code (for clients and the metrics) and words."""

    code: str
    reason: str


# What PostgreSQL may refuse a batch for only because of a concurrent one: tried again.
CONCURRENCY_FAILURES = (DeadlockDetected, SerializationFailure)


def record_events(session: Session, events: dict[int, dict[str, Any]], now: datetime) -> dict[str, Any]:
    """Store the valid events of a batch (by their index in it) and commit; say how many were
    new and why others were not accepted. The batch is judged in a transaction of its own, so
    that on SQLite the write lock, which every other batch waits for, is held only for the
    insert (an experiment stopped meanwhile gets the batch's events, as on PostgreSQL, where
    the judging never locked it). A batch that collides with a concurrent one, or whose
    experiment was deleted after it was judged, is judged and tried again, up to
    EVENT_BATCH_ATTEMPTS times: a caller never sees it."""
    attempt = 1
    while True:
        with reading_first(session):
            rows, rejected = _judged(session, events, now)
        try:
            stored = _store_new(session, rows) if rows else 0
            session.commit()
            return {
                "accepted": len(rows),
                "stored": stored,
                "duplicates": len(rows) - stored,
                "rejected": rejected,
            }
        except DBAPIError as error:
            session.rollback()
            # (an IntegrityError here is a foreign key's: a re-sent event id is skipped, not refused)
            retried = isinstance(error, IntegrityError) or isinstance(error.orig, CONCURRENCY_FAILURES)
            if attempt == EVENT_BATCH_ATTEMPTS or not retried:
                raise
            attempt += 1


def _judged(
    session: Session, events: dict[int, dict[str, Any]], now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows to store, and the events refused with their reasons."""
    names = {event["experiment"] for event in events.values()}
    experiments = {
        e.key: _Judge.of(e) for e in session.scalars(select(Experiment).where(Experiment.key.in_(names)))
    }
    named_sites = {event["site"] for event in events.values()} - {None}
    sites = set(session.scalars(select(Site.key).where(Site.key.in_(named_sites)))) if named_sites else set()
    latest = now + timedelta(seconds=EVENT_CLOCK_SKEW_SECONDS)
    rows, rejected = [], []
    for index, event in events.items():
        occurred_at = event.get("at") or now
        refusal = _reason_to_reject(event, experiments.get(event["experiment"]), sites, occurred_at, latest)
        if refusal:
            rejected.append(
                {
                    "index": index,
                    "event_id": event["event_id"],
                    "reason": refusal.reason,
                    "code": refusal.code,
                }
            )
            continue
        rows.append(
            {
                "event_id": event["event_id"],
                "experiment_id": experiments[event["experiment"]].id,
                "variant": event["variant"],
                "kind": event["type"],
                "name": event.get("name"),
                "site": event.get("site"),
                "visitor": event["visitor"],
                "occurred_at": occurred_at,
                "received_at": now,
            }
        )
    return rows, rejected


def _store_new(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert the rows in one statement, skipping event ids already stored; how many it
    inserted (RETURNING names them; on SQLite, the row count). A re-sent
    event (stored before, by a concurrent batch, or twice in this one) is counted once. Rows go
    in event id order, so that concurrent batches lock the ids they share in one order, and
    never deadlock each other."""
    unique: dict[str, dict[str, Any]] = {}
    for row in rows:
        unique.setdefault(row["event_id"], row)
    ordered = [unique[event_id] for event_id in sorted(unique)]
    # The table, not the ORM's bulk insert: that leaves out each row's None columns, and so
    # splits a batch mixing exposures and conversions into a statement per run of alike rows.
    table = Event.__table__
    if session.get_bind().dialect.name == "postgresql":
        # One array parameter per column, unnested in order: a short statement. A VALUES list
        # of 500 rows is 4,500 parameters that psycopg parses anew for every batch, which took
        # the insert from 12 to 31 ms (measured on 500 events).
        columns = list(ordered[0])
        values = select(
            *(
                func.unnest(bindparam(name, [row[name] for row in ordered], type_=ARRAY(table.c[name].type)))
                for name in columns
            )
        )
        statement = postgresql_insert(table).from_select(columns, values)
        statement = statement.on_conflict_do_nothing(index_elements=["event_id"]).returning(table.c.event_id)
        return len(session.execute(statement).all())  # (psycopg gives no row count here)
    else:
        # One prepared row statement run for every row (the driver's executemany), as the
        # floor inserts: RETURNING would make SQLAlchemy render and bind a 500-row VALUES list.
        statement, parameters = sqlite_insert(table), ordered
    statement = statement.on_conflict_do_nothing(index_elements=["event_id"])
    return session.execute(statement, parameters).rowcount  # (an executemany's: summed)


@dataclass(frozen=True)
class _Judge:
    """What judging an event against its experiment reads, read off the experiment once per
    batch: an ORM attribute costs more than the check that reads it, 500 times over."""

    id: int
    key: str
    status: ExperimentStatus
    sites: frozenset[str]
    variant_keys: frozenset[str]
    goal: str
    started_at: datetime | None
    running: RunningExperiment

    @classmethod
    def of(cls, experiment: Experiment) -> "_Judge":
        return cls(
            experiment.id,
            experiment.key,
            experiment.status,
            frozenset(experiment.sites),
            frozenset(variant.key for variant in experiment.variants),
            experiment.goal,
            experiment.started_at,
            RunningExperiment.of(experiment),
        )


def _reason_to_reject(
    event: dict[str, Any], experiment: _Judge | None, sites: set[str], at: datetime, latest: datetime
) -> Rejection | None:
    """Why the event cannot count in its experiment's results, if it cannot. `sites`: the
    known ones among those the batch names."""
    if experiment is None:
        return Rejection("unknown_experiment", f"unknown experiment {event['experiment']!r}")
    if experiment.status != ExperimentStatus.RUNNING:
        return Rejection("not_running", f"experiment {experiment.key!r} is {experiment.status}, not running")
    site = event.get("site")
    if site is not None and site not in sites:
        return Rejection("unknown_site", f"unknown site {site!r}")
    if experiment.sites and site is None:
        return Rejection(
            "site_required", f"experiment {experiment.key!r} runs on some sites only: name the event's site"
        )
    if experiment.sites and site not in experiment.sites:
        return Rejection("wrong_site", f"experiment {experiment.key!r} does not run on site {site!r}")
    if event["variant"] not in experiment.variant_keys:
        return Rejection(
            "unknown_variant", f"experiment {experiment.key!r} has no variant {event['variant']!r}"
        )
    if event["type"] == EventKind.CONVERSION and event.get("name") != experiment.goal:
        return Rejection(
            "wrong_goal", f"experiment {experiment.key!r} counts conversions named {experiment.goal!r}"
        )
    # Results count one run of the experiment; what a frontend's clock puts in the future
    # (beyond a little skew) would count before it happened.
    if at < experiment.started_at:
        return Rejection(
            "before_start",
            f"at is before experiment {experiment.key!r} started ({experiment.started_at.isoformat()})",
        )
    if at > latest:
        return Rejection(
            "in_future", f"at is more than {EVENT_CLOCK_SKEW_SECONDS} s ahead of the server's clock"
        )
    # Assignment is deterministic, so the server knows what each visitor saw: an event for
    # another variant, or from outside the coverage, would only bend the results.
    assigned, in_experiment = variant_for(experiment.running, event["visitor"])
    if not in_experiment:
        return Rejection(
            "outside_coverage", f"visitor {event['visitor']!r} is outside the experiment's coverage"
        )
    if assigned.key != event["variant"]:
        return Rejection(
            "wrong_variant",
            f"visitor {event['visitor']!r} is assigned to {assigned.key!r}, not {event['variant']!r}",
        )
    return None


def count_bot_events(session: Session, events: dict[int, dict[str, Any]]) -> int:
    """Count a bot's valid events against the experiments they name, store none of them, and
    commit; how many were dropped."""
    per_experiment: dict[str, int] = {}
    for event in events.values():
        per_experiment[event["experiment"]] = per_experiment.get(event["experiment"], 0) + 1
    for key, count in sorted(per_experiment.items()):
        session.execute(
            update(Experiment).where(Experiment.key == key).values(bot_events=Experiment.bot_events + count)
        )
    session.commit()
    return len(events)
