"""Delivery: the public, read-only API clinic frontends call. Only published content."""

import hashlib
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

import orjson
from flask import Request, Response, current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from flask_smorest.pagination import PaginationParameters

from service.api.blueprint import ServiceBlueprint
from service.api.delivery_schemas import (
    ArticleCardSchema,
    ArticleListQuerySchema,
    ArticleQuerySchema,
    DeliveredArticleSchema,
    seed_example,
)
from service.api.lookup import found_or_404
from service.config import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from service.content.delivery import Answer, CardPage, PageAnswer, find_published, list_published
from service.content.freshness import DeliveryCache, Value
from service.errors import PROBLEM_CONTENT_TYPE, ProblemSchema
from service.extensions import db

blp = ServiceBlueprint(
    "Delivery",
    __name__,
    url_prefix="/v1",
    description="Published articles for clinic frontends: public, read-only, cacheable.",
)

ARTICLE_EXAMPLE = seed_example()
CARD_EXAMPLE = {name: ARTICLE_EXAMPLE[name] for name in ArticleCardSchema().fields}
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "An ETag from an earlier response: 304 with no body while it is current.",
}
CACHE_HEADERS = {
    "ETag": {"description": "Strong validator of this exact content.", "schema": {"type": "string"}},
    "Cache-Control": {
        "description": "How long browsers and CDNs may reuse it, and serve it stale while revalidating.",
        "schema": {"type": "string", "example": "public, max-age=60, stale-while-revalidate=600"},
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


def delivery_cache() -> DeliveryCache:
    return current_app.extensions["delivery_cache"]


def cached(key: Hashable, compute: Callable[[], Value]) -> Value:
    """What delivery computed for `key`, from this process's cache (content.freshness)."""
    return delivery_cache().get(db.session, key, compute)


VIEW_HEADERS = ("X-Pagination",)  # added by flask-smorest after the view: kept with its answer


# The query parameters delivery knows: a URL with any other is answered, but not kept for
# itself (made-up parameters would otherwise make endless URLs to keep).
QUERY_NAMES = frozenset({"locale", "tag", "page", "page_size", "variant"})


@dataclass(frozen=True)
class Sent:
    """A public answer as sent at one URL, with the headers its view added (X-Pagination)."""

    answer: Answer
    headers: tuple[tuple[str, str], ...]
    url_length: int

    @property
    def size(self) -> int:
        return self.answer.size + self.url_length + 100


def url_key(current: Request) -> tuple[str, str, bytes]:
    return ("url", current.path, current.query_string)


def answer_again() -> Response | None:
    """Before a delivery view: a URL answered publicly before gets the same answer again,
    without its arguments parsed or its view run (they would only find it in the cache).
    What a view sends is kept by `remember_answer`. A URL naming a visitor is one visitor's
    (and its answer private), seldom asked again: such URLs are never kept for themselves."""
    # (The request itself, not its proxy: each proxied attribute costs a context lookup, and
    # on this path they added up to a tenth of the request, profiled.)
    current = request._get_current_object()
    if current.method != "GET" or (current.query_string and not QUERY_NAMES.issuperset(current.args)):
        return None
    g.delivery_epoch, sent = delivery_cache().lookup(db.session, url_key(current))
    return None if sent is None else send(sent.answer, headers=sent.headers, kept=True)


def remember_answer(response: Response) -> Response:
    """After a delivery view: keep the public answer it sent for its URL (see answer_again)."""
    sent = g.pop("sent", None)
    if sent is not None and "delivery_epoch" in g and response.status_code in (200, 304):
        headers = tuple((name, response.headers[name]) for name in VIEW_HEADERS if name in response.headers)
        current = request._get_current_object()
        url_length = len(current.path) + len(current.query_string)
        delivery_cache().keep(url_key(current), Sent(sent, headers, url_length), g.delivery_epoch)
    return response


blp.before_request(answer_again)
blp.after_request(remember_answer)


@blp.after_request
def vary_on_restricted_origins(response: Response) -> Response:
    """With CORS_ORIGINS a list, the CORS answer depends on the Origin: so must a shared cache."""
    if current_app.config["CORS_ORIGINS"].strip() != "*":
        response.vary.add("Origin")  # (flask-cors may have added it already)
    return response


def send(
    answer: Answer,
    cache_control: str | None = None,
    headers: Iterable[tuple[str, str]] = (),
    kept: bool = False,
) -> Response:
    """An answer serialised once, with what lets browsers and CDNs reuse it: its strong ETag,
    Cache-Control (public unless told otherwise), and a 304 with no body when the copy the
    client holds (If-None-Match) is current. A public answer is kept for its URL."""
    config = current_app.config
    sent_headers = {
        "ETag": f'"{answer.etag}"',
        "Cache-Control": cache_control
        or f"public, max-age={config['CACHE_MAX_AGE']}, "
        f"stale-while-revalidate={config['CACHE_STALE_WHILE_REVALIDATE']}",
        **dict(headers),
    }
    if cache_control is None and not kept:
        g.sent = answer
    if answer.locale:
        sent_headers["Content-Language"] = answer.locale
    if request.if_none_match.contains_weak(answer.etag):
        return Response(status=304, headers=sent_headers)  # (werkzeug drops its Content-Type)
    return Response(answer.body, mimetype="application/json", headers=sent_headers)


CARDS = ArticleCardSchema(many=True)


def send_page(key: Hashable, compute: Callable[[], CardPage], pagination: PaginationParameters) -> Response:
    """A page of cards, serialised once and kept with the list's total for X-Pagination."""

    def serialised() -> PageAnswer:
        page = compute()
        body = orjson.dumps(CARDS.dump(page.cards))
        return PageAnswer(Answer(body, hashlib.sha256(body).hexdigest(), None), page.total)

    page = cached(key, serialised)
    pagination.item_count = page.total
    return send(page.answer)


@blp.route("/articles", parameters=[IF_NONE_MATCH])
class PublishedArticleList(MethodView):
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
            ("cards", first, size, *sorted(filters.items())),
            lambda: list_published(db.session, offset=first, limit=size, **filters),
            pagination_parameters,
        )


@blp.route("/articles/<slug:slug>", parameters=[IF_NONE_MATCH])
class PublishedArticleBySlug(MethodView):
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
        found = cached(("article", slug, locale), lambda: published_or_404(slug, locale))
        if found.per_site:
            abort(
                404, message=f"This article is written for each site: GET /v1/sites/{{site}}/articles/{slug}."
            )
        return send(found)


def published_or_404(slug: str, locale: str | None) -> Answer:
    found = find_published(db.session, slug, locale, current_app.config["DEFAULT_LOCALE"])
    in_locale = f" in locale {locale!r}" if locale else ""
    return found_or_404(found, f"No published article has the slug {slug!r}{in_locale}.")
