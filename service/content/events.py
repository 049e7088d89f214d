"""Exposure and conversion events from frontends, and the results they add up to.

A batch is checked event by event: good ones are stored (in one INSERT, re-sent event ids
ignored), bad ones are answered with their index and reason, never silently counted."""

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from psycopg.errors import DeadlockDetected, SerializationFailure
from sqlalchemy import and_, bindparam, case, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from service.config import EVENT_BATCH_ATTEMPTS, EVENT_CLOCK_SKEW_SECONDS
from service.content.experiments import variant_for
from service.content.statistics import SRM_THRESHOLD, compare, rate, rate_interval, sample_ratio_p_value
from service.models import Event, EventKind, Experiment, ExperimentStatus, Site


class Rejection(NamedTuple):
    """Why an event was not counted: a stable code (for clients and the metrics) and words."""

    code: str
    reason: str


# What PostgreSQL may refuse a batch for only because of a concurrent one: tried again.
CONCURRENCY_FAILURES = (DeadlockDetected, SerializationFailure)


def record_events(session: Session, events: dict[int, dict[str, Any]], now: datetime) -> dict[str, Any]:
    """Store the valid events of a batch (by their index in it) and commit; say how many were
    new and why others were not accepted. A batch that collides with a concurrent one is tried
    again, up to EVENT_BATCH_ATTEMPTS times: a caller never sees it."""
    attempt = 1
    while True:
        try:
            outcome = _record(session, events, now)
            session.commit()
            return outcome
        except DBAPIError as error:
            session.rollback()
            if attempt == EVENT_BATCH_ATTEMPTS or not isinstance(error.orig, CONCURRENCY_FAILURES):
                raise
            attempt += 1


def _record(session: Session, events: dict[int, dict[str, Any]], now: datetime) -> dict[str, Any]:
    names = {event["experiment"] for event in events.values()}
    experiments = {e.key: e for e in session.scalars(select(Experiment).where(Experiment.key.in_(names)))}
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
    stored = _store_new(session, rows) if rows else 0
    return {"accepted": len(rows), "stored": stored, "duplicates": len(rows) - stored, "rejected": rejected}


def _store_new(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert the rows in one statement, skipping event ids already stored; how many it inserted
    (RETURNING names them). A re-sent event (stored before, by a concurrent batch, or twice in
    this one) is counted once. Rows go in event id order, so that concurrent batches lock the
    ids they share in one order, and never deadlock each other."""
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
        parameters = None
    else:
        statement, parameters = sqlite_insert(table), ordered
    statement = statement.on_conflict_do_nothing(index_elements=["event_id"]).returning(table.c.event_id)
    return len(session.execute(statement, parameters).all())


def _reason_to_reject(
    event: dict[str, Any], experiment: Experiment | None, sites: set[str], at: datetime, latest: datetime
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
    if event["variant"] not in {v.key for v in experiment.variants}:
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
    assigned, in_experiment = variant_for(experiment, event["visitor"])
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


def results(session: Session, experiment: Experiment) -> dict[str, Any]:
    """Per variant: exposed visitors, visitors who converted after their first exposure, the
    rate, and the comparison with control; plus the sample-ratio check. Counted in SQL."""
    since = experiment.started_at
    mine = (
        and_(Event.experiment_id == experiment.id, Event.received_at >= since)
        if since
        else (Event.experiment_id == experiment.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Grouping ~a million events by visitor is fastest hashed (what the planner picks once
        # the table is analysed). Until autovacuum has analysed a freshly loaded table the
        # planner expects a few rows and sorts them instead: twice as slow (bench/, 1.2M events).
        session.execute(text("SET LOCAL work_mem = '64MB'"))
        session.execute(text("SET LOCAL enable_sort = off"))
    # One pass over the experiment's events, in the order of its covering index: per visitor
    # and variant, the first exposure and the last conversion; converted if that is after.
    per_visitor = (
        select(
            Event.variant,
            func.min(case((Event.kind == EventKind.EXPOSURE, Event.occurred_at))).label("first_seen"),
            func.max(
                case(
                    (
                        and_(Event.kind == EventKind.CONVERSION, Event.name == experiment.goal),
                        Event.occurred_at,
                    )
                )
            ).label("converted_at"),
        )
        .where(mine)
        .group_by(Event.variant, Event.visitor)
        .subquery()
    )
    converted_after = case((per_visitor.c.converted_at >= per_visitor.c.first_seen, 1))
    counts = session.execute(
        select(per_visitor.c.variant, func.count(), func.count(converted_after))
        .where(per_visitor.c.first_seen.is_not(None))
        .group_by(per_visitor.c.variant)
    ).all()
    exposed = {variant: count for variant, count, _ in counts}
    converted = {variant: count for variant, _, count in counts}
    variants = experiment.variants
    control = (exposed.get(variants[0].key, 0), converted.get(variants[0].key, 0))
    rows = []
    for variant in variants:
        counts = (exposed.get(variant.key, 0), converted.get(variant.key, 0))
        row: dict[str, Any] = {
            "variant": variant.key,
            "weight": variant.weight,
            "exposed": counts[0],
            "converted": counts[1],
            "conversion_rate": rate(counts[1], counts[0]),
            "conversion_rate_interval": rate_interval(counts[1], counts[0]),
        }
        if variant is not variants[0]:
            row.update(vars(compare(control, counts)))
        rows.append(row)
    srm = sample_ratio_p_value([row["exposed"] for row in rows], [v.weight for v in variants])
    return {
        "experiment": experiment.key,
        "goal": experiment.goal,
        "status": experiment.status,
        "variants": rows,
        "sample_ratio_p_value": srm,
        "sample_ratio_mismatch": srm is not None and srm < SRM_THRESHOLD,
    }
