"""Markdown as clinic pages use it (issue 16): GitHub-flavoured tables and strikethrough,
citations of the article's references, autolinks, headings nested under their section; and
what was rendered before these rules stays byte-identical where they do not apply."""

import json
from pathlib import Path

import pytest

from service.content.document import dump_document, load_document
from service.content.markdown import render_markdown, sanitise, with_html
from tests.walk import members

# Rendered by main's renderer before issue 16 (2667216): the seed's every Markdown field and
# the XSS corpus.
BEFORE = json.loads((Path(__file__).parent / "data" / "rendered-before-issue-16.json").read_text())
REFERENCES = [
    {"title": "Mesenchymal stem cells for disc disease", "url": "https://pubmed.example/1"},
    {"title": 'A "trial" <of> PRP & HA', "url": "https://pubmed.example/2"},
]

TABLE = """\
| Treatment | Sessions | Price |
|:----------|:--------:|------:|
| PRP | 3 | ~~$900~~ $750 |
| Hyaluronic acid | 1 | $400 |
"""


def html_of(document: dict) -> list:
    """Every `_html` member."""
    return list(members(document, lambda name, _: name.endswith("_html")))


def test_the_seed_renders_byte_for_byte_as_before(seed_document):
    now = with_html(dump_document(load_document(seed_document)))
    [before] = BEFORE["seed"]

    assert len(html_of(before)) == len(html_of(now)) == 39  # every Markdown field of the seed
    assert {name: value for name, value in now.items() if name in before} == before
    assert {name: now[name] for name in now.keys() - before.keys()} == {
        "authors": [],
        "medical_reviewer": None,
        "hero_image": None,
        "social_image": None,
        "steps": [],
        "callouts": [],
        "testimonials": [],
        "facts": [],
        "comparisons": [],
    }


@pytest.mark.parametrize("payload", sorted(BEFORE["payloads"]))
def test_the_xss_corpus_renders_as_before(payload):
    """The corpus as it was then uses no table, citation or heading: none of it may change."""
    assert render_markdown(payload) == BEFORE["payloads"][payload]


def test_tables_render_with_their_alignment_and_no_inline_css():
    html = render_markdown(TABLE)

    assert html.startswith('<table>\n<thead>\n<tr>\n<th align="left">Treatment</th>\n')
    assert '<th align="center">Sessions</th>\n<th align="right">Price</th>' in html
    assert '<td align="right"><s>$900</s> $750</td>' in html
    assert "<tbody>" in html and "style" not in html


def test_a_table_without_alignment_has_no_align_attribute():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")

    assert "<th>a</th>" in html and "<td>2</td>" in html and "align" not in html


def test_strikethrough_needs_two_tildes():
    assert render_markdown("~~was~~ is, ~not~") == "<p><s>was</s> is, ~not~</p>\n"


def test_a_citation_links_to_the_articles_reference_by_its_number():
    html = render_markdown("PRP helps some knees.[^2] Stem cells?[^1][^2]", REFERENCES)

    assert html == (
        '<p>PRP helps some knees.<sup><a href="#ref-2" title="A &quot;trial&quot; &lt;of&gt; PRP &amp; HA"'
        ' rel="noopener noreferrer">[2]</a></sup> Stem cells?<sup><a href="#ref-1" title="Mesenchymal stem'
        ' cells for disc disease" rel="noopener noreferrer">[1]</a></sup><sup><a href="#ref-2" title="A'
        ' &quot;trial&quot; &lt;of&gt; PRP &amp; HA" rel="noopener noreferrer">[2]</a></sup></p>\n'
    )


@pytest.mark.parametrize("source", ["[^3]", "[^0]", "[^01]", "[^x]", "[^ 1]", "^[inline]"])
def test_what_cites_no_reference_stays_text(source):
    assert render_markdown(source, REFERENCES) == f"<p>{source}</p>\n"


def test_without_references_nothing_is_a_citation():
    assert render_markdown("Cited.[^1]") == "<p>Cited.[^1]</p>\n"


def test_a_body_defines_no_footnotes_of_its_own():
    """The references are the article's list: a body's `[^1]: text` is a paragraph citing the
    first one, and no footnote list is added to the body."""
    html = render_markdown("Text.\n\n[^1]: A note of the body's own.", REFERENCES)

    assert html == (
        '<p>Text.</p>\n<p><sup><a href="#ref-1" title="Mesenchymal stem cells for disc disease"'
        ' rel="noopener noreferrer">[1]</a></sup>: A note of the body\'s own.</p>\n'
    )


def test_every_markdown_field_cites_the_same_references(seed_document):
    document = dump_document(load_document({**seed_document, "references": REFERENCES}))
    document["faqs"][0]["answer"] = "See the trial.[^2]"
    document["intro"] += " [^1]"

    rendered = with_html(document)

    assert '<a href="#ref-2"' in rendered["faqs"][0]["answer_html"]
    assert '<a href="#ref-1"' in rendered["intro_html"]


@pytest.mark.parametrize(
    ("source", "tag"),
    [("# One", "h3"), ("## Two", "h4"), ("### Three", "h5"), ("#### Four", "h6"), ("###### Six", "h6")],
)
def test_headings_nest_under_their_section(source, tag):
    text = source.split(" ", 1)[1]
    assert render_markdown(source) == f"<{tag}>{text}</{tag}>\n"


def test_setext_headings_nest_too():
    assert render_markdown("One\n===\n\nTwo\n---") == "<h3>One</h3>\n<h4>Two</h4>\n"


def test_autolinks_are_links_and_bare_urls_stay_text():
    html = render_markdown("<https://www.nih.gov/health> or www.mayo.example or https://bare.example")

    assert html == (
        '<p><a href="https://www.nih.gov/health" rel="noopener noreferrer">https://www.nih.gov/health</a>'
        " or www.mayo.example or https://bare.example</p>\n"
    )


def test_the_allow_list_still_refuses_inline_css_and_ids():
    """align came with tables, which nh3's default list has on cells; nothing else was added."""
    html = sanitise('<td style="color:red" align="right" id="x" class="y">1</td><p align="right">2</p>')

    assert "style" not in html and "id=" not in html and "class" not in html
    assert '<p align="right">' not in html


@pytest.mark.parametrize(
    "source",
    [
        "See ![a *tiny* chart](https://evil.example/t.gif) here",
        "| a |\n|---|\n| ![a tiny chart](//evil.example/t) |",
    ],
)
def test_an_image_in_markdown_shows_its_alt_text_and_hotlinks_nothing(source):
    """Images come from the media library (checked, sized, stripped), never from a body."""
    html = render_markdown(source)

    assert "<img" not in html and "evil.example" not in html and "tiny chart" in html
    assert "<img" not in sanitise('<p><img src="https://evil.example/t.gif" alt=""></p>')
