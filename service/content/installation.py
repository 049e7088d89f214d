"""Moving a whole installation: everything the service holds, as one JSON document, into an
empty database of either kind (SQLite or PostgreSQL). Rows go table by table, ids kept, so
history, reviews, overlays with their versions, experiments with their phases and variants'
versions, schedules, releases, webhooks, media (its bytes in base64) and the audit log arrive
as they were, and delivery (whose bodies and ETags are stored with each revision) answers
byte for byte the same.

Left out, on purpose: secrets (an API key's hash, a webhook's signing secret: keys arrive
unusable, webhooks with a new secret; issue new keys), visitors' events, the webhook outbox's
bookkeeping and delivery's change counter. The acts: export_installation, import_installation."""

import base64
import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, LargeBinary, Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from service.models import Base
from service.models.base import UTCDateTime

FORMAT = "cms-installation/1"
LEFT_OUT = frozenset({"events", "webhook_deliveries", "webhook_attempts", "delivery_generation"})
# Columns exported as null (a secret), and what an import writes in their place: a hash no
# key has (the key cannot be used), a new signing secret.
SECRETS = {
    ("api_keys", "secret_hash"): lambda: "",
    ("webhooks", "secret"): lambda: f"whsec_{secrets.token_urlsafe(32)}",
}


class NotEmpty(Exception):
    """An installation is imported into an empty database only."""


def _tables() -> list[Table]:
    return [table for table in Base.metadata.sorted_tables if table.name not in LEFT_OUT]


def _is_time(column: Any) -> bool:
    return isinstance(column.type, DateTime | UTCDateTime)


def _dumped(table: Table, row: Any) -> dict[str, Any]:
    values = {}
    for column in table.columns:
        value = None if (table.name, column.name) in SECRETS else row[column.name]
        if isinstance(value, date):  # (datetimes too)
            value = value.isoformat()
        elif isinstance(value, bytes):  # (stored images)
            value = base64.b64encode(value).decode()
        values[str(column.name)] = value
    return values


def export_installation(session: Session) -> dict[str, Any]:
    """Every table's rows, by primary key: the same installation always exports the same."""
    tables = {}
    for table in _tables():
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        tables[str(table.name)] = [_dumped(table, row) for row in rows]  # (str: orjson refuses subclasses)
    return {"format": FORMAT, "tables": tables}


def _deferred(table: Table) -> list[str]:
    """Columns pointing at a table filled later (an article's published revision)."""
    return [column.name for column in table.columns for key in column.foreign_keys if key.use_alter]


def _loaded(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """A row as exported, ready to insert: times parsed, secrets made anew."""
    values = {}
    for column in table.columns:
        value = row.get(column.name)
        if (table.name, column.name) in SECRETS:
            value = SECRETS[(table.name, column.name)]()
        elif value is not None and _is_time(column):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        elif value is not None and isinstance(column.type, LargeBinary):
            value = base64.b64decode(value)
        values[column.name] = value
    return values


def import_installation(session: Session, exported: dict[str, Any]) -> dict[str, int]:
    """Load an export into this empty database: rows per table."""
    if exported.get("format") != FORMAT:
        raise ValueError(f"not an installation export ({FORMAT})")
    tables = _tables()
    if any(session.scalar(select(func.count()).select_from(table)) for table in tables):
        raise NotEmpty("the database already holds content: import an installation into an empty one")
    counts, later = {}, []
    for table in tables:
        deferred = _deferred(table)
        loaded = [_loaded(table, row) for row in exported["tables"].get(table.name, [])]
        for values in loaded:
            # Set once the table it points at is filled, with what an UPDATE would move on by
            # itself (updated_at) kept as it was.
            kept = {c.name: values[c.name] for c in table.columns if c.onupdate is not None}
            later += [
                (table, values["id"], {name: values[name], **kept}) for name in deferred if values[name]
            ]
        if loaded:
            session.execute(insert(table), [{**values, **dict.fromkeys(deferred)} for values in loaded])
        counts[table.name] = len(loaded)
    for table, row_id, values in later:
        session.execute(update(table).where(table.c.id == row_id).values(values))
    _restart_sequences(session, tables)
    return counts


def _restart_sequences(session: Session, tables: list[Table]) -> None:
    """PostgreSQL's id sequences go on after the ids imported (SQLite's do by themselves)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.columns:
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
