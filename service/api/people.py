"""People, managed by editors: the authors and medical reviewers articles name by key."""

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate

from service.api.auth import ManagementBlueprint, actor
from service.api.examples import PERSON_EXAMPLE
from service.content.document import SLUG_PATTERN, URL_LENGTH
from service.content.image_references import ImageSchema
from service.content.patterns import url_pattern
from service.content.people import find_person, list_people
from service.content.people_editing import change_person, create_person, delete_person
from service.content.text_fields import text_field
from service.extensions import db
from service.models import Role
from service.models.lengths import KEY_LENGTH, NAME_LENGTH, TITLE_LENGTH
from service.openapi import sent_in_full

blp = ManagementBlueprint(
    "People",
    __name__,
    url_prefix="/v1/manage/people",
    description="Authors and medical reviewers, with their credentials: articles name them by key.",
)


class PersonInputSchema(ma.Schema):
    key = fields.String(
        required=True,
        validate=[validate.Length(max=KEY_LENGTH), SLUG_PATTERN],
        metadata={"example": "dr-maya-chen"},
    )
    name = text_field(max_length=NAME_LENGTH, example="Dr. Maya Chen")
    credentials = text_field(
        required=False,
        max_length=TITLE_LENGTH,
        example="MD, FAAPMR",
        description="Degrees and board certifications: what the guardrails look for in a medical reviewer.",
    )
    specialty = text_field(
        required=False, max_length=TITLE_LENGTH, example="Physical medicine and rehabilitation"
    )
    bio = text_field(required=False, format="markdown", description="Markdown; delivery adds bio_html.")
    photo = fields.Nested(ImageSchema, load_default=None, allow_none=True)
    profile_url = fields.String(
        load_default=None, allow_none=True, validate=[validate.Length(max=URL_LENGTH), url_pattern()]
    )


@sent_in_full
class PersonSchema(PersonInputSchema):
    id = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


@blp.route("")
class People(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, PersonSchema(many=True), example=[PERSON_EXAMPLE | {"id": 1}])
    @blp.doc(operationId="listPeople")
    def get(self):
        """List people

        By key.
        """
        return list_people(db.session)

    @blp.requires(Role.EDITOR)
    @blp.arguments(PersonInputSchema, example=PERSON_EXAMPLE)
    @blp.response(201, PersonSchema, example=PERSON_EXAMPLE | {"id": 1})
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="createPerson")
    def post(self, data):
        """Add a person

        An author or a medical reviewer articles can then name by key; a photo names an
        asset of the media library (422 if it has none such).
        """
        person = create_person(db.session, data, by=actor())
        db.session.commit()
        return person


@blp.route("/<slug:key>")
class PersonView(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, PersonSchema, example=PERSON_EXAMPLE | {"id": 1})
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getPerson")
    def get(self, key):
        """Get a person"""
        return find_person(db.session, key)

    @blp.requires(Role.EDITOR)
    @blp.arguments(PersonInputSchema, example=PERSON_EXAMPLE)
    @blp.response(200, PersonSchema, example=PERSON_EXAMPLE | {"id": 1})
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="replacePerson")
    def put(self, data, key):
        """Change a person

        They keep their key. Every published article that names them is delivered with the
        change from now on (its ETag moves, and its webhooks are told), unreviewed: while
        anything published or put to a reviewer names them (a revision, a version a schedule
        or review pins, an overlay, a variant), the change needs a key with the reviewer
        capability (403 otherwise), and is refused (409, with the findings) if it would leave such an
        article with a blocking finding (a medical reviewer without credentials, say). The
        audit log has each field's before and after.
        """
        person = find_person(db.session, key)
        change_person(db.session, person, data, by=actor())
        db.session.commit()
        return person

    @blp.requires(Role.PUBLISHER)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="deletePerson")
    def delete(self, key):
        """Delete a person

        Only one nothing names that is or may be published: a draft, a revision, a version a
        schedule or review pins, a site overlay or a variant (409 naming the articles).
        """
        delete_person(db.session, find_person(db.session, key), by=actor())
        db.session.commit()
