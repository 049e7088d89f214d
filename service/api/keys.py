"""API keys, managed by admins: created (the secret shown once), listed, revoked."""

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate

from service.api.auth import ManagementBlueprint, actor
from service.api.fields import Instant, StrictBoolean, in_the_future
from service.content.keys import ROLES, issue_key, list_keys, revoke_key
from service.content.text_fields import text_field
from service.extensions import db
from service.models import ApiKey, Role
from service.models.lengths import API_KEY_NAME_LENGTH

blp = ManagementBlueprint(
    "Keys", __name__, url_prefix="/v1/manage/keys", description="API keys and their roles."
)


class NewKeySchema(ma.Schema):
    name = text_field(max_length=API_KEY_NAME_LENGTH, example="Ana, marketing")
    role = fields.String(required=True, validate=validate.OneOf(ROLES), metadata={"example": "editor"})
    expires_at = Instant(
        load_default=None,
        allow_none=True,
        validate=in_the_future,
        metadata={"description": "Default: never."},
    )
    reviewer = StrictBoolean(
        load_default=False,
        metadata={"description": "May approve reviews or request changes (a clinician's key, say)."},
    )


class KeySchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "The visible start of the key, to tell keys apart."})
    role = fields.String()
    reviewer = fields.Boolean(metadata={"description": "Has the reviewer capability."})
    created_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class CreatedKeySchema(KeySchema):
    key = fields.String(metadata={"description": "The whole key. Shown this once; only its hash is kept."})


KEY_EXAMPLE = {
    "id": 2,
    "name": "Ana, marketing",
    "prefix": "cms_1a2b3c4d",
    "role": "editor",
    "reviewer": False,
    "created_at": "2026-11-26T09:00:00+00:00",
    "expires_at": None,
    "revoked_at": None,
}


@blp.route("")
class Keys(MethodView):
    @blp.requires(Role.ADMIN)
    @blp.response(200, KeySchema(many=True), example=[KEY_EXAMPLE])
    @blp.doc(operationId="listKeys")
    def get(self):
        """List API keys

        Revoked and expired ones included; never their secrets.
        """
        return list_keys(db.session)

    @blp.requires(Role.ADMIN)
    @blp.arguments(NewKeySchema)
    @blp.response(201, CreatedKeySchema, example=KEY_EXAMPLE | {"key": "cms_1a2b3c4d_Zx9..."})
    @blp.doc(operationId="createKey")
    def post(self, new):
        """Create an API key

        The answer holds the whole key, this once: store it now.
        """
        created = issue_key(
            db.session, new["name"], new["role"], new["expires_at"], by=actor(), reviewer=new["reviewer"]
        )
        db.session.commit()
        return {name: getattr(created.key, name) for name in KeySchema().fields} | {"key": created.secret}


@blp.route("/<id:key_id>")
class Key(MethodView):
    @blp.requires(Role.ADMIN)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="revokeKey")
    def delete(self, key_id):
        """Revoke an API key

        It stops working at once. Revoking a revoked key changes nothing. The last active
        admin key cannot be revoked (409): create another admin key first.
        """
        key = db.get_or_404(ApiKey, key_id, description=f"There is no key {key_id}.")
        revoke_key(db.session, key, by=actor())
        db.session.commit()
