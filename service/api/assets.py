"""The media library, managed by editors: images uploaded (multipart), checked, stripped of
their metadata and rendered once; listed, and deleted when nothing shows them."""

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from marshmallow import fields

from service.api.auth import ManagementBlueprint, actor
from service.api.examples import DIGEST
from service.api.fields import FilePart
from service.content.assets import (
    Blobs,
    Limits,
    delete_asset,
    find_asset,
    list_assets,
    media_path,
    upload_asset,
)
from service.extensions import db
from service.models import Role
from service.openapi import sent_in_full

blp = ManagementBlueprint(
    "Assets",
    __name__,
    url_prefix="/v1/manage/assets",
    description=(
        "Images for articles: JPEG, PNG, WebP or AVIF, read by their content, stripped of EXIF "
        "and GPS, rendered once to responsive widths in WebP and their own format, and served "
        "at immutable /v1/media URLs."
    ),
)
UPLOAD_TYPES = ("multipart/form-data",)


class UploadSchema(ma.Schema):
    file = FilePart(
        required=True, metadata={"description": "The image; its name and stated type are not trusted."}
    )


class UnusedQuerySchema(ma.Schema):
    unused = fields.Boolean(
        load_default=False, metadata={"description": "Only assets no article, revision or overlay shows."}
    )


@sent_in_full
class ImageRenditionSchema(ma.Schema):
    url = fields.Function(media_path, metadata={"description": "Immutable: cache it for ever."})
    media_type = fields.String(metadata={"example": "image/webp"})
    width = fields.Integer()
    height = fields.Integer()
    bytes = fields.Integer(attribute="byte_size")


@sent_in_full
class AssetSchema(ma.Schema):
    id = fields.Integer()
    digest = fields.String(
        metadata={"description": "SHA-256 of the bytes uploaded: the same upload is the same asset."}
    )
    media_type = fields.String(
        metadata={"description": "Read from the image itself.", "example": "image/jpeg"}
    )
    width = fields.Integer(metadata={"description": "Upright (EXIF orientation applied)."})
    height = fields.Integer()
    bytes = fields.Integer(attribute="byte_size")
    filename = fields.String(allow_none=True)
    created_by = fields.String(allow_none=True)
    created_at = fields.DateTime()
    renditions = fields.List(fields.Nested(ImageRenditionSchema))


ASSET_EXAMPLE = {
    "id": 1,
    "digest": DIGEST,
    "media_type": "image/jpeg",
    "width": 2400,
    "height": 1600,
    "bytes": 812345,
    "filename": "spine-consultation.jpg",
    "created_by": "Ana, marketing (cms_1a2b3c4d)",
    "created_at": "2026-12-02T09:00:00+00:00",
    "renditions": [
        {
            "url": f"/v1/media/{DIGEST}.webp",
            "media_type": "image/webp",
            "width": 480,
            "height": 320,
            "bytes": 18211,
        },
    ],
}


def _limits() -> Limits:
    config = current_app.config
    return Limits(config["ASSET_MAX_PIXELS"], config["RENDITION_WIDTHS"])


@blp.route("")
class Assets(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.arguments(UnusedQuerySchema, location="query")
    @blp.response(200, AssetSchema(many=True), example=[ASSET_EXAMPLE])
    @blp.doc(operationId="listAssets")
    def get(self, query):
        """List assets

        Newest first; `unused=true`: only those nothing shows, which can be deleted.
        """
        return list_assets(db.session, unused=query["unused"])

    @blp.requires(Role.EDITOR, body_types=UPLOAD_TYPES, max_body="ASSET_MAX_BYTES")
    @blp.arguments(UploadSchema, location="files")
    @blp.response(201, AssetSchema, example=ASSET_EXAMPLE)
    @blp.alt_response(
        200,
        schema=AssetSchema,
        example=ASSET_EXAMPLE,
        description="These bytes were uploaded before: that asset.",
    )
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.doc(operationId="uploadAsset")
    def post(self, files):
        """Upload an image

        `multipart/form-data` with one `file`: JPEG, PNG, WebP or AVIF, read from its content
        (an SVG, a GIF, or anything else is a 415), at most ASSET_MAX_BYTES for the whole
        upload and ASSET_MAX_PIXELS (413), a still image that decodes (422). It is turned
        upright and stripped of its metadata (EXIF, GPS), and rendered to RENDITION_WIDTHS
        (and its own width, if no wider) in WebP and its own format.
        """
        upload = files["file"]
        asset, new = upload_asset(
            db.session, Blobs(db.session), upload.read(), upload.filename or None, _limits(), by=actor()
        )
        db.session.commit()
        return asset, 201 if new else 200


@blp.route("/<id:asset_id>")
class AssetView(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, AssetSchema, example=ASSET_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getAsset")
    def get(self, asset_id):
        """Get an asset"""
        return find_asset(db.session, asset_id)

    @blp.requires(Role.PUBLISHER)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="deleteAsset")
    def delete(self, asset_id):
        """Delete an asset

        With its renditions, whose URLs then answer 404. An asset an article's draft, any of
        its revisions (a restore would bring it back) or an overlay shows is a 409 naming them.
        """
        delete_asset(db.session, Blobs(db.session), find_asset(db.session, asset_id), by=actor())
        db.session.commit()
