"""Markdown to safe HTML: CommonMark rendering, then sanitising, so no source can inject script."""

import nh3
from markdown_it import MarkdownIt

# Raw HTML in the source is shown as text, not passed through; nh3 then strips anything
# unsafe that Markdown itself can produce (javascript: links and the like).
_markdown = MarkdownIt("commonmark", {"html": False})

_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(source: str | None) -> str | None:
    if source is None:
        return None
    return nh3.clean(_markdown.render(source), url_schemes=_URL_SCHEMES, link_rel="noopener noreferrer")
