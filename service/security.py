"""Security headers on every response, errors and 304s included (OWASP's REST Security and
HTTP Headers cheat sheets): the API's JSON may never be sniffed as HTML or framed; browsers
keep to HTTPS once they have seen it; the pages (docs, desk) never leak their address.

Added as the response starts, around the whole Flask app rather than in an after_request
hook: a hook that fails (and the 500 then answered for it) skips the hooks after it."""

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
)
# Referrer-Policy governs the requests a page makes, so it goes on the pages: OWASP's REST
# cheat sheet lists it among the headers for HTML, and JSON makes no request (30 bytes less
# on each delivery answer, which the bench counts).
PAGE_HEADERS = (("Referrer-Policy", "no-referrer"), *SECURITY_HEADERS)

# The docs browser is a page: its own scripts, styles and images, and Swagger UI's inline
# start-up script and styles (the page shows no content from users).
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'"
)
DOCS_HEADERS = (("Content-Security-Policy", DOCS_POLICY), *PAGE_HEADERS)
# The review desk is a page too, all its own files: no inline script or style at all.
DESK_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'"
)
DESK_HEADERS = (("Content-Security-Policy", DESK_POLICY), *PAGE_HEADERS)


class SecurityHeaders:
    """WSGI middleware: each security header the response does not set itself is added.
    Every answer passes here, so the common case (the response set none of them) is one
    scan of its header names and one extend."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]):
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/docs"):
            wanted = _DOCS
        elif path.startswith("/desk"):
            wanted = _DESK
        else:  # (the results page sets its own policy: service.results_page)
            wanted = _PAGE if path.startswith("/results") else _API

        def start_with_headers(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers.extend(_missing(wanted, headers))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_headers)


class _Wanted:
    """One set of security headers, deduplicated by name (the first wins), with the
    lower-case names to look for in a response's own."""

    def __init__(self, headers: tuple[tuple[str, str], ...]):
        unique: dict[str, tuple[str, str]] = {}
        for name, value in headers:
            unique.setdefault(name.lower(), (name, value))
        self.headers = tuple(unique.values())
        self.names = frozenset(unique)


def _missing(wanted: _Wanted, headers: list[tuple[str, str]]) -> Iterable[tuple[str, str]]:
    present = {name.lower() for name, _ in headers}
    if present.isdisjoint(wanted.names):
        return wanted.headers
    return [(name, value) for name, value in wanted.headers if name.lower() not in present]


_API, _PAGE = _Wanted(SECURITY_HEADERS), _Wanted(PAGE_HEADERS)
_DOCS, _DESK = _Wanted(DOCS_HEADERS), _Wanted(DESK_HEADERS)


def init_app(app: Flask) -> None:
    app.wsgi_app = SecurityHeaders(app.wsgi_app)  # type: ignore[method-assign]
