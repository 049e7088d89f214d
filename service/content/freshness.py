"""Delivery's in-process cache, and how every process learns that it went stale.

Delivery answers the same few articles to every visitor, so each process keeps what it
computed (serialised bodies and their ETags, each site's origins, the running experiment of
an article) in a bounded LRU cache: a repeated request, or a revalidation that ends in 304,
runs no SQL and serialises nothing.

Freshness across processes and hosts: every commit that changes delivered content (a
revision, an article's live revision, a site, an overlay, an experiment or its variants)
also moves one counter row, `delivery_generation`, in the same transaction. A process
trusts its cache for `freshness` seconds after it last read that counter; the next request
after that reads it again (one indexed single-row SELECT) and empties the cache if it moved.
So another process's change is served everywhere within `freshness` seconds; a change made
by this process empties its own cache at commit, so its next answer is already new.
"""

import threading
import time
import weakref
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar

from cachetools import LRUCache
from sqlalchemy import event, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service.models import (
    Article,
    DeliveryGeneration,
    Experiment,
    Revision,
    RevisionTag,
    Site,
    SiteOverlay,
    Variant,
)

# Rows whose every change reaches delivery. An article's draft edits do not: only the
# choice of its live revision, or its deletion, does (see _changes_delivery).
DELIVERED = (Revision, RevisionTag, Site, SiteOverlay, Experiment, Variant)
CHANGED = "delivery_changed"  # Session.info flag: this transaction changed delivered content


class Sized(Protocol):
    @property
    def size(self) -> int:
        """Roughly how many bytes it holds: the cache's bound is in bytes."""


Value = TypeVar("Value", bound=Sized)


class DeliveryCache:
    """A bounded LRU of what delivery computed, valid while the generation counter holds."""

    def __init__(self, max_bytes: int, freshness: float, clock: Callable[[], float] = time.monotonic):
        self._entries: LRUCache[Hashable, Any] = LRUCache(maxsize=max_bytes, getsizeof=lambda v: v.size)
        self._freshness = freshness
        self._clock = clock
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._checked_at = float("-inf")
        self._epoch = 0  # moves on every emptying: a value computed before it is not kept
        _LOCAL_CACHES.add(self)

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
            return epoch, self._entries.get(key)

    def keep(self, key: Hashable, value: Sized, epoch: int) -> None:
        """Keep `value`, unless the cache was emptied since `epoch`: then it may have been
        read before the change."""
        with self._lock:
            if epoch == self._epoch and value.size <= self._entries.maxsize:
                self._entries[key] = value

    def clear(self) -> None:
        """Forget everything, and read the counter again on the next request."""
        with self._lock:
            self._entries.clear()
            self._epoch += 1
            self._checked_at = float("-inf")

    @property
    def epoch(self) -> int:
        return self._epoch

    @property
    def size(self) -> int:
        """Bytes held now (as the values count themselves)."""
        return int(self._entries.currsize)

    def _revalidate(self, session: Session) -> None:
        if self._clock() - self._checked_at < self._freshness:
            return
        checked_at = self._clock()
        generation = session.scalar(select(DeliveryGeneration.generation).where(DeliveryGeneration.id == 1))
        with self._lock:
            if generation != self._generation:
                self._entries.clear()
                self._epoch += 1
                self._generation = generation
            self._checked_at = checked_at


_LOCAL_CACHES: "weakref.WeakSet[DeliveryCache]" = weakref.WeakSet()


def _changes_delivery(session: Session) -> bool:
    if any(isinstance(row, DELIVERED) for row in (*session.new, *session.dirty, *session.deleted)):
        return True
    if any(isinstance(row, Article) for row in session.deleted):
        return True
    return any(
        isinstance(row, Article) and inspect(row).attrs.published_revision.history.has_changes()
        for row in session.dirty
    )


@event.listens_for(Session, "before_flush")
def _note_delivery_changes(session: Session, _context: Any, _instances: Any) -> None:
    if _changes_delivery(session):
        session.info[CHANGED] = True


@event.listens_for(Session, "before_commit")
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


@event.listens_for(Session, "after_commit")
def _empty_local_caches(session: Session) -> None:
    if session.info.pop(CHANGED, False):
        for cache in list(_LOCAL_CACHES):
            cache.clear()


# Each local cache's epoch when this thread's database transaction began (kept out of the
# session, which a request answered from the cache never opens).
_epochs_at_begin: ContextVar[dict[int, int] | None] = ContextVar("delivery_epochs_at_begin", default=None)


@event.listens_for(Session, "after_begin")
def _note_epochs(_session: Session, _transaction: Any, _connection: Any) -> None:
    _epochs_at_begin.set({id(cache): cache.epoch for cache in list(_LOCAL_CACHES)})


@event.listens_for(Session, "after_transaction_end")
def _forget_epochs(_session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        _epochs_at_begin.set(None)


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    if not session.in_transaction():  # (a savepoint's rollback leaves the outer changes)
        session.info.pop(CHANGED, None)
