"""The floors that event ingestion and the results query are measured against, in the same
run: the database itself doing the same work through the same driver, with no service around
it. Ingestion's is the same rows inserted in one executemany; the results' is the same
aggregate written as one raw SQL statement on the same table."""

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, insert, text

from service.content.experiments import RunningExperiment, variant_for
from service.models import Event, EventKind

# What content.results.count_visitors asks, as one statement: per variant, site and day of
# first exposure, the visitors first exposed then, and those of them who converted after it.
# (The per-site and day-by-day analyses read the site and the day: a floor without them would
# do less work than the service must.)
RESULTS_SQL = text(
    """
    SELECT variant, site, date(first_seen), count(*),
           count(CASE WHEN converted_at >= first_seen THEN 1 END)
    FROM (
        SELECT variant,
               min(CASE WHEN kind = 'exposure' THEN site END) AS site,
               min(CASE WHEN kind = 'exposure' THEN occurred_at END) AS first_seen,
               max(CASE WHEN kind = 'conversion' AND name = :goal THEN occurred_at END) AS converted_at
        FROM events
        WHERE experiment_id = :experiment_id AND received_at >= :since
        GROUP BY variant, visitor
    ) AS per_visitor
    WHERE first_seen IS NOT NULL
    GROUP BY variant, site, date(first_seen)
    """
).bindparams(bindparam("since", type_=Event.__table__.c.received_at.type))  # stored as the model stores it


def exposure_rows(running: RunningExperiment, experiment_id: int, count: int) -> list[dict[str, Any]]:
    """`count` new exposures, each for the variant its visitor is assigned, as the API stores them."""
    now = datetime.now(UTC)
    rows = []
    for _ in range(count):
        visitor = f"f-{uuid.uuid4().hex[:12]}"
        variant, _ = variant_for(running, visitor)
        rows.append(
            {
                "event_id": str(uuid.uuid4()),
                "experiment_id": experiment_id,
                "variant": variant.key,
                "kind": EventKind.EXPOSURE,
                "name": None,
                "site": "clinic-austin",
                "visitor": visitor,
                "occurred_at": now,
                "received_at": now,
            }
        )
    return rows


def insert_seconds(engine: Engine, rows: list[dict[str, Any]]) -> float:
    """Seconds to insert `rows` in one executemany and commit."""
    with engine.connect() as connection:
        started = time.perf_counter()
        connection.execute(insert(Event), rows)
        connection.commit()
        return time.perf_counter() - started


def results_seconds(engine: Engine, experiment_id: int, goal: str, since: datetime) -> float:
    """Seconds for the results aggregate as one raw statement, rows fetched."""
    with engine.connect() as connection:
        started = time.perf_counter()
        connection.execute(RESULTS_SQL, {"goal": goal, "experiment_id": experiment_id, "since": since}).all()
        return time.perf_counter() - started
