"""Delivery per site: the published article with the site's overlay and details filled in,
readable by the site's own browser origins."""

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from service.api.delivery import (
    ARTICLE_EXAMPLE,
    CACHE_HEADERS,
    IF_NONE_MATCH,
    LANGUAGE_HEADER,
    NOT_MODIFIED,
    make_cacheable,
)
from service.api.delivery_schemas import ArticleQuerySchema, DeliveredArticleSchema
from service.content.delivery import find_live_revision
from service.content.publishing import delivery_body
from service.content.sites import find_site, overlay_for, site_document
from service.errors import PROBLEM_CONTENT_TYPE, ProblemSchema
from service.extensions import db

blp = Blueprint(
    "Site delivery",
    __name__,
    url_prefix="/v1/sites",
    description="Published articles as each clinic site shows them: its overlay, its phone, its links.",
)
blp.after_request(make_cacheable)


@blp.after_request
def allow_site_origins(response: Response) -> Response:
    """CORS per site: only the site's own origins may read its articles from a browser."""
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    site = find_site(db.session, (request.view_args or {}).get("site", "")) if origin else None
    if site is not None and origin in site.origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "ETag, Content-Language"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
            response.headers["Access-Control-Max-Age"] = "600"
    return response


@blp.route("/<slug:site>/articles/<slug:slug>", parameters=[IF_NONE_MATCH])
class SiteArticle(MethodView):
    @blp.arguments(ArticleQuerySchema, location="query")
    @blp.response(
        200, DeliveredArticleSchema, example=ARTICLE_EXAMPLE, headers=CACHE_HEADERS | LANGUAGE_HEADER
    )
    @blp.alt_response(304, **NOT_MODIFIED)
    @blp.alt_response(
        404,
        schema=ProblemSchema,
        content_type=PROBLEM_CONTENT_TYPE,
        description="No such site, or no published article with this slug (in this locale).",
        example={
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": "There is no site 'clinic-paris'.",
        },
    )
    @blp.doc(operationId="getSiteArticle")
    def get(self, query, site, slug):
        """Get a published article for a site

        The article's published revision, with the site's overlay applied and its
        {{site.*}} placeholders filled in; Markdown fields come with their HTML.
        """
        found_site = find_site(db.session, site)
        if found_site is None:
            abort(404, message=f"There is no site {site!r}.")
        revision = find_live_revision(
            db.session, slug, query.get("locale"), current_app.config["DEFAULT_LOCALE"]
        )
        if revision is None:
            abort(404, message=f"No published article has the slug {slug!r}.")
        document = site_document(
            revision.document, found_site, overlay_for(db.session, found_site, revision.article_id)
        )
        body, etag = delivery_body(revision.article_id, revision.number, revision.published_at, document)
        headers = {"ETag": f'"{etag}"', "Content-Language": revision.locale}
        return Response(body, mimetype="application/json", headers=headers)
