"""Markdown to safe HTML: CommonMark rendering, then sanitising, so no source can inject script."""

from collections.abc import Iterable
from typing import Any

import nh3
from markdown_it import MarkdownIt

from service.content.document import MARKDOWN_FIELDS

# Raw HTML in the source is shown as text, not passed through; nh3 then strips anything
# unsafe that Markdown itself can produce (javascript: links and the like).
_markdown = MarkdownIt("commonmark", {"html": False})

_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(source: str | None) -> str | None:
    if source is None:
        return None
    return sanitise(_markdown.render(source))


def sanitise(html: str) -> str:
    """nh3's allow-list: safe tags and attributes only, links to the schemes above only, and
    every link opened without handing the opener or the referrer to the target."""
    return nh3.clean(html, url_schemes=_URL_SCHEMES, link_rel="noopener noreferrer")


def with_html(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of a JSON-ready document with `<field>_html` after every Markdown field."""

    def render(part: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
        rendered = {}
        for name, value in part.items():
            rendered[name] = value
            if name in names:
                rendered[f"{name}_html"] = render_markdown(value)
        return rendered

    result = render(document, MARKDOWN_FIELDS[None])
    for part, names in MARKDOWN_FIELDS.items():
        if part is None:
            continue
        value = result[part]
        result[part] = render(value, names) if isinstance(value, dict) else [render(v, names) for v in value]
    return result
