"""Delivery: the public, read-only API clinic frontends call. Only published content."""

from collections.abc import Callable

import orjson
from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from flask_smorest.pagination import PaginationParameters

from service.api.blueprint import ServiceBlueprint
from service.api.caching import Key, article_key, cached, cached_view, cards_key, public, vary_on
from service.api.delivery_schemas import (
    ArticleCardSchema,
    ArticleListQuerySchema,
    ArticleQuerySchema,
    DeliveredArticleSchema,
)
from service.api.examples import delivered_example
from service.api.lookup import found_or_404
from service.config import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from service.content import purging
from service.content.delivery import Answer, CardPage, PageAnswer, find_published, list_published
from service.content.publishing import delivery_etag
from service.errors import PROBLEM_CONTENT_TYPE, ProblemSchema
from service.extensions import db

blp = ServiceBlueprint(
    "Delivery",
    __name__,
    url_prefix="/v1",
    description="Published articles for clinic frontends: public, read-only, cacheable.",
)

ARTICLE_EXAMPLE = delivered_example()
CARD_EXAMPLE = {name: ARTICLE_EXAMPLE[name] for name in ArticleCardSchema().fields}
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "An ETag from an earlier response: 304 with no body while it is current.",
}
ACCEPT_ENCODING = {
    "in": "header",
    "name": "Accept-Encoding",
    "required": False,
    "schema": {"type": "string", "example": "gzip, deflate, br, zstd"},
    "description": "Codings the client reads: the answer comes in br or gzip by its preference "
    "(ties go to br), else as it is.",
}
# Every delivery URL's parameters (as headers, beside the path's and the query's).
DELIVERY_PARAMETERS = [IF_NONE_MATCH, ACCEPT_ENCODING]
CACHE_HEADERS = {
    "ETag": {
        "description": "Strong validator of this exact representation: the bytes' hash, with "
        "-br or -gzip appended when compressed.",
        "schema": {"type": "string"},
    },
    "Content-Encoding": {
        "description": "br or gzip when the body is compressed (see Accept-Encoding); absent otherwise.",
        "schema": {"type": "string", "enum": ["br", "gzip"]},
    },
    "Vary": {
        "description": "What else the answer depends on: Accept-Encoding, and Origin where CORS is per site.",
        "schema": {"type": "string", "example": "Accept-Encoding, Origin"},
    },
    "Cache-Control": {
        "description": "How long browsers and CDNs may reuse it, and serve it stale while revalidating.",
        "schema": {
            "type": "string",
            "example": "public, max-age=60, stale-while-revalidate=600, stale-if-error=86400",
        },
    },
    "Surrogate-Key": {
        "description": "The keys to purge this answer by at a CDN (Fastly), space-separated: article-<id>, "
        "site-<key>, site-<key>-article-<id>, experiment-<key>, articles (lists). "
        "Webhooks name the keys each change makes stale. Sent when CDN_TAG_HEADERS names it (the default).",
        "schema": {"type": "string", "example": "article-1 site-clinic-austin site-clinic-austin-article-1"},
    },
    "Cache-Tag": {
        "description": "The same keys, comma-separated (Cloudflare), when CDN_TAG_HEADERS names it.",
        "schema": {"type": "string", "example": "article-1,site-clinic-austin,site-clinic-austin-article-1"},
    },
}
NOT_MODIFIED = {
    "description": "Not Modified: the copy you hold (If-None-Match) is current; no body.",
    "headers": CACHE_HEADERS,
}
NO_SUCH_ARTICLE = {
    "type": "about:blank",
    "title": "Not Found",
    "status": 404,
    "detail": "No published article has the slug 'stem-cells-for-knees' in locale 'en'.",
}
LANGUAGE_HEADER = {"Content-Language": {"description": "The locale served.", "schema": {"type": "string"}}}


def delivered_article_docs(
    blueprint: Blueprint, operation_id: str, not_found: str, schema: type = DeliveredArticleSchema
):
    """What every delivery of one article documents: the article, 304, and its 404."""

    def decorate(view):
        view = blueprint.doc(operationId=operation_id)(view)
        view = blueprint.alt_response(
            404,
            schema=ProblemSchema,
            content_type=PROBLEM_CONTENT_TYPE,
            description=not_found,
            example=NO_SUCH_ARTICLE,
        )(view)
        view = blueprint.alt_response(304, **NOT_MODIFIED)(view)
        return blueprint.response(
            200, schema, example=ARTICLE_EXAMPLE, headers=CACHE_HEADERS | LANGUAGE_HEADER
        )(view)

    return decorate


@blp.after_request
def vary_on_restricted_origins(response: Response) -> Response:
    """With CORS_ORIGINS a list, the CORS answer depends on the Origin: so must a shared cache."""
    if current_app.config["CORS_ORIGINS"].strip() != "*":
        vary_on(response, "Origin")  # (flask-cors may have added it already)
    return response


CARDS = ArticleCardSchema(many=True)


def send_page(
    key: Key,
    compute: Callable[[], CardPage],
    pagination: PaginationParameters,
    tags: tuple[str, ...] = (purging.LISTS,),
) -> Response:
    """A page of cards, serialised once and kept with the list's total for X-Pagination."""

    def serialised() -> PageAnswer:
        page = compute()
        body = orjson.dumps(CARDS.dump(page.cards))
        return PageAnswer(Answer(body, delivery_etag(body), None, tags=tags), page.total)

    page = cached(key, serialised)
    pagination.item_count = page.total
    return public(page.answer)


@blp.route("/articles", parameters=DELIVERY_PARAMETERS)
class PublishedArticleList(MethodView):
    @cached_view
    @blp.arguments(ArticleListQuerySchema, location="query")
    @blp.response(200, ArticleCardSchema(many=True), example=[CARD_EXAMPLE], headers=CACHE_HEADERS)
    @blp.alt_response(304, **NOT_MODIFIED)
    @blp.paginate(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listPublishedArticles")
    def get(self, filters, pagination_parameters):
        """List published articles

        Newest first (then by id), optionally filtered by locale and tag. The total count and
        page numbers are in the `X-Pagination` header; `page_size` is capped.
        """
        first, size = pagination_parameters.first_item, pagination_parameters.page_size
        return send_page(
            cards_key(first, size, filters),
            lambda: list_published(db.session, offset=first, limit=size, **filters),
            pagination_parameters,
        )


@blp.route("/articles/<slug:slug>", parameters=DELIVERY_PARAMETERS)
class PublishedArticleBySlug(MethodView):
    @cached_view
    @blp.arguments(ArticleQuerySchema, location="query")
    @delivered_article_docs(
        blp, "getPublishedArticle", "No published article has this slug (in this locale)."
    )
    def get(self, query, slug):
        """Get a published article by slug

        The whole article as structured JSON: every Markdown field comes with its sanitised
        HTML. Drafts are never served here.
        """
        locale = query.get("locale")
        found = cached(article_key(slug, locale), lambda: published_or_404(slug, locale))
        if found.per_site:
            abort(
                404, message=f"This article is written for each site: GET /v1/sites/{{site}}/articles/{slug}."
            )
        return public(found)


def published_or_404(slug: str, locale: str | None) -> Answer:
    found = find_published(db.session, slug, locale, current_app.config["DEFAULT_LOCALE"])
    in_locale = f" in locale {locale!r}" if locale else ""
    return found_or_404(found, f"No published article has the slug {slug!r}{in_locale}.")
