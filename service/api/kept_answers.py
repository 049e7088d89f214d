"""A site's public delivery answers, sent again before Flask builds a request.

A GET of a URL whose public answer the delivery cache keeps (api.caching.cached_view) is
answered here, as WSGI middleware just inside the security headers, request id, metrics and
access line: no request context, routing, hooks or response object, which were most of what a
cached answer cost beyond a bare Flask app's (profiled with bench.hotpath). What is sent is
made by the functions Flask's path sends with (caching.representation, the site's CORS), so
the two give the same bytes (tests/test_kept_answers.py). Everything else goes on to Flask:
other methods, URLs not kept (misses, made-up parameters), answers without a site (their CORS
is flask-cors'), and every request once the cache is due to read the change counter again
(Flask's path reads it, with a session: the same freshness).

A visitor's URL (`?visitor=...` alone) is one visitor's, so never kept for itself, but what
it is answered with is: the experiment running on the article and the answer its assignment
picks (api.site_delivery.visitors_answer, which Flask's path calls too). When the cache holds
both, the visitor is answered here as well.
"""

import threading
from collections.abc import Callable, Iterable
from typing import Any

from cachetools import LRUCache
from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from service.api.caching import (
    Sent,
    experiment_key,
    origins_key,
    private_cache_control,
    public_cache_control_of,
    representation,
    url_key,
    varying_on,
)
from service.api.site_delivery import ORIGIN, site_cors_headers, visitors_answer
from service.content.freshness import DeliveryCache
from service.models.lengths import VISITOR_LENGTH
from service.telemetry import ROUTE

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
STATUS_LINES = {200: "200 OK", 304: "304 NOT MODIFIED"}  # (as werkzeug writes them)
SITE_ARTICLE = "Site delivery.SiteArticle"  # the endpoint a visitor's URL names
ROUTES_KEPT = 4096  # paths whose routing is remembered (each a few hundred bytes)
MISSING = object()


class KeptAnswers:
    def __init__(self, wsgi_app: Wsgi, app: Flask):
        self.wsgi_app, self.app = wsgi_app, app
        # Each visitor's path, routed once: the app routes by path alone (no SERVER_NAME, no
        # host matching), and werkzeug's binding and matching were a third of a visitor's cost.
        self._routes: LRUCache[str, tuple[str, str, dict[str, Any]] | None] = LRUCache(ROUTES_KEPT)
        self._routes_lock = threading.Lock()  # (cachetools' caches are not thread-safe)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET":
            return self.wsgi_app(environ, start_response)
        # The request's path and query as werkzeug reads them (Request.path, .query_string).
        path = "/" + (environ.get("PATH_INFO") or "").encode("latin1").decode(errors="replace").lstrip("/")
        key = url_key(path, environ.get("QUERY_STRING", "").encode("latin1"))
        cache: DeliveryCache = self.app.extensions["delivery_cache"]
        found = cache.peek(key)
        if found is not None:
            sent, cache_control = found[0], public_cache_control_of(self.app.config)
        elif (
            "visitor=" not in environ.get("QUERY_STRING", "") or (visitors := self._visitors(environ)) is None
        ):
            return self.wsgi_app(environ, start_response)
        else:
            sent, cache_control = visitors
        if sent.site is None:
            return self.wsgi_app(environ, start_response)
        origin = environ.get("HTTP_ORIGIN")
        origins: frozenset[str] = frozenset()
        if origin:  # (as Flask's path: the site's origins looked up only for a request with one)
            if (peeked := cache.peek(origins_key(sent.site))) is None:
                return self.wsgi_app(environ, start_response)
            origins = peeked[0]
        return self._send(sent, cache_control, origin, origins, environ, start_response)

    def _visitors(self, environ: dict[str, Any]) -> tuple[Sent, str] | None:
        """A visitor's answer to a site's article and its Cache-Control, when the URL names
        the visitor alone (a valid id) and the cache holds what the answer needs."""
        parameters = list(Request(environ).args.items(multi=True))
        if (
            len(parameters) != 1
            or parameters[0][0] != "visitor"
            or not 1 <= len(parameters[0][1]) <= VISITOR_LENGTH
        ):
            return None
        path = environ.get("PATH_INFO", "")
        with self._routes_lock:
            route = self._routes.get(path, MISSING)
        if route is MISSING:
            route = self._route(environ)
            with self._routes_lock:
                self._routes[path] = route
        if route is None or route[0] != SITE_ARTICLE:
            return None
        _, rule, arguments = route
        cache: DeliveryCache = self.app.extensions["delivery_cache"]
        site, slug = arguments["site"], arguments["slug"]
        if (running := cache.peek(experiment_key(site, slug, None))) is None:
            return None
        user_agent = environ.get("HTTP_USER_AGENT")
        chosen = visitors_answer(running[0].experiment, site, slug, None, parameters[0][1], user_agent)
        if (answer := cache.peek(chosen.key)) is None:
            return None
        config = self.app.config
        control = (
            public_cache_control_of(config)
            if chosen.public
            else private_cache_control(config["CACHE_MAX_AGE"])
        )
        return Sent(answer[0], (), rule, site), control

    def _route(self, environ: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
        """(endpoint, rule, arguments) of a GET of this path: the app's own routes, so the same
        path matches the same view as on Flask's path, or none."""
        try:
            rule, arguments = self.app.url_map.bind_to_environ(environ).match(return_rule=True)
        except HTTPException:
            return None
        return rule.endpoint, rule.rule, arguments

    def _send(
        self,
        sent: Sent,
        cache_control: str,
        origin: str | None,
        origins: frozenset[str],
        environ: dict[str, Any],
        start_response: Callable[..., Any],
    ) -> Iterable[bytes]:
        extensions = self.app.extensions
        status, headers, body = representation(
            sent.answer,
            cache_control,
            sent.headers,
            extensions["cdn_tag_headers"],
            environ.get("HTTP_ACCEPT_ENCODING", ""),
            environ.get("HTTP_IF_NONE_MATCH"),
        )
        # (what Flask's path gets from the site's after_request: allow_site_origins)
        headers = [(name, varying_on(value, ORIGIN) if name == "Vary" else value) for name, value in headers]
        if origin:
            headers.extend(site_cors_headers(origin, origins, "GET"))
        environ[ROUTE] = sent.route
        start_response(STATUS_LINES[status], headers)
        return [body] if body else []


def init_app(app: Flask) -> None:
    """Inside everything that wraps Flask (ProxyFix included: the access line's client)."""
    if app.config["KEPT_ANSWERS_BEFORE_FLASK"]:
        app.wsgi_app = KeptAnswers(app.wsgi_app, app)  # type: ignore[method-assign]
