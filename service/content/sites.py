"""Sites: each clinic frontend's details ({{site.*}} variables), origins and overlays, and
the article as that site serves it. The acts, logged: create_site, replace_site, delete_site
(an overlay's are in content.site_overlays)."""

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.content.errors import InvalidDocument
from service.content.overlay import apply_overlay, check_overlay
from service.content.patterns import WEB_URL
from service.content.placeholders import MissingVariables, fill, placeholders_in
from service.content.webhooks import announce
from service.models import Article, Experiment, ExperimentStatus, Revision, Site, SiteOverlay, WebhookEvent


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
    overlay = session.scalar(
        select(SiteOverlay.overlay).where(
            SiteOverlay.site_id == site.id, SiteOverlay.article_id == article_id
        )
    )
    return overlay or {}


WEB_LINK = re.compile(WEB_URL, re.ASCII)


def site_document(document: dict[str, Any], site: Site, *overlays: dict[str, Any]) -> dict[str, Any]:
    """The article as one site serves it: its overlays applied (the site's, then an
    experiment variant's), then its variables filled in."""
    for overlay in overlays:
        document = apply_overlay(document, overlay)
    missing = placeholders_in(document) - site.variables.keys()
    if missing:
        raise MissingVariables({site.key: sorted(missing)})
    filled = fill(document, site.variables)
    cta = filled.get("call_to_action") or {}
    if cta.get("button_url") and not WEB_LINK.fullmatch(cta["button_url"]):
        # A variable is any text: one that is not a web address (javascript:...) never
        # becomes a link frontends would follow.
        filled["call_to_action"] = {**cta, "button_url": None}
    return filled


def variant_overlays(session: Session, article_id: int | None, site: Site) -> list[dict[str, Any]]:
    """The overlays of every variant that may be shown on this site for the article: those of
    its experiments that are not stopped and that include the site."""
    if article_id is None:
        return []
    experiments = session.scalars(
        select(Experiment).where(
            Experiment.article_id == article_id, Experiment.status != ExperimentStatus.STOPPED
        )
    )
    return [
        variant.overlay
        for experiment in experiments
        if not experiment.sites or site.key in experiment.sites
        for variant in experiment.variants
    ]


def needed_variables(
    session: Session, site: Site, article_id: int | None, document: dict[str, Any], overlay: dict[str, Any]
) -> set[str]:
    """Every variable the site may need to show this article, whichever variant a visitor gets."""
    needed = placeholders_in(apply_overlay(document, overlay))
    for variant in variant_overlays(session, article_id, site):
        needed |= placeholders_in(variant)
    return needed


def check_sites_cover(session: Session, article_id: int | None, document: dict[str, Any]) -> None:
    """Before publishing: every site overlay must still fit the article (a key it names may be
    gone), and every site must have a value for every placeholder it could show. An article
    with placeholders needs at least one site to be seen at all."""
    overlays = overlays_of(session, article_id) if article_id else {}
    sites = list_sites(session)
    for site in sites:
        if site.id in overlays:
            try:
                check_overlay(document, overlays[site.id])
            except InvalidDocument as error:
                problems = "; ".join(f"{e['field']}: {e['message']}" for e in error.errors)
                raise SiteConflict(
                    f"site {site.key}'s overlay no longer fits the article ({problems})"
                ) from error
    missing = {}
    for site in sites:
        lacking = (
            needed_variables(session, site, article_id, document, overlays.get(site.id, {}))
            - site.variables.keys()
        )
        if lacking:
            missing[site.key] = sorted(lacking)
    if not sites and placeholders_in(document):
        missing["(no site yet)"] = sorted(placeholders_in(document))
    if missing:
        raise MissingVariables(missing)


def _check_published_articles(session: Session, site: Site, overlays: dict[int, dict[str, Any]]) -> None:
    """The site's variables must fill every published article as the site would show it."""
    rows = session.execute(
        select(Article.id, Revision.document).join(Revision, Article.published_revision_id == Revision.id)
    )
    for article_id, document in rows:
        lacking = (
            needed_variables(session, site, article_id, document, overlays.get(article_id, {}))
            - site.variables.keys()
        )
        if lacking:
            raise MissingVariables({site.key: sorted(lacking)})


def save_site(session: Session, site: Site, data: dict[str, Any]) -> Site:
    """Create or update a site; its variables must fill every published article it would show."""
    other = session.scalar(select(Site.id).where(Site.key == data["key"]))
    if other is not None and other != site.id:
        raise SiteConflict(f"another site has the key {data['key']!r}")
    for name, value in data.items():
        setattr(site, name, value)
    overlays = {}
    if site.id is not None:
        rows = session.execute(
            select(SiteOverlay.article_id, SiteOverlay.overlay).where(SiteOverlay.site_id == site.id)
        )
        overlays = {article_id: overlay for article_id, overlay in rows}
    _check_published_articles(session, site, overlays)
    session.add(site)
    session.flush()
    return site


def create_site(session: Session, data: dict[str, Any], *, by: Actor) -> Site:
    site = save_site(session, Site(), data)
    by.record(session, "site.created", site=site.key)
    announce(session, WebhookEvent.SITE_CREATED, site=site.key)
    return site


def replace_site(session: Session, site: Site, data: dict[str, Any], *, by: Actor) -> None:
    save_site(session, site, data)
    by.record(session, "site.updated", site=site.key)
    announce(session, WebhookEvent.SITE_UPDATED, site=site.key)


def delete_site(session: Session, site: Site, *, by: Actor) -> None:
    by.record(session, "site.deleted", site=site.key)
    announce(session, WebhookEvent.SITE_DELETED, site=site.key)
    session.delete(site)
    session.flush()


def check_variants_cover(session: Session, site_keys: list[str], overlays: list[dict[str, Any]]) -> None:
    """Every site an experiment runs on must have a value for each placeholder its variants use."""
    used = set().union(*(placeholders_in(overlay) for overlay in overlays))
    missing = {
        site.key: sorted(used - site.variables.keys())
        for site in list_sites(session)
        if (not site_keys or site.key in site_keys) and used - site.variables.keys()
    }
    if missing:
        raise MissingVariables(missing)


def site_cards(session: Session, site: Site, cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Article cards as the site shows them: its overlays' title and summary, its variables."""
    rows = session.execute(
        select(SiteOverlay.article_id, SiteOverlay.overlay).where(
            SiteOverlay.site_id == site.id, SiteOverlay.article_id.in_([card["id"] for card in cards])
        )
    )
    overlays = {article_id: overlay.get("fields", {}) for article_id, overlay in rows}
    shown = []
    for card in cards:
        texts = {name: overlays.get(card["id"], {}).get(name, card[name]) for name in ("title", "summary")}
        # The publish and site checks leave no placeholder without a value; were one to slip
        # through, it shows as nothing rather than as {{site.x}}.
        blanks = {name: "" for name in placeholders_in(texts)}
        shown.append({**card, **fill(texts, blanks | site.variables)})
    return shown
