"""The blueprint every resource uses: flask-smorest's, with request arguments read cheaply.

Profiling a cached delivery showed argument parsing as the largest cost left: webargs built
a new schema for every request (given a class, as flask-smorest's pagination always does),
read the query string through a proxy whose every absent parameter costs a raised-and-caught
exception, and the X-Pagination header was dumped through a new schema each time."""

import functools
from typing import Any

from flask import Request
from flask_smorest import Blueprint, abort
from marshmallow import Schema
from webargs.flaskparser import FlaskParser

from service.config import MAX_JSON_DEPTH


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
        """The JSON body, refused (400) when nested deeper than MAX_JSON_DEPTH: no document
        here goes beyond a few levels, and deep nesting only costs the reader."""
        body = super()._raw_load_json(req)
        if json_depth(body) > MAX_JSON_DEPTH:
            abort(400, message=f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.")
        return body

    def load_querystring(self, req: Request, schema: Schema) -> Any:
        """A plain dict (the first value of each parameter, as MultiDict.get gives) unless
        the schema has a field taking several values."""
        if id(schema) not in self._takes_lists:
            self._takes_lists[id(schema)] = bool(self._makeproxy(req.args, schema).multiple_keys)
        return self._makeproxy(req.args, schema) if self._takes_lists[id(schema)] else req.args.to_dict()


class ServiceBlueprint(Blueprint):
    ARGUMENTS_PARSER = PAGINATION_ARGUMENTS_PARSER = ArgumentsParser()
    # A pure function of three integers: kept for the few thousand combinations seen.
    _make_pagination_metadata = staticmethod(
        functools.lru_cache(maxsize=4096)(Blueprint._make_pagination_metadata)
    )
