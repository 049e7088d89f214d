"""The Articles blueprint, which every sub-resource of an article registers on, and the draft
as they all answer with it: its metadata, its document and its ETag."""

from typing import Any

from service.api.auth import ManagementBlueprint
from service.content.editing import published_number
from service.content.mapping import document_from_article
from service.models import Article

blp = ManagementBlueprint(
    "Articles",
    __name__,
    url_prefix="/v1/manage/articles",
    description="Drafts, children, publishing and history, for marketers. Needs an API key.",
)


def draft_etag(article: Article) -> str:
    return f"{article.id}-{article.version}"


def draft_metadata(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "version": article.version,
        "status": article.status,
        "published_revision": published_number(article),
        "created_at": article.created_at,
        "updated_at": article.updated_at,
        "etag": draft_etag(article),
    }


def draft_reply(article: Article, status: int = 200) -> tuple[dict[str, Any], int, dict[str, str]]:
    body = draft_metadata(article) | document_from_article(article)
    return body, status, {"ETag": f'"{draft_etag(article)}"'}
