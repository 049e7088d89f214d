"""The one way a view turns "not there" into a 404 problem."""

from typing import TypeVar

from flask_smorest import abort

from service.content.editing import find_article
from service.extensions import db
from service.models import Article

Found = TypeVar("Found")


def found_or_404(found: Found | None, message: str) -> Found:
    if found is None:
        abort(404, message=message)
    return found


def article_or_404(article_id: int) -> Article:
    """The article with all its children."""
    return found_or_404(find_article(db.session, article_id), f"There is no article {article_id}.")
