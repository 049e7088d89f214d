"""Markdown to safe HTML: CommonMark rendering, then sanitising, so no source can inject script.

Beyond CommonMark, what clinic pages use (docs/article-document.md, "Markdown"):
GitHub-flavoured tables (alignment as the `align` attribute) and ~~strikethrough~~;
citations `[^N]` of the article's N-th reference (a link to `#ref-N`); and headings that nest
under the section they are in: a body's `#` is an `<h3>`, `##` an `<h4>`... down to `<h6>`,
so no body adds an `<h1>` or `<h2>` to the page (those are the article's and its sections').
Links are made from `<https://...>` autolinks; bare URLs stay text (no linkify: see the docs).
An image is an asset of the media library (hero_image, a person's photo), never an address in
a body: `![alt](url)` shows its alt text, so no page hotlinks an image nobody checked.
"""

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

from service.content.comparisons import comparison_markdown
from service.content.document import MARKDOWN_FIELDS

# A body's heading of level n is rendered at n + HEADING_OFFSET, never deeper than h6.
HEADING_OFFSET = 2
DEEPEST_HEADING = 6
# How a citation links to its reference: the page gives reference N this id.
REFERENCE_ANCHOR = "ref-{number}"

_URL_SCHEMES = {"http", "https", "mailto", "tel"}
_TAGS = nh3.ALLOWED_TAGS - {"img"}  # (images: see above)
_ALIGNMENTS = {f"text-align:{side}": side for side in ("left", "center", "right")}


def _nest_headings(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1:]) + HEADING_OFFSET, DEEPEST_HEADING)}"


def _align_cells(state: StateCore) -> None:
    """markdown-it aligns a cell with a style attribute; `align` says the same without one,
    so the sanitiser need allow no inline CSS (and a strict CSP blocks none)."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and "style" in token.attrs:
            side = _ALIGNMENTS.get(str(token.attrs.pop("style")))
            if side is not None:
                token.attrs["align"] = side


def _render_citation(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    number = int(tokens[idx].meta["label"])
    title = escapeHtml(env["cited"][number - 1]["title"])
    anchor = REFERENCE_ANCHOR.format(number=number)
    return f'<sup><a href="#{anchor}" title="{title}">[{number}]</a></sup>'


def _render_image_as_its_text(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return escapeHtml(self.renderInlineAsText(tokens[idx].children or [], options, env))


# Raw HTML in the source is shown as text, not passed through; nh3 then strips anything
# unsafe that Markdown itself can produce (javascript: links and the like).
_markdown = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
# Only citations of the article's references: no inline footnotes, and no footnote
# definitions in a body (a `[^1]: ...` line stays a paragraph, as CommonMark has it).
footnote_plugin(_markdown, inline=False, move_to_end=False)
_markdown.disable("footnote_def")
_markdown.add_render_rule("footnote_ref", _render_citation)
_markdown.add_render_rule("image", _render_image_as_its_text)
_markdown.core.ruler.push("nest_headings", _nest_headings)
_markdown.core.ruler.push("align_cells", _align_cells)


def _env(references: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """What the footnote rule reads: the labels that resolve (1 to the number of references)."""
    labels = {f":{number}": -1 for number in range(1, len(references) + 1)}
    return {"footnotes": {"refs": labels, "list": {}}, "cited": references}


def render_markdown(source: str | None, references: Sequence[dict[str, Any]] = ()) -> str | None:
    """Safe HTML of `source`; `[^N]` cites the N-th of `references` (the article's), by its
    title. Remembered by source and titles: delivery renders the same texts again, for each
    site, for a FAQ's structured data, and for each answer it does not keep."""
    if source is None:
        return None
    return _rendered(source, tuple(reference.get("title") or "" for reference in references))


# How many rendered texts each process remembers (a text is a paragraph or a list: a few MB).
RENDERED_TEXTS = 2048


@lru_cache(maxsize=RENDERED_TEXTS)
def _rendered(source: str, titles: tuple[str, ...]) -> str:
    return sanitise(_markdown.render(source, _env([{"title": title} for title in titles])))


def sanitise(html: str) -> str:
    """nh3's allow-list: safe tags and attributes only, links to the schemes above only, and
    every link opened without handing the opener or the referrer to the target."""
    return nh3.clean(html, tags=_TAGS, url_schemes=_URL_SCHEMES, link_rel="noopener noreferrer")


def with_html(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of a JSON-ready document with `<field>_html` after every Markdown field, and each
    comparison's `table_html`: the table a body's Markdown for it renders as."""
    references = document.get("references") or ()

    def render(part: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
        rendered = {}
        for name, value in part.items():
            rendered[name] = value
            if name in names:
                rendered[f"{name}_html"] = render_markdown(value, references)
        return rendered

    result = render(document, MARKDOWN_FIELDS[None])
    for part, names in MARKDOWN_FIELDS.items():
        if part is None or part not in result:  # (a revision's document older than the kind)
            continue
        value = result[part]
        result[part] = render(value, names) if isinstance(value, dict) else [render(v, names) for v in value]
    if "comparisons" in result:
        result["comparisons"] = [
            {**comparison, "table_html": render_markdown(comparison_markdown(comparison), references)}
            for comparison in result["comparisons"]
        ]
    return result
