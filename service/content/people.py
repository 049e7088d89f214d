"""People as records: the authors and medical reviewers articles name by key, with their
credentials, specialty, bio and photo. Delivery embeds the people an article names (and says
so in its JSON-LD). The acts on them are in content.people_editing."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.content.errors import InvalidDocument
from service.content.image_references import image_sources
from service.content.markdown import render_markdown
from service.models import (
    Article,
    Asset,
    Experiment,
    OverlayVersion,
    Person,
    Review,
    Revision,
    Schedule,
    SiteOverlay,
    Variant,
)

PERSON_FIELDS = ("name", "credentials", "specialty", "bio", "photo", "profile_url")


class PersonNotFound(LookupError):
    """No person has that key."""


def named_people(document: dict[str, Any]) -> list[str]:
    """The keys a document names, authors first, each once."""
    keys = [*document.get("authors", []), *filter(None, [document.get("medical_reviewer")])]
    return list(dict.fromkeys(keys))


def list_people(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).order_by(Person.key)))


def find_person(session: Session, key: str) -> Person:
    person = session.scalar(select(Person).where(Person.key == key))
    if person is None:
        raise PersonNotFound(f"there is no person {key!r}")
    return person


def check_people_exist(session: Session, document: dict[str, Any]) -> None:
    """Every person a document names is on record (422 naming the field)."""
    known = set(session.scalars(select(Person.key).where(Person.key.in_(named_people(document)))))
    errors: dict[str, Any] = {}
    for index, key in enumerate(document.get("authors", [])):
        if key not in known:
            errors.setdefault("authors", {})[index] = [f"There is no person {key!r}."]
    reviewer = document.get("medical_reviewer")
    if reviewer and reviewer not in known:
        errors["medical_reviewer"] = [f"There is no person {reviewer!r}."]
    if errors:
        raise InvalidDocument(errors)


def check_overlays_people(session: Session, fields_at: dict[str, dict[str, Any]]) -> None:
    """The people overlays' fields name are on record: 422 naming each field by its path."""
    errors = {}
    for path, fields in fields_at.items():
        try:
            check_people_exist(session, fields)
        except InvalidDocument as error:
            errors[path] = error.messages
    if errors:
        raise InvalidDocument(errors)


def with_people(session: Session, document: dict[str, Any]) -> dict[str, Any]:
    """A copy of a JSON-ready document with `people`: each person it names, as delivered."""
    keys = named_people(document)
    found = {p.key: p for p in session.scalars(select(Person).where(Person.key.in_(keys)))} if keys else {}
    photos = [p.photo["asset"] for p in found.values() if p.photo]
    assets = {a.id: a for a in session.scalars(select(Asset).where(Asset.id.in_(photos)))} if photos else {}
    return document | {"people": [delivered_person(found[key], assets) for key in keys if key in found]}


def delivered_person(person: Person, assets: dict[int, Asset]) -> dict[str, Any]:
    photo = person.photo
    if photo and photo["asset"] in assets:
        photo = photo | image_sources(assets[photo["asset"]])
    return {
        "key": person.key,
        **{name: getattr(person, name) for name in PERSON_FIELDS},
        "bio_html": render_markdown(person.bio) if person.bio else None,
        "photo": photo,
    }


def documents_naming_people(session: Session) -> list[tuple[int, dict[str, Any]]]:
    """Everything that is or may be published, as far as people go: (article id, document)
    for each draft, and all that reviewed_documents lists."""
    drafts = session.execute(select(Article.id, Article.authors, Article.medical_reviewer))
    return [
        *((a, {"authors": authors, "medical_reviewer": reviewer}) for a, authors, reviewer in drafts),
        *reviewed_documents(session),
    ]


def reviewed_documents(session: Session) -> list[tuple[int, dict[str, Any]]]:
    """What is published, or was put to a reviewer, as far as people go: (article id,
    document) for each revision, each version a pending schedule or a review pins, and the
    fields of each site overlay version and experiment variant. A change to a person these
    name reaches visitors without another review."""
    pinned = [
        *session.execute(select(Revision.article_id, Revision.document)),
        *session.execute(select(Schedule.article_id, Schedule.document).where(Schedule.applied_at.is_(None))),
        *session.execute(select(Review.article_id, Review.document)),
    ]
    overlays = [
        *session.execute(
            select(SiteOverlay.article_id, OverlayVersion.overlay).join(
                SiteOverlay, SiteOverlay.id == OverlayVersion.site_overlay_id
            )
        ),
        *session.execute(
            select(Experiment.article_id, Variant.overlay).join(
                Experiment, Experiment.id == Variant.experiment_id
            )
        ),
    ]
    return [
        *((a, document) for a, document in pinned if document),  # (a schedule to unpublish pins none)
        *((a, document.get("fields", {})) for a, document in pinned + overlays if document),
    ]


def published_naming(session: Session, key: str) -> list[tuple[Revision, Article]]:
    """The revisions delivery serves that name person `key`, with their articles."""
    rows = session.execute(
        select(Revision, Article).join(Article, Article.published_revision_id == Revision.id)
    )
    return [(revision, article) for revision, article in rows if key in named_people(revision.document)]
