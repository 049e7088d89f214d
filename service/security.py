"""Security headers on every response, errors and 304s included (OWASP's REST Security and
HTTP Headers cheat sheets): the API's JSON may never be sniffed as HTML, framed, or leak the
page it was fetched from; browsers keep to HTTPS once they have seen it."""

from flask import Flask, Response, request

SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Referrer-Policy", "no-referrer"),
    ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
)

# The docs browser is a page: its own scripts, styles and images, and Swagger UI's inline
# start-up script and styles (the page shows no content from users).
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'"
)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    if request.path.startswith("/docs"):
        headers.setdefault("Content-Security-Policy", DOCS_POLICY)
    for name, value in SECURITY_HEADERS:
        headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
