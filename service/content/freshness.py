"""Delivery's in-process cache, and how every process learns that it went stale.

Delivery answers the same few articles to every visitor, so each process keeps what it
computed (serialised bodies and their ETags, each site's origins, the running experiment of
an article) in a bounded LRU cache: a repeated request, or a revalidation that ends in 304,
runs no SQL and serialises nothing.

Freshness across processes and hosts: every commit that changes delivered content also moves
one counter row, `delivery_generation`, in the same transaction. A process trusts its cache
for `freshness` seconds after it last read that counter; the next request after that reads it
again (one indexed single-row SELECT) and empties the cache if it moved. So another process's
change is served everywhere within `freshness` seconds; a change made by this process empties
its own cache at commit, so its next answer is already new.

What counts as a change is declared here (DELIVERED, PARTLY_DELIVERED; tests/test_freshness.py
classifies every mapped model, so a new one cannot be forgotten) and watched on the app's own
session only, registered by the app factory (`track_changes`): rows flushed by the unit of
work, and bulk INSERT, UPDATE and DELETE statements, which bypass it. Raw SQL text is not seen.
"""

import dataclasses
import operator
import threading
import time
import weakref
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, NamedTuple, TypeVar

from cachetools import LRUCache
from sqlalchemy import Column, Table, event, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session, scoped_session
from sqlalchemy.sql import visitors

from service.metrics import CACHE_BYTES, CACHE_EVICTIONS, CACHE_HITS, CACHE_MISSES, FRESHNESS_READS
from service.models import (
    Article,
    DeliveryGeneration,
    Experiment,
    Person,
    Revision,
    RevisionTag,
    Site,
    SiteOverlay,
    Variant,
)

# Models whose every change reaches delivery.
DELIVERED: frozenset[type] = frozenset(
    {Revision, RevisionTag, Site, SiteOverlay, Experiment, Variant, Person}
)
# Models of which only deleting a row, or changing one of these attributes, reaches delivery:
# an article's draft edits (and its version claim) do not, the choice of its published revision does.
PARTLY_DELIVERED: dict[type, tuple[str, ...]] = {Article: ("published_revision", "published_revision_id")}

CHANGED = "delivery_changed"  # Session.info flag: this transaction changed delivered content

# What Python holds around each kept value beyond its bytes: the entry, its key, the objects.
ENTRY_BYTES = 200

Value = TypeVar("Value")


def bytes_in(value: Any) -> int:
    """Roughly how many bytes a kept value holds: its bytes and text, walked through its
    dataclass fields, tuples and dicts (an answer's body above all); 8 for anything else."""
    if isinstance(value, bytes | str):
        return len(value)
    if isinstance(value, dict):
        return sum(bytes_in(key) + bytes_in(item) for key, item in value.items())
    if isinstance(value, tuple | list | frozenset | set):
        return sum(bytes_in(item) for item in value)
    if dataclasses.is_dataclass(value):
        return sum(bytes_in(getattr(value, field.name)) for field in dataclasses.fields(value))
    return 8


class Entry(NamedTuple):
    value: Any
    size: int


class CountedLRU(LRUCache):
    """cachetools' LRU, counting what it drops to make room (its one way to evict)."""

    def popitem(self) -> tuple[Hashable, Entry]:
        CACHE_EVICTIONS.inc()
        return super().popitem()


class DeliveryCache:
    """A bounded LRU of what delivery computed, valid while the generation counter holds;
    each entry counted by its bytes (`bytes_in`), key included."""

    def __init__(self, max_bytes: int, freshness: float, clock: Callable[[], float] = time.monotonic):
        self._entries: LRUCache[Hashable, Entry] = CountedLRU(
            maxsize=max_bytes, getsizeof=operator.attrgetter("size")
        )
        self._freshness = freshness
        self._clock = clock
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._checked_at = float("-inf")
        self._epoch = 0  # moves on every emptying: a value computed before it is not kept

    def get(self, session: Session, key: Hashable, compute: Callable[[], Value]) -> Value:
        """The cached value for `key`, or `compute()`'s, kept for next time. What `compute`
        raises (a 404, say) is not cached."""
        epoch, value = self.lookup(session, key)
        if value is None:
            value = compute()
            self.keep(key, value, epoch)
        return value

    def lookup(self, session: Session, key: Hashable) -> tuple[int, Any]:
        """The value for `key` or None, and the epoch to hand `keep` with what is computed
        instead: the one the session's transaction began in, since what it reads is as of
        then (a snapshot, in SQLite's WAL mode)."""
        self._revalidate(session)
        with self._lock:
            epoch = min(self._epoch, (_epochs_at_begin.get() or {}).get(id(self), self._epoch))
            entry = self._entries.get(key)
        (CACHE_MISSES if entry is None else CACHE_HITS).inc()
        return epoch, None if entry is None else entry.value

    def peek(self, *keys: Hashable) -> list[Any] | None:
        """The values for `keys`, all counted as hits, while the counter was read less than
        `freshness` seconds ago; otherwise, or if any is missing, None and nothing counted:
        the caller then looks up as usual (a session at hand, to read the counter)."""
        if self._clock() - self._checked_at >= self._freshness:
            return None
        with self._lock:
            entries = [self._entries.get(key) for key in keys]
        if None in entries:
            return None
        CACHE_HITS.inc(len(entries))
        return [entry.value for entry in entries]

    def keep(self, key: Hashable, value: Any, epoch: int) -> None:
        """Keep `value`, unless the cache was emptied since `epoch`: then it may have been
        read before the change."""
        size = ENTRY_BYTES + bytes_in(key) + bytes_in(value)
        with self._lock:
            if epoch == self._epoch and size <= self._entries.maxsize:
                before = self._entries.currsize
                self._entries[key] = Entry(value, size)
                CACHE_BYTES.inc(self._entries.currsize - before)

    def clear(self) -> None:
        """Forget everything, and read the counter again on the next request."""
        with self._lock:
            self._empty()
            self._checked_at = float("-inf")

    @property
    def epoch(self) -> int:
        return self._epoch

    @property
    def size(self) -> int:
        """Bytes held now."""
        return int(self._entries.currsize)

    def _revalidate(self, session: Session) -> None:
        if self._clock() - self._checked_at < self._freshness:
            return
        checked_at = self._clock()
        generation = session.scalar(select(DeliveryGeneration.generation).where(DeliveryGeneration.id == 1))
        FRESHNESS_READS.labels(str(generation != self._generation).lower()).inc()
        with self._lock:
            if generation != self._generation:
                self._empty()
                self._generation = generation
                # This transaction read the new generation, so all it reads is at least as new:
                # what it computes may be kept in the new epoch (the first request after a
                # change would otherwise fill nothing).
                at_begin = _epochs_at_begin.get()
                if at_begin is not None:
                    at_begin[id(self)] = self._epoch
            self._checked_at = checked_at

    def _empty(self) -> None:
        CACHE_BYTES.dec(self._entries.currsize)
        self._entries.clear()
        self._epoch += 1


def track_changes(session: scoped_session[Any], cache: DeliveryCache) -> None:
    """Make every commit of `session` (the app's) that changes delivered content move the
    counter, and empty `cache` (and this process's other caches) once it is done. Apps built
    in one process share their session (flask-sqlalchemy's): its listeners are added once."""
    _LOCAL_CACHES.add(cache)
    for name, listener in _LISTENERS:
        if not event.contains(session, name, listener):
            event.listen(session, name, listener)


_LOCAL_CACHES: "weakref.WeakSet[DeliveryCache]" = weakref.WeakSet()


def _delivered_columns(model: type, names: tuple[str, ...]) -> frozenset[Column[Any]]:
    columns = inspect(model).columns
    return frozenset(columns[name] for name in names if name in columns)


_DELIVERED_TABLES: frozenset[Table] = frozenset(inspect(model).local_table for model in DELIVERED)
_DELIVERED_COLUMNS: dict[Table, frozenset[Column[Any]]] = {
    inspect(model).local_table: _delivered_columns(model, names) for model, names in PARTLY_DELIVERED.items()
}


def _changes_delivery(session: Session) -> bool:
    if any(type(row) in DELIVERED or type(row) in PARTLY_DELIVERED for row in session.deleted):
        return True
    for row in (*session.new, *session.dirty):
        if type(row) in DELIVERED:
            return True
        names = PARTLY_DELIVERED.get(type(row), ())
        if any(inspect(row).attrs[name].history.has_changes() for name in names):
            return True
    return False


def _note_flushed_changes(session: Session, _context: Any, _instances: Any) -> None:
    if _changes_delivery(session):
        session.info[CHANGED] = True


def _note_bulk_changes(state: ORMExecuteState) -> None:
    """A bulk statement (the version claim is one) changes rows the unit of work never sees:
    it counts when it writes a delivered table, deletes from a partly delivered one, or
    names one of its delivered columns (in its clauses or its parameters)."""
    statement = state.statement
    if not statement.is_dml:
        return
    table = statement.table
    if table in _DELIVERED_TABLES:
        state.session.info[CHANGED] = True
    elif (columns := _DELIVERED_COLUMNS.get(table)) is not None:
        rows = state.parameters if isinstance(state.parameters, list) else [state.parameters or {}]
        names = {column.key for column in columns}
        if (
            state.is_delete
            or any(element in columns for element in visitors.iterate(statement))
            or any(names & row.keys() for row in rows)
        ):
            state.session.info[CHANGED] = True


def _move_generation(session: Session) -> None:
    """Last statement before COMMIT, so the counter's row lock is held for an instant and
    writers queue on it only at the very end of their transactions."""
    session.flush()
    if not session.info.get(CHANGED):
        return
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(DeliveryGeneration).values(id=1, generation=1)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["id"], set_={"generation": DeliveryGeneration.generation + 1}
        )
    )


def _empty_local_caches(session: Session) -> None:
    if session.info.pop(CHANGED, False):
        for cache in list(_LOCAL_CACHES):
            cache.clear()


# Each local cache's epoch when this thread's database transaction began (kept out of the
# session, which a request answered from the cache never opens).
_epochs_at_begin: ContextVar[dict[int, int] | None] = ContextVar("delivery_epochs_at_begin", default=None)


def _note_epochs(_session: Session, _transaction: Any, _connection: Any) -> None:
    _epochs_at_begin.set({id(cache): cache.epoch for cache in list(_LOCAL_CACHES)})


def _forget_epochs(_session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        _epochs_at_begin.set(None)


def _forget_changes(session: Session) -> None:
    if not session.in_transaction():  # (a savepoint's rollback leaves the outer changes)
        session.info.pop(CHANGED, None)


_LISTENERS: tuple[tuple[str, Callable[..., None]], ...] = (
    ("before_flush", _note_flushed_changes),
    ("do_orm_execute", _note_bulk_changes),
    ("before_commit", _move_generation),
    ("after_commit", _empty_local_caches),
    ("after_begin", _note_epochs),
    ("after_transaction_end", _forget_epochs),
    ("after_rollback", _forget_changes),
)
