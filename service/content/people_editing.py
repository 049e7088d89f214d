"""The acts on people: create_person, change_person (which brings every published answer
naming them up to date) and delete_person (refused while any article names them)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.content.errors import InvalidDocument
from service.content.image_references import check_image_assets
from service.content.people import PERSON_FIELDS, documents_naming_people, named_people, published_naming
from service.content.publishing import revision_body
from service.content.webhooks import announce
from service.models import Person, WebhookEvent


class PersonConflict(Exception):
    """The key is taken, or articles still name the person."""


def create_person(session: Session, data: dict[str, Any], *, by: Actor) -> Person:
    if session.scalar(select(Person.id).where(Person.key == data["key"])) is not None:
        raise PersonConflict(f"a person is already keyed {data['key']!r}")
    check_image_assets(session, {"photo": data.get("photo")})
    person = Person(key=data["key"], **{name: data.get(name) for name in PERSON_FIELDS})
    session.add(person)
    session.flush()
    by.record(session, "person.created", person=person.key)
    return person


def change_person(session: Session, person: Person, data: dict[str, Any], *, by: Actor) -> int:
    """Change a person's record (they keep their key), and every published answer that names
    them with it: how many published revisions were brought up to date."""
    if data["key"] != person.key:
        raise InvalidDocument({"key": ["A person keeps their key."]})
    check_image_assets(session, {"photo": data.get("photo")})
    for name in PERSON_FIELDS:
        setattr(person, name, data.get(name))
    session.flush()
    refreshed = 0
    for revision, article in published_naming(session, person.key):
        revision.body, revision.etag = revision_body(session, revision)
        announce(session, WebhookEvent.ARTICLE_PUBLISHED, article=article, revision=revision.number)
        refreshed += 1
    by.record(session, "person.updated", person=person.key, republished=refreshed)
    return refreshed


def delete_person(session: Session, person: Person, *, by: Actor) -> None:
    """Delete a person no article names, in its draft or in any revision (a restore would
    bring them back)."""
    naming = sorted(
        {
            article_id
            for article_id, document in documents_naming_people(session)
            if person.key in named_people(document)
        }
    )
    if naming:
        raise PersonConflict(f"article {', '.join(map(str, naming))} names {person.key!r}: they stay")
    session.delete(person)
    session.flush()
    by.record(session, "person.deleted", person=person.key)
