"""Whether the work at hand may write: on SQLite, a transaction that may write takes the
write lock as it begins (service.app). Decided from the request's method unless set here, so
that a use case can do its reading in a transaction of its own, and hold the lock (which every
other writer waits for) only while it writes."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy.orm import Session, scoped_session

# None: as the request's method says (GET, HEAD and OPTIONS only read; anything else, commands
# and scripts included, may write). No hook on each request, so a cached answer pays nothing.
may_write: ContextVar[bool | None] = ContextVar("may_write", default=None)


@contextmanager
def reading_first(session: Session) -> Iterator[None]:
    """What the block reads, it reads in a transaction that takes no write lock, ended with
    the block. (If the session is in a transaction already, as it is from its first change
    on, flushed or not, the block is part of that work: ending it would lose its changes.)"""
    if _in_transaction(session):
        yield
        return
    token = may_write.set(False)
    try:
        yield
    finally:
        may_write.reset(token)
        session.rollback()  # (it wrote nothing: ends the read transaction)


def _in_transaction(session: Session) -> bool:
    # (a scoped session, as Flask-SQLAlchemy's, does not pass in_transaction on: its session does)
    return (session() if isinstance(session, scoped_session) else session).in_transaction()
