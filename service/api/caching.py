"""Delivery caching, declared at each view: which answers are kept, under which key, for whom.

    @blp.route("/articles/<slug:slug>")
    class PublishedArticleBySlug(MethodView):
        @cached_view
        @blp.arguments(ArticleQuerySchema, location="query")
        @blp.response(200, DeliveredArticleSchema)
        def get(self, query, slug):
            locale = query.get("locale")
            return public(cached(article_key(slug, locale), lambda: published_or_404(slug, locale)))

`@cached_view`, above the view's flask-smorest decorators: a GET of a URL answered publicly
before is answered again without its arguments parsed or its view run. A URL naming a query
parameter the view does not read (its @blp.arguments and @blp.paginate noted which it reads)
is answered but never kept for itself: made-up parameters would make endless URLs to keep.
The view says who may keep each answer: `public` (browsers, CDNs, and this cache under its
URL) or `private` (one visitor's browser only). `cached` keeps what a view computed under a
key built below, so two kinds of value never share one. The cache counts each entry by its
bytes and empties itself when delivered content changes (content.freshness).

Not flask-smorest's @blp.etag: it hashes what a view dumped once it has run, where delivery
answers a repeat or a 304 before any parsing or SQL, with the ETag stored beside the body.
"""

import functools
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Config, Response, current_app, request
from flask_smorest import Blueprint
from werkzeug.http import parse_accept_header, parse_etags

from service.api.blueprint import query_parameters
from service.content.compression import CODINGS
from service.content.delivery import Answer
from service.content.freshness import DeliveryCache
from service.extensions import db

Value = TypeVar("Value")
Key = tuple[Hashable, ...]

# Set by flask-smorest's decorators once the view has returned: kept with its URL's answer.
VIEW_HEADERS = (Blueprint.PAGINATION_HEADER_NAME,)


def delivery_cache() -> DeliveryCache:
    return current_app.extensions["delivery_cache"]


def cached(key: Key, compute: Callable[[], Value]) -> Value:
    """What delivery computed for `key`, from this process's cache, or `compute()`'s, kept."""
    return delivery_cache().get(db.session, key, compute)


# Every cached value's key: the kind first, so that no two kinds can collide.
def url_key(path: str, query_string: bytes) -> Key:
    """A URL's key: the request's path (as werkzeug gives it) and its query string's bytes."""
    return ("url", path, query_string)


def article_key(slug: str, locale: str | None) -> Key:
    return ("article", slug, locale)


def cards_key(first: int, size: int, filters: dict[str, Any], site: str | None = None) -> Key:
    return ("cards", site, first, size, *sorted(filters.items()))


def site_article_key(site: str, slug: str, locale: str | None) -> Key:
    return ("site article", site, slug, locale)


def assigned_key(site: str, slug: str, locale: str | None, variant: str, in_experiment: bool) -> Key:
    return ("assigned", site, slug, locale, variant, in_experiment)


def variant_key(site: str, slug: str, locale: str | None, variant: str) -> Key:
    return ("variant", site, slug, locale, variant)


def experiment_key(site: str, slug: str, locale: str | None) -> Key:
    return ("experiment", site, slug, locale)


def origins_key(site: str) -> Key:
    return ("origins", site)


class Delivered(Response):
    """An answer as sent, with what its view declared: public ones are kept for their URL."""

    answer: Answer
    public: bool


def public(answer: Answer, headers: Iterable[tuple[str, str]] = ()) -> Delivered:
    """The same for everyone: browsers and CDNs may reuse it, and serve it stale while they
    revalidate; it is kept here for its URL."""
    return _send(answer, public_cache_control_of(current_app.config), headers, public=True)


def private(answer: Answer) -> Delivered:
    """One visitor's: their browser may keep it, shared caches may not, nor is it kept here
    for its URL (seldom asked again)."""
    return _send(answer, private_cache_control(current_app.config["CACHE_MAX_AGE"]), (), public=False)


def public_cache_control_of(config: Config) -> str:
    return public_cache_control(
        config["CACHE_MAX_AGE"], config["CACHE_STALE_WHILE_REVALIDATE"], config["CACHE_STALE_IF_ERROR"]
    )


# Cache-Control from the settings, written once per set of them rather than per answer.
@functools.lru_cache(maxsize=8)
def public_cache_control(max_age: int, stale_while_revalidate: int, stale_if_error: int) -> str:
    return (
        f"public, max-age={max_age}, stale-while-revalidate={stale_while_revalidate}, "
        f"stale-if-error={stale_if_error}"
    )


@functools.lru_cache(maxsize=8)
def private_cache_control(max_age: int) -> str:
    return f"private, max-age={max_age}"


def _send(answer: Answer, cache_control: str, headers: Iterable[tuple[str, str]], public: bool) -> Delivered:
    current = request._get_current_object()  # type: ignore[attr-defined]  # (as in cached_view)
    status, sent_headers, body = representation(
        answer,
        cache_control,
        headers,
        tag_headers(),
        current.headers.get("Accept-Encoding", ""),
        current.headers.get("If-None-Match"),
    )
    response = Delivered(body if status == 200 else None, status=status, headers=sent_headers)
    response.answer, response.public = answer, public
    return response


def representation(
    answer: Answer,
    cache_control: str,
    headers: Iterable[tuple[str, str]],
    tags: tuple[tuple[str, str], ...],
    accept_encoding: str,
    if_none_match: str | None,
) -> tuple[int, list[tuple[str, str]], bytes]:
    """The answer's bytes in the coding the client accepts best, with that representation's
    strong ETag, or a 304 with no body when the copy the client holds (If-None-Match) is it:
    status, every header as sent (a 304's without the entity headers werkzeug would drop) and
    body. Both Flask's path and the one before it (api.kept_answers) send this."""
    coding = chosen_coding(accept_encoding, tuple(answer.encoded))
    etag = f"{answer.etag}-{coding}" if coding else answer.etag
    sent_headers = [("ETag", f'"{etag}"'), ("Cache-Control", cache_control), ("Vary", "Accept-Encoding")]
    sent_headers.extend(headers)
    if answer.tags:
        sent_headers.extend((name, separator.join(answer.tags)) for name, separator in tags)
    if parse_etags(if_none_match).contains_weak(etag):
        return 304, sent_headers, b""
    if answer.locale:
        sent_headers.append(("Content-Language", answer.locale))
    if coding:
        sent_headers.append(("Content-Encoding", coding))
    body = answer.encoded[coding] if coding else answer.body
    sent_headers.append(("Content-Type", "application/json"))
    sent_headers.append(("Content-Length", str(len(body))))
    return 200, sent_headers, body


# Each CDN's header for the keys to purge an answer by, and how it joins them.
TAG_SEPARATORS = {"surrogate-key": ("Surrogate-Key", " "), "cache-tag": ("Cache-Tag", ",")}


def tag_headers() -> tuple[tuple[str, str], ...]:
    return current_app.extensions["cdn_tag_headers"]


def cdn_tag_headers(setting: str) -> tuple[tuple[str, str], ...]:
    """CDN_TAG_HEADERS read once, at start-up: a name no CDN reads stops the app there."""
    names = [name.strip().lower() for name in setting.split(",") if name.strip()]
    unknown = sorted(set(names) - set(TAG_SEPARATORS))
    if unknown:
        raise ValueError(f"CDN_TAG_HEADERS: {', '.join(unknown)} is none of {', '.join(TAG_SEPARATORS)}")
    return tuple(TAG_SEPARATORS[name] for name in dict.fromkeys(names))


def vary_on(response: Response, name: str) -> None:
    """Add `name` to the response's Vary, as a plain string: response.vary parses the header
    into a set and writes it back, a tenth of what a cached answer costs (profiled)."""
    vary = response.headers.get("Vary")
    if vary != (varied := varying_on(vary, name)):
        response.headers["Vary"] = varied


def varying_on(vary: str | None, name: str) -> str:
    """A Vary header's value with `name` in it."""
    if not vary:
        return name
    return vary if name.lower() in vary.lower() else f"{vary}, {name}"


@functools.lru_cache(maxsize=256)
def chosen_coding(accept_encoding: str, offered: tuple[str, ...]) -> str | None:
    """The coding to send for this Accept-Encoding (RFC 9110 12.5.3): the client's most
    preferred of those offered, ties going to CODINGS' order; None for the bytes as they are
    (also when the client refuses every coding: identity is what any client can read)."""
    accepted = parse_accept_header(accept_encoding)
    best = accepted.best_match([coding for coding in CODINGS if coding in offered] + ["identity"])
    return None if best in (None, "identity") else best


@dataclass(frozen=True)
class Sent:
    """A public answer as sent at one URL, with the headers flask-smorest added to it, the
    route it matched and the site it names (if any): what api.kept_answers needs to send it."""

    answer: Answer
    headers: tuple[tuple[str, str], ...]
    route: str
    site: str | None


def cached_view(view: Callable[..., Response] | None = None, *, per_visitor: Iterable[str] = ()) -> Any:
    """Answer a GET of a URL answered publicly before from the cache, and keep what the view
    answers publicly for its URL (see the module's docstring). A URL naming a parameter in
    `per_visitor` is one visitor's, seldom asked again: never kept for itself. Goes above the
    view's flask-smorest decorators, which it skips on a repeat."""
    if view is None:
        return functools.partial(cached_view, per_visitor=per_visitor)
    known = query_parameters(view) - frozenset(per_visitor)

    @functools.wraps(view)
    def answer(*args: Any, **kwargs: Any) -> Response:
        # (The request itself, not its proxy: each proxied attribute costs a context lookup,
        # and on this path they added up to a tenth of the request, profiled.)
        current = request._get_current_object()  # type: ignore[attr-defined]
        if current.method != "GET" or (current.query_string and not known.issuperset(current.args)):
            return view(*args, **kwargs)
        cache, key = delivery_cache(), url_key(current.path, current.query_string)
        epoch, sent = cache.lookup(db.session, key)
        if sent is not None:
            return public(sent.answer, sent.headers)
        response = view(*args, **kwargs)
        if isinstance(response, Delivered) and response.public:
            headers = tuple(
                (name, response.headers[name]) for name in VIEW_HEADERS if name in response.headers
            )
            site = (current.view_args or {}).get("site")
            cache.keep(key, Sent(response.answer, headers, current.url_rule.rule, site), epoch)
        return response

    return answer
