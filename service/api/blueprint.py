"""The blueprint every resource uses: flask-smorest's, with request arguments read cheaply,
and each view noting the query parameters it reads.

Profiling a cached delivery showed argument parsing as the largest cost left: webargs built
a new schema for every request (given a class, as flask-smorest's pagination always does),
read the query string through a proxy whose every absent parameter costs a raised-and-caught
exception, and the X-Pagination header was dumped through a new schema each time.

The webargs and flask-smorest internals overridden here (`_get_schema`, `_raw_load_json`,
`_makeproxy`, `_make_pagination_metadata`) are each checked by name in
tests/test_library_internals.py."""

import functools
from collections.abc import Callable
from typing import Any

from flask import Request
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import CombinedMultiDict

from service.config import MAX_JSON_DEPTH
from service.content.json_input import RepeatedKeys, UnreadableJson, read_json, unstorable_strings


def json_depth(value: Any) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (a scalar is 0), level by
    level rather than recursively, so that no body can exhaust the stack."""
    depth, level = 0, [value]
    while containers := [item for item in level if isinstance(item, dict | list)]:
        depth += 1
        level = [
            inner for item in containers for inner in (item.values() if isinstance(item, dict) else item)
        ]
    return depth


class ArgumentsParser(FlaskParser):
    # A multipart body's parts the schema does not name are refused, as a JSON body's members
    # are (webargs would drop them unseen: an `alt` sent beside an image would be lost).
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "files": None}

    def __init__(self) -> None:
        super().__init__()
        self._schemas: dict[type[Schema], Schema] = {}
        self._takes_lists: dict[int, bool] = {}  # by schema instance

    def _get_schema(self, argmap: Any, req: Request) -> Schema:
        """One schema per class, built once (schemas keep no state between loads)."""
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            if argmap not in self._schemas:
                self._schemas[argmap] = argmap()
            return self._schemas[argmap]
        return super()._get_schema(argmap, req)

    def _raw_load_json(self, req: Request) -> Any:
        """The JSON body read strictly (service.content.json_input): unreadable is a 400, a
        key given twice a 422 naming it. Refused (400) when nested deeper than MAX_JSON_DEPTH:
        no document here goes beyond a few levels, and deep nesting only costs the reader."""
        data = req.get_data(cache=True)
        if req.content_length is None and req.max_content_length and len(data) >= req.max_content_length:
            # A chunked body has no Content-Length to refuse up front; werkzeug stops reading
            # it at the limit without saying that more was sent.
            abort(413, message=f"The body is over the limit of {req.max_content_length} bytes.")
        if not is_json_request(req) or not data:
            return missing
        try:
            body = read_json(data)
        except RepeatedKeys as error:
            abort(422, errors={"json": {key: ["Given more than once in one object."] for key in error.keys}})
        except UnreadableJson as error:
            abort(400, message=f"The body is not JSON this service reads: {error}.")
        if json_depth(body) > MAX_JSON_DEPTH:
            abort(400, message=f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.")
        return body

    def load_json(self, req: Request, schema: Schema) -> Any:
        """Every string in the body, keys included, is one a database can store (422 naming
        each that is not), unless the schema checks its items one by one (a batch of events,
        where one bad item must not sink the others)."""
        body = super().load_json(req, schema)
        if not getattr(schema, "CHECKS_TEXT_PER_ITEM", False) and (unstorable := unstorable_strings(body)):
            abort(422, errors={"json": unstorable})
        return body

    def load_files(self, req: Request, schema: Schema) -> Any:
        """Every part of a multipart body, files and plain fields alike, so that a part the
        spec does not list is a 422 naming it (and a file sent as a plain field is one too),
        as is a part sent twice where the schema takes one (which one would count?)."""
        parts = CombinedMultiDict([req.files, req.form])
        repeated = {
            name: ["Sent more than once: send one part of this name."]
            for name, values in parts.lists()
            if len(values) > 1 and not isinstance(schema.fields.get(name), fields.List)
        }
        if repeated:
            abort(422, errors={"files": repeated})
        return self._makeproxy(parts, schema)

    def load_querystring(self, req: Request, schema: Schema) -> Any:
        """A plain dict (the first value of each parameter, as MultiDict.get gives) unless
        the schema has a field taking several values."""
        if id(schema) not in self._takes_lists:
            self._takes_lists[id(schema)] = bool(self._makeproxy(req.args, schema).multiple_keys)
        return self._makeproxy(req.args, schema) if self._takes_lists[id(schema)] else req.args.to_dict()


# The query parameters flask-smorest's pagination reads (PaginationParameters' own fields).
PAGE_PARAMETERS = frozenset({"page", "page_size"})


def query_parameters(view: Callable) -> frozenset[str]:
    """The query parameters a view reads, as its @blp.arguments and @blp.paginate noted."""
    return getattr(view, "query_parameters", frozenset())


def noting_query_parameters(decorator: Callable, names: frozenset[str]) -> Callable:
    """`decorator`, also noting on the view it makes that it reads `names` from the query
    (api.caching keeps an answer for its URL only if the URL names no other)."""

    def decorate(func: Callable) -> Callable:
        view = decorator(func)
        view.query_parameters = query_parameters(func) | names
        return view

    return decorate


def parameter_names(schema: type[Schema] | Schema) -> frozenset[str]:
    """The names a schema loads: its fields' data keys."""
    fields = (schema() if isinstance(schema, type) else schema).load_fields
    return frozenset(field.data_key or name for name, field in fields.items())


class ServiceBlueprint(Blueprint):
    ARGUMENTS_PARSER = PAGINATION_ARGUMENTS_PARSER = ArgumentsParser()

    def arguments(self, schema: Any, *, location: str = "json", **kwargs: Any) -> Callable:
        decorator = super().arguments(schema, location=location, **kwargs)
        return (
            noting_query_parameters(decorator, parameter_names(schema)) if location == "query" else decorator
        )

    def paginate(self, pager: Any = None, **kwargs: Any) -> Callable:
        return noting_query_parameters(super().paginate(pager, **kwargs), PAGE_PARAMETERS)

    # A pure function of three integers: kept for the few thousand combinations seen.
    _make_pagination_metadata = staticmethod(
        functools.lru_cache(maxsize=4096)(Blueprint._make_pagination_metadata)
    )
