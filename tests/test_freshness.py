"""Delivery's cache: bounded by the bytes it holds, emptied by this process's commits at
once and by another process's within the freshness window; which changes count is declared
for every model, bulk statements included (content.freshness)."""

from dataclasses import dataclass

import pytest
from sqlalchemy import delete, false, select, text, update
from sqlalchemy.orm import Session

from service import create_app
from service.content.freshness import DELIVERED, PARTLY_DELIVERED, DeliveryCache, track_changes
from service.content.sites import save_site
from service.content.transactions import may_write
from service.extensions import db
from service.models import (
    ApiKey,
    Article,
    Asset,
    AuditEntry,
    Base,
    Benefit,
    Blob,
    Callout,
    Comparison,
    Condition,
    DeliveryGeneration,
    Event,
    ExperimentPhase,
    Fact,
    Faq,
    FindingOverride,
    OverlayVersion,
    Release,
    Rendition,
    Review,
    ReviewComment,
    Schedule,
    Section,
    Site,
    Step,
    VariantsVersion,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)
from service.models import (
    Testimonial as PatientTestimonial,  # (a name pytest would collect as a test class)
)

SITE = {"key": "clinic-austin", "name": "Austin", "origins": [], "variables": {}}

# Models no visitor sees, each with why: a change to one leaves delivery's caches alone.
NOT_DELIVERED = {
    ApiKey: "who may call the management API",
    Asset: "an uploaded image: never changed, and not deleted while anything shows it",
    Rendition: "an image's rendition: made once, at upload, at an address its bytes name",
    Blob: "stored bytes, by their hash: never changed",
    AuditEntry: "the history of editorial acts",
    Section: "a draft's part: delivery serves published revisions",
    Condition: "a draft's part",
    Benefit: "a draft's part",
    Faq: "a draft's part",
    Step: "a draft's part",
    Callout: "a draft's part",
    Fact: "a draft's part",
    Comparison: "a draft's part",
    PatientTestimonial: "a draft's part",
    DeliveryGeneration: "the change counter itself",
    Event: "exposures and conversions, read by results only",
    Schedule: "a publication to come: the act itself changes revisions",
    OverlayVersion: "an overlay's history: delivery applies the site overlay's published one",
    VariantsVersion: "the variants' history: delivery applies the experiment's variants as they are",
    ExperimentPhase: "an experiment's history: delivery reads the experiment as it is now",
    Release: "a set of changes to come: publishing it changes revisions, overlays, experiments",
    Review: "a version's way to publication: publishing it changes revisions",
    ReviewComment: "a reviewer's note on a version",
    Webhook: "where to tell rebuilders",
    WebhookAttempt: "the sender's bookkeeping",
    WebhookDelivery: "the sender's bookkeeping",
    FindingOverride: "a reviewer's decision, checked when publishing: the act itself changes revisions",
}


@dataclass(frozen=True)
class Value:
    name: str
    body: bytes = b""


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
    track_changes(db.session, cache)
    cache.get(session, "k", lambda: Value("old"))
    before = generation(session)
    save_site(session, Site(), SITE)
    session.commit()
    assert generation(session) == (before or 0) + 1
    assert cache.get(session, "k", lambda: Value("new")).name == "new"


def test_apps_sharing_the_session_count_a_change_once(session, database_url):
    create_app({"SQLALCHEMY_DATABASE_URI": database_url})  # a second app in this process
    save_site(session, Site(), SITE)
    session.commit()
    assert generation(session) == 1


def test_only_the_apps_own_session_is_watched(session):
    """Another SQLAlchemy session in the process (a script's, a library's) is its own."""
    with Session(db.engine) as other:
        save_site(other, Site(), SITE)
        other.commit()
    assert generation(session) is None


def test_every_mapped_model_is_declared_delivered_or_not():
    models = {mapper.class_ for mapper in Base.registry.mappers}
    declared = (DELIVERED, PARTLY_DELIVERED.keys(), NOT_DELIVERED.keys())
    undeclared = sorted(model.__name__ for model in models if not any(model in kind for kind in declared))
    assert undeclared == [], (
        "say whether delivery serves these models: content.freshness.DELIVERED (or "
        "PARTLY_DELIVERED), or NOT_DELIVERED here"
    )
    twice = sorted(model.__name__ for model in models if sum(model in kind for kind in declared) > 1)
    assert twice == []


@pytest.mark.parametrize(
    "model", sorted(DELIVERED, key=lambda model: model.__name__), ids=lambda m: m.__name__
)
def test_a_bulk_statement_on_a_delivered_model_moves_the_counter(session, model):
    session.execute(delete(model).where(false()))
    session.commit()
    assert generation(session) == 1


@pytest.mark.parametrize(
    "model", sorted(NOT_DELIVERED, key=lambda model: model.__name__), ids=lambda m: m.__name__
)
def test_a_bulk_statement_on_a_model_not_delivered_keeps_the_counter(session, model):
    session.execute(delete(model).where(false()))
    session.commit()
    assert generation(session) is None


@pytest.mark.parametrize(
    ("change", "moves"),
    [
        (lambda: update(Article).values(version=Article.version + 1), False),  # the version claim
        (lambda: update(Article).values(published_revision_id=None), True),  # an unpublishing
        (lambda: delete(Article).where(false()), True),
    ],
    ids=["version claim", "live revision set", "delete"],
)
def test_a_bulk_statement_on_articles_counts_when_it_touches_their_live_revision(
    session, published, change, moves
):
    before = generation(session)
    session.execute(change().execution_options(synchronize_session=False))
    session.commit()
    assert generation(session) == (before + 1 if moves else before)


def test_a_bulk_update_by_primary_key_counts_a_live_revision_in_its_parameters(session, published):
    before = generation(session)
    article_id = session.scalar(select(Article.id))
    session.execute(update(Article), [{"id": article_id, "published_revision_id": None}])
    session.commit()
    assert generation(session) == before + 1


def test_a_commit_that_changes_nothing_delivered_keeps_the_cache(reader, auth):
    cache = DeliveryCache(max_bytes=10_000, freshness=3600, clock=Clock())
    cache.get(reader, "k", lambda: Value("kept"))
    before = generation(reader)
    auth("editor")  # an API key is made and committed: nothing a visitor sees
    assert generation(reader) == before
    assert cache.get(reader, "k", lambda: Value("new")).name == "kept"


def test_an_entry_counts_the_bytes_it_holds(session):
    cache = DeliveryCache(max_bytes=100_000, freshness=3600, clock=Clock())
    cache.get(session, "k", lambda: Value("big", b"x" * 20_000))
    assert 20_000 < cache.size < 21_000
    cache.get(session, "too big", lambda: Value("bigger than the cache", b"x" * 100_000))
    assert cache.get(session, "too big", lambda: Value("recomputed")).name == "recomputed"


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
