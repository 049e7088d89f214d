"""The clinic content service: structured marketing articles served as JSON."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> "Flask":
    """Build the Flask app (see service.app). Imported on call, so that importing the domain
    (service.content, service.models) never loads Flask."""
    from service.app import build_app

    return build_app(config)
