"""URL converters: a path that cannot name an article is a 404 before any query runs."""

from typing import Any

from flask import Flask
from flask_smorest import Api
from werkzeug.routing import BaseConverter, IntegerConverter, ValidationError

from service.content.text_fields import SLUG_REGEX
from service.models.article import SLUG_LENGTH
from service.models.lengths import MAX_ID  # (a larger id names nothing: a 404)


class SlugConverter(BaseConverter):
    regex = SLUG_REGEX

    def to_python(self, value: str) -> str:
        if len(value) > SLUG_LENGTH:
            raise ValidationError()
        return value


# Paths under /v1/manage/experiments/ that are not experiments: no experiment may be keyed so.
RESERVED_KEYS = ("plan",)


class ExperimentKeyConverter(SlugConverter):
    """An experiment's key: a slug, but not a word the experiments API uses for itself, so
    that /v1/manage/experiments/plan is the planner's alone (its Allow header included: a
    rule refused in to_python would still be counted there, so the regex leaves them out)."""

    regex = "".join(f"(?!{word}$)" for word in RESERVED_KEYS) + SLUG_REGEX


class IdConverter(IntegerConverter):
    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


class DigestConverter(BaseConverter):
    """A SHA-256 in lowercase hex: what names stored bytes (an image's rendition)."""

    regex = "[0-9a-f]{64}"


def id_parameter_schema(_converter: Any) -> dict[str, Any]:
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def slug_parameter_schema(_converter: Any) -> dict[str, Any]:
    return {"type": "string", "pattern": f"^{SLUG_REGEX}$", "maxLength": SLUG_LENGTH}


def experiment_key_parameter_schema(converter: Any) -> dict[str, Any]:
    return {**slug_parameter_schema(converter), "not": {"enum": list(RESERVED_KEYS)}}


def digest_parameter_schema(_converter: Any) -> dict[str, Any]:
    return {"type": "string", "pattern": f"^{DigestConverter.regex}$"}


def register_converters(app: Flask, api: Api) -> None:
    app.url_map.converters["slug"] = SlugConverter
    api.register_converter(SlugConverter, slug_parameter_schema)
    app.url_map.converters["experiment"] = ExperimentKeyConverter
    api.register_converter(ExperimentKeyConverter, experiment_key_parameter_schema)
    app.url_map.converters["id"] = IdConverter
    api.register_converter(IdConverter, id_parameter_schema)
    app.url_map.converters["digest"] = DigestConverter
    api.register_converter(DigestConverter, digest_parameter_schema)
