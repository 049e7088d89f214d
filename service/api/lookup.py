"""The one way a view turns "not there" into a 404 problem."""

from typing import TypeVar

from flask_smorest import abort

Found = TypeVar("Found")


def found_or_404(found: Found | None, message: str) -> Found:
    if found is None:
        abort(404, message=message)
    return found
