"""The media library: images uploaded once, rendered once, served from where every app host
reads them; an asset articles use cannot be deleted.

The bytes sit behind one small interface, Storage: in the database by default (Blobs), so
that many stateless app hosts need nothing shared but the database.

The acts: upload_asset and delete_asset."""

import hashlib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.content.images import EXTENSIONS, prepare_image
from service.models import (
    Article,
    Asset,
    Blob,
    Experiment,
    OverlayVersion,
    Person,
    Rendition,
    Revision,
    SiteOverlay,
    Variant,
    VariantsVersion,
)
from service.models.lengths import NAME_LENGTH


class AssetNotFound(LookupError):
    """No asset, or no rendition, by that id or digest."""


class AssetInUse(Exception):
    """An article's draft, one of its revisions, an overlay or a person's photo shows the asset."""


class Storage(Protocol):
    """Where renditions' bytes are kept, by their SHA-256."""

    def put(self, digest: str, data: bytes) -> None: ...

    def get(self, digest: str) -> bytes | None: ...

    def delete(self, digests: Iterable[str]) -> None: ...


@dataclass(frozen=True)
class Blobs:
    """Storage in the database, in the same transaction as the asset's rows."""

    session: Session

    def put(self, digest: str, data: bytes) -> None:
        if self.session.get(Blob, digest) is None:
            self.session.add(Blob(digest=digest, data=data))

    def get(self, digest: str) -> bytes | None:
        return self.session.scalar(select(Blob.data).where(Blob.digest == digest))

    def delete(self, digests: Iterable[str]) -> None:
        self.session.execute(delete(Blob).where(Blob.digest.in_(list(digests))))


@dataclass(frozen=True)
class Limits:
    max_pixels: int
    widths: tuple[int, ...]


def media_path(rendition: Rendition) -> str:
    """A rendition's immutable address: its bytes' digest (a new image, a new address)."""
    return f"/v1/media/{rendition.digest}.{EXTENSIONS[rendition.media_type]}"


def kept_filename(name: str | None) -> str | None:
    """The name an upload came with, kept only for people to recognise it: without control
    characters or lone surrogates (which no database here stores), and at most NAME_LENGTH
    long, its extension kept."""
    if name is None:
        return None
    kept = "".join(char for char in name if unicodedata.category(char) not in ("Cc", "Cs"))
    if len(kept) > NAME_LENGTH:
        _, dot, extension = kept.rpartition(".")
        suffix = f".{extension}" if dot and len(extension) <= 10 else ""
        kept = kept[: NAME_LENGTH - len(suffix)] + suffix
    return kept or None


def upload_asset(
    session: Session, storage: Storage, data: bytes, filename: str | None, limits: Limits, *, by: Actor
) -> tuple[Asset, bool]:
    """The asset of these bytes, and whether it is new: checked and rendered (content.images)
    the first time they are uploaded, the same asset every time after."""
    digest = hashlib.sha256(data).hexdigest()
    existing = session.scalar(select(Asset).where(Asset.digest == digest))
    if existing is not None:
        return existing, False
    prepared = prepare_image(data, max_pixels=limits.max_pixels, widths=limits.widths)
    asset = Asset(
        digest=digest,
        media_type=prepared.media_type,
        width=prepared.width,
        height=prepared.height,
        byte_size=len(data),
        filename=kept_filename(filename),
        created_by=by.name,
    )
    for encoded in prepared.renditions:
        storage.put(encoded.digest, encoded.data)
        asset.renditions.append(
            Rendition(
                digest=encoded.digest,
                media_type=encoded.media_type,
                width=encoded.width,
                height=encoded.height,
                byte_size=len(encoded.data),
            )
        )
    session.add(asset)
    session.flush()
    by.record(session, "asset.uploaded", asset=asset.id, media_type=asset.media_type, bytes=len(data))
    return asset, True


def find_asset(session: Session, asset_id: int) -> Asset:
    asset = session.get(Asset, asset_id)
    if asset is None:
        raise AssetNotFound(f"there is no asset {asset_id}")
    return asset


def find_rendition(session: Session, digest: str) -> Rendition:
    rendition = session.scalar(select(Rendition).where(Rendition.digest == digest).limit(1))
    if rendition is None:
        raise AssetNotFound(f"there is no image {digest}")
    return rendition


def list_assets(session: Session, *, unused: bool = False) -> list[Asset]:
    """Every asset, newest first; `unused`: only those nothing shows."""
    assets = list(session.scalars(select(Asset).order_by(Asset.id.desc())))
    if not unused:
        return assets
    used = assets_in_use(session)
    return [asset for asset in assets if asset.id not in used]


def delete_asset(session: Session, storage: Storage, asset: Asset, *, by: Actor) -> None:
    """Delete an asset nothing shows, and its renditions' bytes."""
    users = assets_in_use(session).get(asset.id)
    if users:
        raise AssetInUse(
            f"asset {asset.id} is shown by article {', '.join(map(str, sorted(users)))}: it stays"
        )
    digests = [rendition.digest for rendition in asset.renditions]
    session.delete(asset)
    session.flush()
    still_kept = set(session.scalars(select(Rendition.digest).where(Rendition.digest.in_(digests))))
    storage.delete(set(digests) - still_kept)
    by.record(session, "asset.deleted", asset=asset.id)


def assets_in_use(session: Session) -> dict[int, set[str]]:
    """Each asset something shows, and what shows it ("article 3", "person dr-chen"): an
    article's draft, any of its revisions (a restore brings it back), a site's or a variant's
    overlay of it, or a person's record."""
    users: dict[int, set[str]] = {}
    sources: list[tuple[str, Any]] = [
        ("article", select(Article.id, Article.hero_image, Article.social_image)),
        ("article", select(Revision.article_id, Revision.document)),
        ("article", select(SiteOverlay.article_id, SiteOverlay.overlay)),
        ("article", select(SiteOverlay.article_id, OverlayVersion.overlay).join(SiteOverlay)),
        ("article", select(Experiment.article_id, Variant.overlay).join(Experiment)),
        ("article", select(Experiment.article_id, VariantsVersion.document).join(Experiment)),
        ("person", select(Person.key, Person.photo)),
    ]
    for kind, query in sources:
        for user, *documents in session.execute(query):
            for asset_id in _asset_ids(documents):
                users.setdefault(asset_id, set()).add(f"{kind} {user}")
    return users


def _asset_ids(value: Any) -> Iterator[int]:
    """The assets an image reference ({"asset": id, "alt": ...}) anywhere in `value` names."""
    if isinstance(value, dict):
        if isinstance(value.get("asset"), int) and ("alt" in value or "decorative" in value):
            yield value["asset"]
        for item in value.values():
            yield from _asset_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _asset_ids(item)
