"""Delivery: the public, read-only API clinic frontends call. Only published content."""

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from service.api.delivery_schemas import (
    ArticleCardSchema,
    ArticleListQuerySchema,
    ArticleQuerySchema,
    DeliveredArticleSchema,
    seed_example,
)
from service.config import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from service.content.delivery import find_published, list_published
from service.extensions import db

blp = Blueprint(
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
LANGUAGE_HEADER = {"Content-Language": {"description": "The locale served.", "schema": {"type": "string"}}}


@blp.after_request
def make_cacheable(response: Response) -> Response:
    """Let browsers and CDNs cache successful reads, and answer 304 to a current ETag."""
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        config = current_app.config
        response.headers["Cache-Control"] = (
            f"public, max-age={config['CACHE_MAX_AGE']}, "
            f"stale-while-revalidate={config['CACHE_STALE_WHILE_REVALIDATE']}"
        )
        if response.get_etag() == (None, None):
            response.add_etag()
        response.make_conditional(request)
    return response


@blp.route("/articles", parameters=[IF_NONE_MATCH])
class PublishedArticles(MethodView):
    @blp.arguments(ArticleListQuerySchema, location="query")
    @blp.response(200, ArticleCardSchema(many=True), example=[CARD_EXAMPLE], headers=CACHE_HEADERS)
    @blp.alt_response(304, **NOT_MODIFIED)
    @blp.paginate(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    def get(self, filters, pagination_parameters):
        """List published articles

        Newest first (then by id), optionally filtered by locale and tag. The total count and
        page links are in the `X-Pagination` header; `page_size` is capped.
        """
        cards, total = list_published(
            db.session,
            offset=pagination_parameters.first_item,
            limit=pagination_parameters.page_size,
            **filters,
        )
        pagination_parameters.item_count = total
        return cards


@blp.route("/articles/<slug>", parameters=[IF_NONE_MATCH])
class PublishedArticle(MethodView):
    @blp.arguments(ArticleQuerySchema, location="query")
    @blp.response(
        200, DeliveredArticleSchema, example=ARTICLE_EXAMPLE, headers=CACHE_HEADERS | LANGUAGE_HEADER
    )
    @blp.alt_response(304, **NOT_MODIFIED)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, query, slug):
        """Get a published article by slug

        The whole article as structured JSON: every Markdown field comes with its sanitised
        HTML. Drafts are never served here.
        """
        found = find_published(db.session, slug, query.get("locale"), current_app.config["DEFAULT_LOCALE"])
        if found is None:
            in_locale = f" in locale {query['locale']!r}" if "locale" in query else ""
            abort(404, message=f"No published article has the slug {slug!r}{in_locale}.")
        return Response(
            found.body,
            mimetype="application/json",
            headers={"ETag": f'"{found.etag}"', "Content-Language": found.locale},
        )
