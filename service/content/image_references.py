"""An image in an article: a reference to an asset of the media library, with what the page
needs beside it. Alt text is required (for those who cannot see it) unless the image is
explicitly decorative; a photo of people says that their consent to publish it is recorded.
Delivery adds where to load it from: `src`, a `srcset` per format, and its size, so a page
reserves its place before it loads (no layout shift)."""

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.content.assets import media_path
from service.content.errors import InvalidDocument
from service.content.patterns import Pattern
from service.content.text_fields import text_field
from service.models import Asset
from service.models.lengths import MAX_ID, TITLE_LENGTH

IMAGE_FIELDS = ("hero_image", "social_image")


DIGEST_PATTERN = Pattern("^[0-9a-f]{64}$", error="An asset's digest: 64 lowercase hexadecimal digits.")


class ImageSchema(ma.Schema):
    asset = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={
            "description": "The asset's id (POST /v1/manage/assets); or, instead, its asset_digest.",
            "example": 1,
        },
    )
    asset_digest = fields.String(
        validate=DIGEST_PATTERN,
        metadata={
            "description": "Instead of `asset`: the asset's digest (the SHA-256 of its bytes), as "
            "export names it, so that the image is found in any database (ids differ). Stored as "
            "the asset's id.",
            "example": "3f5a2c1e9b8d7f6a5c4e3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e",
        },
    )
    alt = text_field(
        required=False,
        max_length=TITLE_LENGTH,
        description="What the image shows, for those who cannot see it. Required unless decorative.",
        example="A spine specialist talks a patient through an MRI scan.",
    )
    decorative = fields.Boolean(
        load_default=False,
        metadata={"description": "Adds nothing to the text: no alt text, screen readers skip it."},
    )
    caption = text_field(required=False, max_length=TITLE_LENGTH)
    credit = text_field(required=False, max_length=TITLE_LENGTH, example="Photo: Renova Clinic")
    shows_people = fields.Boolean(
        load_default=False, metadata={"description": "Identifiable people (patients, staff) are in it."}
    )
    consent_recorded = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Their written consent to publish it is on file: required when shows_people."
        },
    )

    @ma.validates_schema
    def _described_and_consented(self, data: dict[str, Any], **_: Any) -> None:
        errors = {}
        if "asset" in data and "asset_digest" in data:
            errors["asset_digest"] = ["Name the asset by its id or by its digest, not both."]
        if "asset" not in data and "asset_digest" not in data:
            errors["asset"] = ["Missing data for required field."]
        if data["decorative"] and data.get("alt"):
            errors["alt"] = ["A decorative image has no alt text: screen readers skip it."]
        if not data["decorative"] and not data.get("alt"):
            errors["alt"] = ["Say what the image shows, or mark it decorative."]
        if data["shows_people"] and not data["consent_recorded"]:
            errors["consent_recorded"] = ["A photo of people needs their consent to publish it recorded."]
        if errors:
            raise ma.ValidationError(errors)


def image_field(description: str) -> fields.Nested:
    return fields.Nested(
        ImageSchema, load_default=None, allow_none=True, metadata={"description": description}
    )


def resolve_assets(session: Session, document: dict[str, Any]) -> None:
    """Every image of a document names an asset of the library, by its id (resolve_image_assets)."""
    resolve_image_assets(session, {name: document.get(name) for name in IMAGE_FIELDS})


def resolve_image_assets(session: Session, images: dict[str, dict[str, Any] | None]) -> None:
    """Each image (by field name; none: no image) names an asset of the library: one named by
    its digest (as export names it) is changed, in place, to name it by its id here, as images
    are stored. A 422 names each asset the library lacks."""
    named = {name: image for name, image in images.items() if image}
    digests = {image["asset_digest"] for image in named.values() if "asset_digest" in image}
    found = (
        dict(session.execute(select(Asset.digest, Asset.id).where(Asset.digest.in_(digests))).all())
        if digests
        else {}
    )
    missing = {}
    for name, image in named.items():
        if "asset_digest" in image and image["asset_digest"] in found:
            image["asset"] = found[image.pop("asset_digest")]
        elif "asset_digest" in image:
            missing[f"{name}.asset_digest"] = [f"There is no asset {image['asset_digest']}."]
    ids = {name: image["asset"] for name, image in named.items() if "asset" in image}
    known = set(session.scalars(select(Asset.id).where(Asset.id.in_(ids.values())))) if ids else set()
    missing |= {
        f"{name}.asset": [f"There is no asset {asset}."] for name, asset in ids.items() if asset not in known
    }
    if missing:
        raise InvalidDocument(missing)


def with_asset_digests(session: Session, document: dict[str, Any]) -> dict[str, Any]:
    """A copy of a JSON-ready document whose images name their assets by digest: what export
    gives, so that an import into another database finds the same images."""
    named = {document[name]["asset"] for name in IMAGE_FIELDS if document.get(name)}
    if not named:
        return document
    digests = dict(session.execute(select(Asset.id, Asset.digest).where(Asset.id.in_(named))).all())
    result = dict(document)
    for name in IMAGE_FIELDS:
        if image := document.get(name):
            result[name] = {k: v for k, v in image.items() if k != "asset"} | {
                "asset_digest": digests[image["asset"]]
            }
    return result


def with_image_sources(session: Session, document: dict[str, Any]) -> dict[str, Any]:
    """A copy of a JSON-ready document whose images say where to load them from."""
    named = {document[name]["asset"] for name in IMAGE_FIELDS if document.get(name)}
    if not named:
        return document
    assets = {asset.id: asset for asset in session.scalars(select(Asset).where(Asset.id.in_(named)))}
    result = dict(document)
    for name in IMAGE_FIELDS:
        image = document.get(name)
        if image and image["asset"] in assets:
            result[name] = image | image_sources(assets[image["asset"]])
    return result


def image_sources(asset: Asset) -> dict[str, Any]:
    """`src` (the largest rendition in the asset's own format, or WebP's for an AVIF: what a
    browser without AVIF, and what Open Graph's readers, can show), `width` and `height` (its
    size: a page keeps the ratio), and a `srcset` per format, WebP first."""
    by_type: dict[str, list[Any]] = {}
    for rendition in sorted(asset.renditions, key=lambda r: r.width):
        by_type.setdefault(rendition.media_type, []).append(rendition)
    largest = by_type["image/webp" if asset.media_type == "image/avif" else asset.media_type][-1]
    sources = [
        {
            "type": media_type,
            "srcset": ", ".join(f"{media_path(r)} {r.width}w" for r in renditions),
        }
        for media_type, renditions in sorted(by_type.items(), key=lambda item: item[0] != "image/webp")
    ]
    return {"src": media_path(largest), "width": largest.width, "height": largest.height, "sources": sources}
