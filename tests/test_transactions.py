"""content.transactions.reading_first: a use case's reads in a transaction of their own, which
on SQLite takes no write lock, and never at the cost of work the session holds."""

from sqlalchemy import select

from service.content.transactions import reading_first
from service.models import Site


def a_site(key: str) -> Site:
    return Site(key=key, name=key, origins=[], variables={})


def test_reads_first_end_their_transaction(session):
    session.rollback()
    with reading_first(session):
        assert session.scalars(select(Site)).all() == []
        assert session().in_transaction()
    assert not session().in_transaction()


def test_changes_not_yet_flushed_are_kept_and_written(session):
    session.rollback()
    session.add(a_site("clinic-austin"))
    with reading_first(session):
        assert session.scalars(select(Site.key)).all() == ["clinic-austin"]  # (flushed by the read)
    session.commit()
    session.remove()
    assert session.scalars(select(Site.key)).all() == ["clinic-austin"]
