"""Delivery per site: the published article with the site's overlay and details filled in,
readable by the site's own browser origins."""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from flask import Response, current_app, request, url_for
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields, validate

from service.api.blueprint import ServiceBlueprint
from service.api.caching import (
    assigned_key,
    cached,
    cached_view,
    cards_key,
    experiment_key,
    origins_key,
    private,
    public,
    site_article_key,
    variant_key,
    vary_on,
)
from service.api.delivery import (
    CACHE_HEADERS,
    CARD_EXAMPLE,
    DELIVERY_PARAMETERS,
    NOT_MODIFIED,
    delivered_article_docs,
    send_page,
)
from service.api.delivery_schemas import (
    ArticleCardSchema,
    ArticleListQuerySchema,
    ArticleQuerySchema,
    SiteDeliveredArticleSchema,
)
from service.api.lookup import found_or_404
from service.config import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from service.content import purging
from service.content.bots import is_bot
from service.content.delivery import Answer, CardPage, find_published_revision, list_published
from service.content.document import SLUG_PATTERN
from service.content.experiments import Arm, RunningExperiment, running_for, variant_for
from service.content.publishing import delivery_body, expanded, in_key_order
from service.content.sites import find_site, overlay_for, site_cards, site_document
from service.content.structured_data import structured_data
from service.extensions import db
from service.models import Revision, Site
from service.models.lengths import VISITOR_LENGTH

blp = ServiceBlueprint(
    "Site delivery",
    __name__,
    url_prefix="/v1/sites",
    description="Published articles as each clinic site shows them: its overlay, its phone, its links.",
)


def site_origins(key: str) -> frozenset[str]:
    """The site's browser origins (none for a site that does not exist)."""

    def read() -> frozenset[str]:
        site = find_site(db.session, key)
        return frozenset(site.origins if site else ())

    return cached(origins_key(key), read)


ORIGIN = "Origin"  # (the request header each site's CORS answer varies on)


@blp.after_request
def allow_site_origins(response: Response) -> Response:
    """CORS per site: only the site's own origins may read its articles from a browser. A
    failure (5xx) is not looked up: the database its lookup needs may be why it failed."""
    vary_on(response, ORIGIN)
    current = request._get_current_object()  # (as in caching.cached_view)
    origin = current.headers.get(ORIGIN)
    if origin and response.status_code < 500:
        origins = site_origins((current.view_args or {}).get("site", ""))
        for name, value in site_cors_headers(origin, origins, current.method):
            response.headers.add(name, value)  # (add: nothing set them before)
    return response


def site_cors_headers(origin: str, origins: frozenset[str], method: str) -> list[tuple[str, str]]:
    """The CORS headers for a request from `origin` to a site whose origins are `origins`
    (none unless it is one of them). Flask's path and api.kept_answers both send these."""
    if origin not in origins:
        return []
    # (Content-Language is a CORS-safelisted response header: readable unexposed)
    headers = [("Access-Control-Allow-Origin", origin), ("Access-Control-Expose-Headers", "ETag")]
    if method == "OPTIONS":
        headers += [
            ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
            ("Access-Control-Allow-Headers", "If-None-Match"),
            ("Access-Control-Max-Age", "600"),
        ]
    return headers


class SiteArticleQuerySchema(ArticleQuerySchema):
    visitor = fields.String(
        validate=validate.Length(min=1, max=VISITOR_LENGTH),
        metadata={"description": "A stable visitor id: assigns a variant of a running experiment."},
    )
    variant = fields.String(
        validate=SLUG_PATTERN, metadata={"description": "QA: force this variant of the running experiment."}
    )


def requested_site(key: str) -> Site:
    return found_or_404(find_site(db.session, key), f"There is no site {key!r}.")


@dataclass(frozen=True)
class Running:
    """The experiment running on an article for a site, or None: all assignment needs."""

    experiment: RunningExperiment | None


class ArticleForSite:
    """One published article as one site shows it. What the cache lacks is read from the
    database once per request, whichever answers need it."""

    def __init__(self, site: str, slug: str, locale: str | None) -> None:
        self.site_key, self.slug, self.locale = site, slug, locale

    @cached_property
    def found(self) -> tuple[Site, Revision]:
        """The site, and the revision published at the slug; 404s otherwise."""
        site = requested_site(self.site_key)
        revision = find_published_revision(
            db.session, self.slug, self.locale, current_app.config["DEFAULT_LOCALE"]
        )
        return site, found_or_404(revision, f"No published article has the slug {self.slug!r}.")

    def running(self) -> Running:
        _, revision = self.found
        running = running_for(db.session, revision.article_id, self.site_key, revision.locale)
        return Running(running and RunningExperiment.of(running))

    def render(self, variant: Arm | None = None, experiment: str | None = None, **extra: Any) -> Answer:
        """The article as the site shows it (in `variant` of its running `experiment`), serialised."""
        site, revision = self.found
        overlays = [overlay_for(db.session, site, revision.article_id)]
        if variant is not None:
            overlays.append(variant.overlay)
        # (rendered from the stored document: in one member order on every database)
        document = in_key_order(expanded(db.session, site_document(revision.document, site, *overlays)))
        jsonld = structured_data(document, site, revision.published_at, request.url_root)
        body, etag = delivery_body(
            revision.article_id,
            revision.number,
            revision.published_at,
            document,
            structured_data=jsonld,
            **extra,
        )
        tags = [
            purging.article_key(revision.article_id),
            purging.site_key(site.key),
            purging.site_article_key(site.key, revision.article_id),
        ]
        if experiment is not None:
            tags.append(purging.experiment_key(experiment))
        return Answer(body.encode(), etag, revision.locale, tags=tuple(tags))


def variant_or_404(experiment: RunningExperiment, key: str) -> Arm:
    return found_or_404(experiment.variant(key), f"Experiment {experiment.key!r} has no variant {key!r}.")


@blp.route("/<slug:site>/articles", parameters=DELIVERY_PARAMETERS)
class SiteArticles(MethodView):
    @cached_view
    @blp.arguments(ArticleListQuerySchema, location="query")
    @blp.response(200, ArticleCardSchema(many=True), example=[CARD_EXAMPLE], headers=CACHE_HEADERS)
    @blp.alt_response(304, **NOT_MODIFIED)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.paginate(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listSiteArticles")
    def get(self, filters, pagination_parameters, site):
        """List published articles for a site

        As the site shows them (its title and summary overlays, its details filled in),
        those written for each site included. Newest first; the total is in X-Pagination.
        """
        first, size = pagination_parameters.first_item, pagination_parameters.page_size
        return send_page(
            cards_key(first, size, filters, site=site),
            lambda: site_page(site, first, size, filters),
            pagination_parameters,
            tags=(purging.LISTS, purging.site_key(site)),
        )


def site_page(site: str, first: int, size: int, filters: dict) -> CardPage:
    found_site = requested_site(site)
    page = list_published(db.session, offset=first, limit=size, per_site=True, **filters)
    return CardPage(site_cards(db.session, found_site, page.cards), page.total)


@blp.route("/<slug:site>/articles/<slug:slug>", parameters=DELIVERY_PARAMETERS)
class SiteArticle(MethodView):
    @cached_view(per_visitor=["visitor"])
    @blp.arguments(SiteArticleQuerySchema, location="query")
    @delivered_article_docs(
        blp,
        "getSiteArticle",
        "No such site, or no published article with this slug (in this locale).",
        SiteDeliveredArticleSchema,
    )
    def get(self, query, site, slug):
        """Get a published article for a site

        The article's published revision, with the site's overlay applied and its
        {{site.*}} placeholders filled in; Markdown fields come with their HTML. With
        `visitor`, and an experiment running on the article for this site and locale, the
        visitor's variant, and `assignment` saying which (with the variant's own cacheable
        URL); visitors outside the experiment's coverage get control, not in the experiment.
        """
        locale = query.get("locale")
        article = ArticleForSite(site, slug, locale)
        running = cached(experiment_key(site, slug, locale), article.running).experiment
        if running is not None and "variant" in query:
            # QA: seen on purpose, so not in the experiment (no exposure)
            chosen = VisitorsAnswer(site, slug, locale, variant_or_404(running, query["variant"]), False)
        elif "visitor" in query:
            # (The header itself: request.user_agent builds a parsing object for each request.)
            chosen = visitors_answer(
                running, site, slug, locale, query["visitor"], request.headers.get("User-Agent")
            )
        else:
            return public(cached(site_article_key(site, slug, locale), article.render))
        if chosen.variant is None:
            return (public if chosen.public else private)(cached(chosen.key, article.render))
        return private(
            cached(
                chosen.key,
                lambda: article.render(chosen.variant, running.key, assignment=chosen.assignment(running)),
            )
        )


@dataclass(frozen=True)
class VisitorsAnswer:
    """The answer a request with a visitor id (or a variant forced for QA) gets: the site's
    article, public when no experiment runs on it and one visitor's for a bot, or a variant
    with its assignment, one visitor's."""

    site: str
    slug: str
    locale: str | None
    variant: Arm | None = None
    in_experiment: bool = False
    public: bool = False

    @property
    def key(self) -> tuple[Any, ...]:
        """Where the delivery cache keeps it."""
        if self.variant is None:
            return site_article_key(self.site, self.slug, self.locale)
        return assigned_key(self.site, self.slug, self.locale, self.variant.key, self.in_experiment)

    def assignment(self, running: RunningExperiment) -> dict[str, Any]:
        """What a variant's answer says of it (with the variant's own cacheable URL)."""
        assert self.variant is not None
        return {
            "experiment": running.key,
            "variant": self.variant.key,
            "in_experiment": self.in_experiment,
            "variant_url": url_for(
                "Site delivery.SiteArticleVariant",
                site=self.site,
                slug=self.slug,
                experiment=running.key,
                variant=self.variant.key,
                **({"locale": self.locale} if self.locale else {}),
            ),
        }


def visitors_answer(
    running: RunningExperiment | None,
    site: str,
    slug: str,
    locale: str | None,
    visitor: str,
    user_agent: str | None,
) -> VisitorsAnswer:
    """Which answer a visitor gets, on Flask's path and before it (api.kept_answers)."""
    if running is None:
        return VisitorsAnswer(site, slug, locale, public=True)
    if is_bot(user_agent):  # bots are not visitors: control, no assignment
        return VisitorsAnswer(site, slug, locale)
    variant, in_experiment = variant_for(running, visitor)
    return VisitorsAnswer(site, slug, locale, variant, in_experiment)


@blp.route(
    "/<slug:site>/articles/<slug:slug>/variants/<slug:experiment>/<slug:variant>",
    parameters=DELIVERY_PARAMETERS,
)
class SiteArticleVariant(MethodView):
    @cached_view
    @blp.arguments(ArticleQuerySchema, location="query")
    @delivered_article_docs(
        blp, "getSiteArticleVariant", "No such site, article, running experiment or variant."
    )
    def get(self, query, site, slug, experiment, variant):
        """Get one variant of an article for a site

        The same for every visitor, so CDNs cache each variant under its own URL and ETag:
        an edge that assigns visitors itself (GrowthBook hash v2 on the experiment's seed)
        fetches the variant it chose from here.
        """
        locale = query.get("locale")
        article = ArticleForSite(site, slug, locale)
        running = cached(experiment_key(site, slug, locale), article.running).experiment
        if running is None or running.key != experiment:
            abort(404, message=f"Experiment {experiment!r} is not running on this article for this site.")
        arm = variant_or_404(running, variant)
        return public(
            cached(variant_key(site, slug, locale, variant), lambda: article.render(arm, running.key))
        )
