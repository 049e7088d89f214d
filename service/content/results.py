"""An experiment's results: visitors counted in SQL by variant, site and day of first
exposure, then analysed as a whole, per site, stratified by site, and day by day."""

import math
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select, text
from sqlalchemy.orm import Session

from service.content.analysis import (
    MIN_CONVERSIONS,
    MIN_EXPOSURES,
    Analysis,
    Difference,
    Method,
    Verdict,
    analyse,
)
from service.content.errors import InvalidDocument
from service.content.planning import PlanInput, visitors_needed
from service.content.statistics import SRM_THRESHOLD, rate, rate_interval, sample_ratio_p_value
from service.content.strata import stratified
from service.models import Event, EventKind, Experiment
from service.models.base import utcnow

# An observed uplift below this (relative) is "none yet": no days are estimated for it.
SMALLEST_EFFECT = 0.005
# (variant, site, day) -> (exposed, converted)
Counts = dict[tuple[str, str | None, str], tuple[int, int]]


def count_visitors(session: Session, experiment: Experiment) -> Counts:
    """Per variant, site and day: visitors first exposed then, and how many of them converted
    after their first exposure. A visitor counts on the site of their first exposure."""
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
    exposure = Event.kind == EventKind.EXPOSURE
    first_seen = func.min(case((exposure, Event.occurred_at)))
    converted_at = func.max(
        case((and_(Event.kind == EventKind.CONVERSION, Event.name == experiment.goal), Event.occurred_at))
    )
    # One pass over the experiment's events, in the order of its covering index: per visitor
    # and variant, the day and site of the first exposure and whether a conversion came after
    # it. Each visitor's row is only what the grouping below reads: on SQLite that grouping
    # sorts a row per visitor, and the smaller the rows the less it sorts.
    per_visitor = (
        select(
            Event.variant,
            func.min(case((exposure, Event.site))).label("site"),
            func.date(first_seen).label("day"),
            case((converted_at >= first_seen, 1)).label("converted"),
        )
        .where(mine)
        .group_by(Event.variant, Event.visitor)
        .having(first_seen.is_not(None))
        .subquery()
    )
    grouped = (per_visitor.c.variant, per_visitor.c.site, per_visitor.c.day)
    rows = session.execute(
        select(*grouped, func.count(), func.count(per_visitor.c.converted)).group_by(*grouped)
    ).all()
    return {(variant, site, _day(when)): (n, x) for variant, site, when, n, x in rows}


def _day(value: date | datetime | str) -> str:
    return value.isoformat()[:10] if isinstance(value, date | datetime) else str(value)[:10]


def results(session: Session, experiment: Experiment, analysis: Analysis) -> dict[str, Any]:
    """Everything the results API and page show for an experiment."""
    counts = count_visitors(session, experiment)
    keys = [variant.key for variant in experiment.variants]
    weights = [variant.weight for variant in experiment.variants]
    overall = comparison(_totals(counts), keys, weights, analysis)
    winner = overall.pop("winner_index")
    plan = progress(experiment, overall["variants"], analysis)
    return {
        "experiment": experiment.key,
        "goal": experiment.goal,
        "status": experiment.status,
        "analysis": analysis_settings(analysis),
        **overall,
        "winner": keys[winner] if winner is not None else None,
        "summary": summary(overall, keys[winner] if winner is not None else None, plan, analysis.difference),
        "sites": site_rows(counts, keys, weights, analysis),
        "stratified": stratified(counts, keys, analysis.alpha),
        "timeline": timeline(counts, keys, analysis),
        "plan": plan,
        "bot_events": experiment.bot_events,
    }


def progress(experiment: Experiment, rows: list[dict[str, Any]], analysis: Analysis) -> dict[str, Any] | None:
    """Visitors the experiment needs, at its own traffic so far: for its plan when it has one,
    else for the uplift observed so far. None while nothing can be said (no visitors, no
    conversions in control, no uplift)."""
    exposed = sum(row["exposed"] for row in rows)
    baseline = experiment.baseline_rate or rows[0]["conversion_rate"]
    effect = experiment.minimum_detectable_effect
    if effect is None and baseline:
        rates = [row["conversion_rate"] for row in rows[1:] if row["conversion_rate"] is not None]
        effect = max((abs(rate / baseline - 1) for rate in rates), default=None)
    if not exposed or not baseline or experiment.started_at is None:
        return None
    if effect is None or effect < SMALLEST_EFFECT or baseline * (1 + effect) >= 1:
        return None
    plan = PlanInput(
        baseline,
        effect,
        tuple(variant.weight for variant in experiment.variants),
        sequential=analysis.method != Method.FIXED,
        alpha=analysis.alpha,
        tuning=analysis.tuning,
    )
    try:
        needed = sum(visitors_needed(plan))
    except InvalidDocument:  # beyond any traffic
        return None
    elapsed = max((utcnow() - experiment.started_at).total_seconds() / 86400, 1.0)
    per_day = exposed / elapsed
    return {
        "visitors_per_arm": math.ceil(needed / len(rows)),
        "visitors_per_day": round(per_day, 2),
        "days_needed": round(needed / per_day, 1),
        "days_left": round(max(needed - exposed, 0) / per_day, 1),
    }


def summary(
    overall: dict[str, Any], winner: str | None, plan: dict[str, Any] | None, difference: Difference
) -> str:
    """The verdict in a marketer's words: a relative uplift in per cent, an absolute one (a
    difference of rates) in percentage points."""
    if winner is not None:
        row = next(row for row in overall["variants"] if row["variant"] == winner)
        low, high = row["uplift_interval"]

        def said(value: float) -> str:
            return f"{value:+.1%}" if difference == Difference.RELATIVE else f"{value * 100:+.1f} points"

        return (
            f"{winner} beats control: {said(row['uplift'])} (somewhere between {said(low)} and {said(high)})."
        )
    if overall["verdict"] == Verdict.NOT_ENOUGH_DATA:
        said = (
            f"Not enough data yet: each variant needs at least {MIN_EXPOSURES} visitors, "
            f"{MIN_CONVERSIONS} conversions and {MIN_CONVERSIONS} visitors who did not convert"
        )
    else:
        said = "No winner yet"
    if plan is None:
        return f"{said}."
    days = math.ceil(plan["days_left"])
    return f"{said}: about {days} more day{'s' if days != 1 else ''} at current traffic."


def analysis_settings(analysis: Analysis) -> dict[str, Any]:
    return {
        "method": analysis.method,
        "difference": analysis.difference,
        "alpha": analysis.alpha,
        "sequential_tuning": analysis.tuning,
        "adjustment": "holm",
        "min_exposures": MIN_EXPOSURES,
        "min_conversions": MIN_CONVERSIONS,
    }


def comparison(
    totals: dict[str, tuple[int, int]], keys: list[str], weights: list[float], analysis: Analysis
) -> dict[str, Any]:
    """The rows of one set of counts (a whole experiment, or one site), with the verdict and
    the sample-ratio check."""
    arms = [totals.get(key, (0, 0)) for key in keys]
    analysed = analyse(arms, analysis)
    rows = []
    for index, (key, weight, (exposed, converted)) in enumerate(zip(keys, weights, arms, strict=True)):
        row: dict[str, Any] = {
            "variant": key,
            "weight": weight,
            "exposed": exposed,
            "converted": converted,
            "conversion_rate": rate(converted, exposed),
            "conversion_rate_interval": rate_interval(converted, exposed),
        }
        if index:
            row.update(analysed["variants"][index - 1])
        rows.append(row)
    srm = sample_ratio_p_value([n for n, _ in arms], weights)
    return {
        "verdict": analysed["verdict"],
        "winner_index": analysed["winner_index"],
        "variants": rows,
        "sample_ratio_p_value": srm,
        "sample_ratio_mismatch": srm is not None and srm < SRM_THRESHOLD,
    }


def site_rows(
    counts: Counts, keys: list[str], weights: list[float], analysis: Analysis
) -> list[dict[str, Any]]:
    by_site = sorted({site for _, site, _ in counts}, key=lambda site: (site is None, site or ""))
    rows = []
    for site in by_site:
        row = comparison(_totals({k: v for k, v in counts.items() if k[1] == site}), keys, weights, analysis)
        winner = row.pop("winner_index")
        rows.append({"site": site, **row, "winner": keys[winner] if winner is not None else None})
    return rows


def timeline(counts: Counts, keys: list[str], analysis: Analysis) -> list[dict[str, Any]]:
    """Day by day, the cumulative counts and each variant's uplift with its interval as they
    stood that day (with the sequential default, valid on every one of them)."""
    days = sorted({day for _, _, day in counts})
    running: dict[str, list[int]] = {key: [0, 0] for key in keys}
    points = []
    for day in days:
        for (variant, _, when), (n, x) in counts.items():
            if when == day and variant in running:
                running[variant][0] += n
                running[variant][1] += x
        arms = [tuple(running[key]) for key in keys]
        analysed = analyse(arms, analysis)
        points.append(
            {
                "day": day,
                "exposed": [n for n, _ in arms],
                "converted": [x for _, x in arms],
                "uplift": [row["uplift"] for row in analysed["variants"]],
                "uplift_interval": [row["uplift_interval"] for row in analysed["variants"]],
            }
        )
    return points


def _totals(counts: Counts) -> dict[str, tuple[int, int]]:
    """Per variant, over sites and days."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (variant, _, _), (n, x) in counts.items():
        totals[variant][0] += n
        totals[variant][1] += x
    return {key: (n, x) for key, (n, x) in totals.items()}
