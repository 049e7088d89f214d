"""The review desk, a page the service serves at /desk: plain HTML and an ES module (no CDN)
that reviewers use with their key against the management API (see docs/editorial-api.md)."""

from pathlib import Path

from flask import Blueprint, Flask

DESK_FILES = Path(__file__).parent / "desk_files"

desk = Blueprint("desk", __name__, static_folder=str(DESK_FILES), static_url_path="/desk")


@desk.get("/desk")
def page():
    return desk.send_static_file("index.html")


def init_app(app: Flask) -> None:
    app.register_blueprint(desk)
