"""If-Match, which every change of an article or a site overlay needs: 428 without it, 400
when it holds no entity tags, 412 when stale. The version it names goes to the use case, whose
claim checks it again atomically with the write (content.editing.claim, the overlays' hold).
Not flask-smorest's check_etag: it compares a hash of data read before the write, where these
claims are one atomic UPDATE ... WHERE version = expected, so no concurrent writer can slip in
between."""

import re
from typing import Any

from flask import request
from flask_smorest import abort

# RFC 9110 entity tags (a list of them, or *): what If-Match may hold.
ENTITY_TAGS = re.compile(r'^\s*(\*|(W/)?"[^"]*"(\s*,\s*(W/)?"[^"]*")*)\s*$')
RESPONSE_NAMES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    409: "CONFLICT",
    412: "PRECONDITION_FAILED",
    428: "PRECONDITION_REQUIRED",
}


def if_match_parameter(what: str) -> dict[str, Any]:
    """The If-Match header as the spec documents it, for a change of `what`."""
    return {
        "in": "header",
        "name": "If-Match",
        "required": True,
        "schema": {"type": "string", "pattern": ENTITY_TAGS.pattern},
        "description": f"The ETag of your last read of {what} (or *): 428 without it, 412 if stale.",
    }


def sent_if_match() -> None:
    """428 without If-Match, 400 when it holds no entity tags."""
    sent = request.headers.get("If-Match", "")
    if not sent.strip():
        abort(428, message="Send If-Match with the ETag of your last read (or *).")
    if not ENTITY_TAGS.fullmatch(sent):
        abort(400, message='If-Match holds ETags as the API sent them, quotes included ("3-2"), or *.')


def expected_version(etag: str, version: int, what: str) -> int | None:
    """The version If-Match names, checked against the current `etag` (412 if stale): None
    for *, for the use case to take whatever is current."""
    if request.if_match.star_tag:
        return None
    if not request.if_match.contains(etag):
        abort(
            412,
            message=f"{what} has changed since your read (it is now {etag!r}): "
            "read it again and reapply your change.",
        )
    return version
