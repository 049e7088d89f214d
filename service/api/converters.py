"""URL converters: a path that cannot name an article is a 404 before any query runs."""

from typing import Any

from flask import Flask
from flask_smorest import Api
from werkzeug.routing import BaseConverter, ValidationError

from service.content.document import SLUG_REGEX
from service.models.article import SLUG_LENGTH


class SlugConverter(BaseConverter):
    regex = SLUG_REGEX

    def to_python(self, value: str) -> str:
        if len(value) > SLUG_LENGTH:
            raise ValidationError()
        return value


def slug_parameter_schema(_converter: Any) -> dict[str, Any]:
    return {"type": "string", "pattern": f"^{SLUG_REGEX}$", "maxLength": SLUG_LENGTH}


def register_converters(app: Flask, api: Api) -> None:
    app.url_map.converters["slug"] = SlugConverter
    api.register_converter(SlugConverter, slug_parameter_schema)
