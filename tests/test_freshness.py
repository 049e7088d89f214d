"""Delivery's cache: bounded, emptied by this process's commits at once, and by another
process's within the freshness window (content.freshness)."""

from dataclasses import dataclass

import pytest
from sqlalchemy import select, text

from service.app import may_write
from service.content.freshness import DeliveryCache
from service.content.sites import save_site
from service.extensions import db
from service.models import DeliveryGeneration, Site


@dataclass(frozen=True)
class Value:
    name: str
    size: int = 100


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def generation(session) -> int | None:
    return session.scalar(select(DeliveryGeneration.generation))


def another_process_changes_content(session) -> None:
    """What a commit elsewhere leaves in the database: the counter moved, nothing else here knew."""
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM delivery_generation"))
        connection.execute(text("INSERT INTO delivery_generation (id, generation) VALUES (1, 1000)"))
    session.rollback()  # a new transaction sees it


@pytest.fixture
def reader(session):
    """The session as delivery uses it, only reading: on SQLite its transactions then leave
    the write lock to other processes (service.app), as a GET request's do."""
    token = may_write.set(False)
    yield session
    may_write.reset(token)


def test_a_change_elsewhere_is_served_once_the_freshness_window_ends(reader):
    clock = Clock()
    cache = DeliveryCache(max_bytes=10_000, freshness=2, clock=clock)
    assert cache.get(reader, "k", lambda: Value("old")).name == "old"
    another_process_changes_content(reader)
    clock.now = 1.9
    assert cache.get(reader, "k", lambda: Value("new")).name == "old"
    clock.now = 2.0
    assert cache.get(reader, "k", lambda: Value("new")).name == "new"


def test_without_a_change_the_window_ends_and_the_cache_stays(session):
    clock = Clock()
    cache = DeliveryCache(max_bytes=10_000, freshness=2, clock=clock)
    cache.get(session, "k", lambda: Value("first"))
    clock.now = 60
    assert cache.get(session, "k", lambda: Value("second")).name == "first"


def test_a_commit_changing_delivered_content_moves_the_counter_and_empties_local_caches(session):
    cache = DeliveryCache(max_bytes=10_000, freshness=3600, clock=Clock())
    cache.get(session, "k", lambda: Value("old"))
    before = generation(session)
    save_site(session, Site(), {"key": "clinic-austin", "name": "Austin", "origins": [], "variables": {}})
    session.commit()
    assert generation(session) == (before or 0) + 1
    assert cache.get(session, "k", lambda: Value("new")).name == "new"


def test_a_commit_that_changes_nothing_delivered_keeps_the_cache(reader, auth):
    cache = DeliveryCache(max_bytes=10_000, freshness=3600, clock=Clock())
    cache.get(reader, "k", lambda: Value("kept"))
    before = generation(reader)
    auth("editor")  # an API key is made and committed: nothing a visitor sees
    assert generation(reader) == before
    assert cache.get(reader, "k", lambda: Value("new")).name == "kept"


def test_the_cache_is_bounded_in_bytes_and_evicts_the_least_recently_used(session):
    cache = DeliveryCache(max_bytes=1_000, freshness=3600, clock=Clock())
    for number in range(50):
        cache.get(session, number, lambda number=number: Value(str(number)))
    assert cache.size <= 1_000
    assert cache.get(session, 49, lambda: Value("recomputed")).name == "49"
    assert cache.get(session, 0, lambda: Value("recomputed")).name == "recomputed"


def test_a_value_computed_across_an_emptying_is_not_kept(session):
    cache = DeliveryCache(max_bytes=10_000, freshness=3600, clock=Clock())

    def computed_while_content_changed() -> Value:
        cache.clear()
        return Value("read before the change")

    cache.get(session, "k", computed_while_content_changed)
    assert cache.get(session, "k", lambda: Value("after")).name == "after"
