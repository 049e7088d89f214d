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
    return sanitise(_markdown.render(source))


def sanitise(html: str) -> str:
    """nh3's allow-list: safe tags and attributes only, links to the schemes above only, and
    every link opened without handing the opener or the referrer to the target."""
    return nh3.clean(html, url_schemes=_URL_SCHEMES, link_rel="noopener noreferrer")
