"""The audit log: who changed what, with which key, and when."""

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate

from service.api.auth import ManagementBlueprint
from service.api.converters import MAX_ID
from service.api.pagination import page_of
from service.config import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from service.content.audit import audit_query
from service.models import Role

blp = ManagementBlueprint(
    "Audit", __name__, url_prefix="/v1/manage/audit", description="Every change, newest first."
)


ID_RANGE = validate.Range(min=1, max=MAX_ID)


class AuditQuerySchema(ma.Schema):
    article_id = fields.Integer(validate=ID_RANGE, metadata={"description": "Only changes to this article."})
    key_id = fields.Integer(validate=ID_RANGE, metadata={"description": "Only changes made with this key."})


class AuditEntrySchema(ma.Schema):
    id = fields.Integer()
    at = fields.DateTime()
    key_id = fields.Integer(allow_none=True)
    key_prefix = fields.String(allow_none=True, metadata={"description": "The visible part of the key."})
    action = fields.String(metadata={"example": "article.published"})
    article_id = fields.Integer(allow_none=True)
    article_slug = fields.String(allow_none=True)
    revision_before = fields.Integer(allow_none=True, metadata={"description": "Live revision before."})
    revision_after = fields.Integer(allow_none=True, metadata={"description": "Live revision after."})
    details = fields.Dict()


AUDIT_EXAMPLE = {
    "id": 12,
    "at": "2026-11-26T09:30:00+00:00",
    "key_id": 2,
    "key_prefix": "cms_1a2b3c4d",
    "action": "article.published",
    "article_id": 1,
    "article_slug": "are-all-types-of-back-pain-treatable-with-stem-cells",
    "revision_before": 1,
    "revision_after": 2,
    "details": {"note": "Tighter summary"},
}


@blp.route("")
class AuditLog(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True), example=[AUDIT_EXAMPLE])
    @blp.paginate(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listAuditEntries")
    def get(self, filters, pagination_parameters):
        """List audit entries

        Newest first, optionally for one article or one key.
        """
        return page_of(audit_query(**filters), pagination_parameters)
