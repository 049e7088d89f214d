"""The docs browser works offline: Swagger UI's files come from an installed package."""

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Flask, redirect

SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).parent / "dist"

assets = Blueprint(
    "docs_assets",
    __name__,
    static_folder=str(SWAGGER_UI_DIST),
    static_url_path="/docs/assets",
)


@assets.get("/")
def index():
    """A person who opens the service's address lands on its docs."""
    return redirect("/docs", code=302)


def init_app(app: Flask) -> None:
    app.register_blueprint(assets)
