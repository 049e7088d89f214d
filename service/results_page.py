"""The results page a marketer reads (/results/?experiment=<key>): plain HTML and JavaScript
modules served by the service itself, no CDN. It reads the results API with the viewer's key."""

from pathlib import Path

from flask import Blueprint, Flask, Response

PAGE_DIR = Path(__file__).parent / "results_static"
# Its own scripts, styles and API calls; SVG drawn in the page; nothing inline, nothing else.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

page = Blueprint("results_page", __name__, static_folder=str(PAGE_DIR), static_url_path="/results")


@page.get("/results/")
def index() -> Response:
    return page.send_static_file("index.html")


@page.after_request
def with_page_policy(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(page)
