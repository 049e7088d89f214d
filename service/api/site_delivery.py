"""Delivery per site: the published article with the site's overlay and details filled in,
readable by the site's own browser origins."""

from dataclasses import dataclass

from flask import Response, current_app, request, url_for
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields, validate

from service.api.blueprint import ServiceBlueprint
from service.api.delivery import (
    CACHE_HEADERS,
    CARD_EXAMPLE,
    IF_NONE_MATCH,
    NOT_MODIFIED,
    answer_again,
    cached,
    delivered_article_docs,
    remember_answer,
    send,
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
from service.content.delivery import Answer, CardPage, find_live_revision, list_published
from service.content.document import SLUG_PATTERN
from service.content.experiments import Arm, RunningExperiment, running_for, variant_for
from service.content.publishing import delivery_body
from service.content.sites import find_site, overlay_for, site_cards, site_document
from service.content.structured_data import structured_data
from service.extensions import db
from service.models import Revision, Site

blp = ServiceBlueprint(
    "Site delivery",
    __name__,
    url_prefix="/v1/sites",
    description="Published articles as each clinic site shows them: its overlay, its phone, its links.",
)
blp.before_request(answer_again)
blp.after_request(remember_answer)


@dataclass(frozen=True)
class SiteOrigins:
    origins: frozenset[str]  # empty for a site that does not exist
    size: int = 200


def site_origins(key: str) -> frozenset[str]:
    def read() -> SiteOrigins:
        site = find_site(db.session, key)
        return SiteOrigins(frozenset(site.origins if site else ()))

    return cached(("origins", key), read).origins


@blp.after_request
def allow_site_origins(response: Response) -> Response:
    """CORS per site: only the site's own origins may read its articles from a browser. A
    failure (5xx) is not looked up: the database its lookup needs may be why it failed."""
    response.headers.add("Vary", "Origin")
    current = request._get_current_object()  # (as in delivery.answer_again)
    origin = current.headers.get("Origin")
    if (
        origin
        and response.status_code < 500
        and origin in site_origins((current.view_args or {}).get("site", ""))
    ):
        response.headers.add("Access-Control-Allow-Origin", origin)  # (add: nothing set them before)
        response.headers.add("Access-Control-Expose-Headers", "ETag, Content-Language")
        if current.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
            response.headers["Access-Control-Max-Age"] = "600"
    return response


class SiteArticleQuerySchema(ArticleQuerySchema):
    visitor = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "A stable visitor id: assigns a variant of a running experiment."},
    )
    variant = fields.String(
        validate=SLUG_PATTERN, metadata={"description": "QA: force this variant of the running experiment."}
    )


def requested_site(key: str) -> Site:
    return found_or_404(find_site(db.session, key), f"There is no site {key!r}.")


def live_for_site(site: str, slug: str, locale: str | None) -> tuple[Revision, Site]:
    """The revision live at this slug, and the site; 404s otherwise."""
    found_site = requested_site(site)
    revision = found_or_404(
        find_live_revision(db.session, slug, locale, current_app.config["DEFAULT_LOCALE"]),
        f"No published article has the slug {slug!r}.",
    )
    return revision, found_site


@dataclass(frozen=True)
class LiveExperiment:
    """The experiment running on an article for a site, if any: all assignment needs."""

    running: RunningExperiment | None

    @property
    def size(self) -> int:
        return 200 + len(repr(self.running))  # its variants' overlays may be long


def live_experiment(site: str, slug: str, locale: str | None) -> LiveExperiment:
    revision, _ = live_for_site(site, slug, locale)
    running = running_for(db.session, revision.article_id, site, revision.locale)
    return LiveExperiment(running and RunningExperiment.of(running))


def render(site: str, slug: str, locale: str | None, variant: str | None = None, **extra) -> Answer:
    """The article as `site` shows it (in `variant` of its running experiment), serialised."""
    revision, found_site = live_for_site(site, slug, locale)
    overlays = [overlay_for(db.session, found_site, revision.article_id)]
    if variant is not None:
        running = found_or_404(
            running_for(db.session, revision.article_id, site, revision.locale),
            "No experiment is running on this article for this site.",
        )
        overlays.append(variant_or_404(RunningExperiment.of(running), variant).overlay)
    document = site_document(revision.document, found_site, *overlays)
    jsonld = structured_data(document, found_site, revision.published_at)
    body, etag = delivery_body(
        revision.article_id, revision.number, revision.published_at, document, structured_data=jsonld, **extra
    )
    return Answer(body.encode(), etag, revision.locale)


def variant_or_404(experiment: RunningExperiment, key: str) -> Arm:
    return found_or_404(experiment.variant(key), f"Experiment {experiment.key!r} has no variant {key!r}.")


@blp.route("/<slug:site>/articles", parameters=[IF_NONE_MATCH])
class SiteArticles(MethodView):
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
            ("site-cards", site, first, size, *sorted(filters.items())),
            lambda: site_page(site, first, size, filters),
            pagination_parameters,
        )


def site_page(site: str, first: int, size: int, filters: dict) -> CardPage:
    found_site = requested_site(site)
    page = list_published(db.session, offset=first, limit=size, per_site=True, **filters)
    return CardPage(site_cards(db.session, found_site, page.cards), page.total)


@blp.route("/<slug:site>/articles/<slug:slug>", parameters=[IF_NONE_MATCH])
class SiteArticle(MethodView):
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
        running = cached(
            ("experiment", site, slug, locale), lambda: live_experiment(site, slug, locale)
        ).running
        if running is None or not ({"visitor", "variant"} & query.keys()):
            return send(cached(("article", site, slug, locale), lambda: render(site, slug, locale)))
        if "variant" in query:  # QA: seen on purpose, so not in the experiment (no exposure)
            variant, in_experiment = variant_or_404(running, query["variant"]), False
        else:
            variant, in_experiment = variant_for(running, query["visitor"])

        def with_assignment() -> Answer:
            assignment = {
                "experiment": running.key,
                "variant": variant.key,
                "in_experiment": in_experiment,
                "variant_url": url_for(
                    "Site delivery.SiteArticleVariant",
                    site=site,
                    slug=slug,
                    experiment=running.key,
                    variant=variant.key,
                    **({"locale": locale} if locale else {}),
                ),
            }
            return render(site, slug, locale, variant.key, assignment=assignment)

        answer = cached(("article", site, slug, locale, variant.key, in_experiment), with_assignment)
        # One visitor's answer: their browser may keep it, shared caches may not.
        return send(answer, f"private, max-age={current_app.config['CACHE_MAX_AGE']}")


@blp.route(
    "/<slug:site>/articles/<slug:slug>/variants/<slug:experiment>/<slug:variant>", parameters=[IF_NONE_MATCH]
)
class SiteArticleVariant(MethodView):
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
        running = cached(
            ("experiment", site, slug, locale), lambda: live_experiment(site, slug, locale)
        ).running
        if running is None or running.key != experiment:
            abort(404, message=f"Experiment {experiment!r} is not running on this article for this site.")
        variant_or_404(running, variant)
        return send(
            cached(("variant", site, slug, locale, variant), lambda: render(site, slug, locale, variant))
        )
