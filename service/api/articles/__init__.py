"""Management of articles, one module per sub-resource, all on one blueprint (`blp`, named
Articles): drafts, children, reviews, publishing, revisions, renditions (preview, export),
schedules, findings.

Every change needs the ETag of the caller's last read in If-Match (see preconditions). The
views parse, call the use case in service.content, commit, and answer with the draft."""

# The sub-resources register their routes on import, in the order the spec lists them.
# isort: off
from service.api.articles import (  # noqa: F401
    drafts,
    children,
    reviews,
    publishing,
    revisions,
    renditions,
    schedules,
    findings,
)
from service.api.articles.resource import blp

# isort: on

__all__ = ["blp"]
