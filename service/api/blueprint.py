"""The blueprint every resource uses: flask-smorest's, with request arguments read cheaply.

Profiling a cached delivery showed argument parsing as the largest cost left: webargs built
a new schema for every request (given a class, as flask-smorest's pagination always does),
read the query string through a proxy whose every absent parameter costs a raised-and-caught
exception, and the X-Pagination header was dumped through a new schema each time."""

import functools
from typing import Any

from flask import Request
from flask_smorest import Blueprint
from marshmallow import Schema
from webargs.flaskparser import FlaskParser


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
