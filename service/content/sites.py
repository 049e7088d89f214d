"""Sites: each clinic frontend's details ({{site.*}} variables), origins and overlays, and
the article as that site serves it."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.content.overlay import apply_overlay, check_overlay
from service.content.placeholders import MissingVariables, fill, placeholders_in
from service.models import Article, Revision, Site, SiteOverlay


class SiteConflict(Exception):
    """The change would clash with another site."""


def list_sites(session: Session) -> list[Site]:
    return list(session.scalars(select(Site).order_by(Site.key)))


def find_site(session: Session, key: str) -> Site | None:
    return session.scalar(select(Site).where(Site.key == key))


def overlays_of(session: Session, article_id: int) -> dict[int, dict[str, Any]]:
    """Each site's overlay for one article, by site id."""
    rows = session.execute(
        select(SiteOverlay.site_id, SiteOverlay.overlay).where(SiteOverlay.article_id == article_id)
    )
    return {site_id: overlay for site_id, overlay in rows}


def overlay_for(session: Session, site: Site, article_id: int) -> dict[str, Any]:
    return overlays_of(session, article_id).get(site.id, {})


def site_document(document: dict[str, Any], site: Site, overlay: dict[str, Any]) -> dict[str, Any]:
    """The article as one site serves it: its overlay applied, its variables filled in."""
    with_overlay = apply_overlay(document, overlay)
    missing = placeholders_in(with_overlay) - site.variables.keys()
    if missing:
        raise MissingVariables({site.key: sorted(missing)})
    return fill(with_overlay, site.variables)


def check_sites_cover(session: Session, article_id: int | None, document: dict[str, Any]) -> None:
    """Before publishing: every site must have a value for every placeholder it would show.
    An article with placeholders needs at least one site to be seen at all."""
    overlays = overlays_of(session, article_id) if article_id else {}
    missing = {}
    sites = list_sites(session)
    for site in sites:
        needed = placeholders_in(apply_overlay(document, overlays.get(site.id, {})))
        if needed - site.variables.keys():
            missing[site.key] = sorted(needed - site.variables.keys())
    if not sites and placeholders_in(document):
        missing["(no site yet)"] = sorted(placeholders_in(document))
    if missing:
        raise MissingVariables(missing)


def live_documents_using(session: Session, site: Site) -> list[tuple[int, dict[str, Any]]]:
    """(article id, live document) of every published article, to check a site change against."""
    rows = session.execute(
        select(Article.id, Revision.document).join(Revision, Article.published_revision_id == Revision.id)
    )
    return [(article_id, document) for article_id, document in rows]


def save_site(session: Session, site: Site, data: dict[str, Any]) -> Site:
    """Create or update a site; its variables must still fill every live article it shows."""
    other = session.scalar(select(Site.id).where(Site.key == data["key"]))
    if other is not None and other != site.id:
        raise SiteConflict(f"another site has the key {data['key']!r}")
    for name, value in data.items():
        setattr(site, name, value)
    if site.id is not None:
        overlays = {
            row.article_id: row.overlay
            for row in session.scalars(select(SiteOverlay).where(SiteOverlay.site_id == site.id))
        }
        for article_id, document in live_documents_using(session, site):
            site_document(document, site, overlays.get(article_id, {}))  # raises MissingVariables
    session.add(site)
    session.flush()
    return site


def set_overlay(
    session: Session, site: Site, article_id: int, document: dict[str, Any], overlay: dict[str, Any]
) -> None:
    """Save a site's overlay for an article, checked against the article's draft document."""
    check_overlay(document, overlay)
    row = session.scalar(
        select(SiteOverlay).where(SiteOverlay.site_id == site.id, SiteOverlay.article_id == article_id)
    )
    if row is None:
        row = SiteOverlay(site_id=site.id, article_id=article_id)
        session.add(row)
    row.overlay = overlay
    session.flush()
