"""Exposure and conversion events from frontends, and the results they add up to.

A batch is checked event by event: good ones are stored (in one INSERT, re-sent event ids
ignored), bad ones are answered with their index and reason, never silently counted."""

from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service.content.experiments import variant_for
from service.content.statistics import SRM_THRESHOLD, compare, rate, rate_interval, sample_ratio_p_value
from service.models import Event, Experiment

KINDS = ("exposure", "conversion")


def _store_new(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert in one statement the rows whose event id is new; how many that was. A re-sent
    event (already stored, or twice in this batch) is counted once."""
    unique: dict[str, dict[str, Any]] = {}
    for row in rows:
        unique.setdefault(row["event_id"], row)
    seen = set(session.scalars(select(Event.event_id).where(Event.event_id.in_(list(unique)))))
    new = [row for event_id, row in unique.items() if event_id not in seen]
    if new:
        dialect = session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        # A concurrent batch may store the same id between our check and this insert.
        session.execute(insert(Event).on_conflict_do_nothing(index_elements=["event_id"]), new)
    return len(new)


def record_events(session: Session, events: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """Store the valid events of a batch; say which were accepted and why others were not."""
    keys = {event["experiment"] for event in events}
    experiments = {e.key: e for e in session.scalars(select(Experiment).where(Experiment.key.in_(keys)))}
    rows, rejected = [], []
    for index, event in enumerate(events):
        reason = _reason_to_reject(event, experiments.get(event["experiment"]))
        if reason:
            rejected.append({"index": index, "event_id": event["event_id"], "reason": reason})
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
                "occurred_at": event.get("at") or now,
                "received_at": now,
            }
        )
    stored = _store_new(session, rows) if rows else 0
    return {"accepted": len(rows), "stored": stored, "duplicates": len(rows) - stored, "rejected": rejected}


def _reason_to_reject(event: dict[str, Any], experiment: Experiment | None) -> str | None:
    if experiment is None:
        return f"unknown experiment {event['experiment']!r}"
    if experiment.status != "running":
        return f"experiment {experiment.key!r} is {experiment.status}, not running"
    if event["variant"] not in {v.key for v in experiment.variants}:
        return f"experiment {experiment.key!r} has no variant {event['variant']!r}"
    if event["type"] == "conversion" and event.get("name") != experiment.goal:
        return f"experiment {experiment.key!r} counts conversions named {experiment.goal!r}"
    # Assignment is deterministic, so the server knows what each visitor saw: an event for
    # another variant, or from outside the coverage, would only bend the results.
    assigned, in_experiment = variant_for(experiment, event["visitor"])
    if not in_experiment:
        return f"visitor {event['visitor']!r} is outside the experiment's coverage"
    if assigned.key != event["variant"]:
        return f"visitor {event['visitor']!r} is assigned to {assigned.key!r}, not {event['variant']!r}"
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
            func.min(case((Event.kind == "exposure", Event.occurred_at))).label("first_seen"),
            func.max(
                case((and_(Event.kind == "conversion", Event.name == experiment.goal), Event.occurred_at))
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
