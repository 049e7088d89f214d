"""One way to page a query: flask-smorest's page parameters, the total in X-Pagination."""

from typing import Any

from flask_smorest.pagination import PaginationParameters
from sqlalchemy import Select, func, select

from service.extensions import db


def page_of(query: Select[Any], pagination_parameters: PaginationParameters) -> list[Any]:
    """The requested page of a select of entities; records the total for the header."""
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pagination_parameters.item_count = total
    if pagination_parameters.first_item >= total:  # past the end (and past what SQL can offset)
        return []
    page = query.offset(pagination_parameters.first_item).limit(pagination_parameters.page_size)
    return list(db.session.scalars(page))
