"""The acts on people: create_person, change_person (which brings every published answer
naming them up to date, so a reviewer's key makes it and the guardrails pass each answer) and
delete_person (refused while anything that is or may be published names them)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.content.diff import field_changes
from service.content.errors import InvalidDocument
from service.content.guardrails.gate import check_gate
from service.content.image_references import resolve_image_assets
from service.content.people import (
    PERSON_FIELDS,
    documents_naming_people,
    named_people,
    published_naming,
    reviewed_documents,
)
from service.content.publishing import revision_body
from service.content.reviews import ReviewRefused
from service.content.webhooks import announce
from service.models import Person, WebhookEvent


class PersonConflict(Exception):
    """The key is taken, or articles still name the person."""


def create_person(session: Session, data: dict[str, Any], *, by: Actor) -> Person:
    if session.scalar(select(Person.id).where(Person.key == data["key"])) is not None:
        raise PersonConflict(f"a person is already keyed {data['key']!r}")
    resolve_image_assets(session, {"photo": data.get("photo")})
    person = Person(key=data["key"], **{name: data.get(name) for name in PERSON_FIELDS})
    session.add(person)
    session.flush()
    by.record(session, "person.created", person=person.key)
    return person


def change_person(session: Session, person: Person, data: dict[str, Any], *, by: Actor) -> int:
    """Change a person's record (they keep their key), and every published answer that names
    them with it: how many published revisions were brought up to date. Visitors read the
    change unreviewed otherwise: while anything published or reviewed (a revision, a pinned
    or approved version, an overlay, a variant) names them, only a key with the reviewer
    capability (or a command) may make it, and each such article must still
    pass the publishing gate (a reviewer's credentials taken away blocks it, say)."""
    if data["key"] != person.key:
        raise InvalidDocument({"key": ["A person keeps their key."]})
    resolve_image_assets(session, {"photo": data.get("photo")})
    vouched = sorted(
        {a for a, document in reviewed_documents(session) if person.key in named_people(document)}
    )
    if vouched and by.key is not None and not by.key.reviewer:
        raise ReviewRefused(
            f"What article {', '.join(map(str, vouched))} publishes or had reviewed names "
            f"{person.key!r}, and would show a change unreviewed: it needs a key with the "
            "reviewer capability"
        )
    published = published_naming(session, person.key)
    before = {name: getattr(person, name) for name in PERSON_FIELDS}
    for name in PERSON_FIELDS:
        setattr(person, name, data.get(name))
    session.flush()
    for revision, article in published:
        check_gate(session, article, "publish", revision.document)
        revision.body, revision.etag = revision_body(session, revision)
        announce(session, WebhookEvent.ARTICLE_PUBLISHED, article=article, revision=revision.number)
    diff = field_changes(before, {name: getattr(person, name) for name in PERSON_FIELDS})
    by.record(session, "person.updated", person=person.key, republished=len(published), diff=diff)
    return len(published)


def delete_person(session: Session, person: Person, *, by: Actor) -> None:
    """Delete a person no article names, in its draft or in any revision (a restore would
    bring them back)."""
    naming = sorted(
        {
            article_id
            for article_id, document in documents_naming_people(session)
            if person.key in named_people(document)
        }
    )  # (drafts, revisions, pinned versions, and every overlay's and variant's fields)
    if naming:
        raise PersonConflict(f"article {', '.join(map(str, naming))} names {person.key!r}: they stay")
    session.delete(person)
    session.flush()
    by.record(session, "person.deleted", person=person.key)
