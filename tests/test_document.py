"""The article document, tested directly: validation, round trip, rendering."""

import re

import pytest
from marshmallow import ValidationError

from service.content.document import CHILD_MODELS, canonical_locale, dump_document, load_document
from service.content.errors import InvalidDocument, field_errors
from service.content.mapping import apply_document, document_from_article
from service.content.markdown import render_markdown, with_html
from service.content.text_fields import LINE_PATTERN, TEXT_PATTERN, is_line, is_text
from service.models import Article


def test_a_document_survives_the_round_trip_through_the_models(seed_document):
    document = load_document(seed_document)
    article = Article()

    apply_document(article, document)

    assert document_from_article(article) == document
    every_kind = {kind: [] for kind in CHILD_MODELS}  # the kinds the seed leaves out, empty
    assert dump_document(document_from_article(article)) == every_kind | seed_document


def test_children_keep_their_identity_when_reordered(session, seed_document):
    article = Article()
    apply_document(article, load_document(seed_document))
    session.add(article)
    session.flush()
    ids = {faq.key: faq.id for faq in article.faqs}

    seed_document["faqs"].reverse()
    apply_document(article, load_document(seed_document))
    session.flush()

    assert [faq.key for faq in article.faqs] == [faq["key"] for faq in seed_document["faqs"]]
    assert [faq.position for faq in article.faqs] == list(range(6))
    assert {faq.key: faq.id for faq in article.faqs} == ids


def test_tags_are_sorted_and_unique(seed_document):
    seed_document["tags"] = ["spine", "back-pain", "spine"]
    assert load_document(seed_document)["tags"] == ["back-pain", "spine"]


def test_optional_fields_get_their_defaults(seed_document):
    for optional in ("seo", "tags", "references", "medical_disclaimer", "reviewed_at", "benefits"):
        del seed_document[optional]
    document = load_document(seed_document)
    assert document["seo"] == {"title": None, "description": None}
    assert document["tags"] == document["references"] == document["benefits"] == []
    assert document["medical_disclaimer"] is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda d: d["sections"][1].update(includes="benefits"), "sections[1].includes", "more than one"),
        (lambda d: d["sections"][0].update(includes="pictures"), "sections[0].includes", "Must be one of"),
        (lambda d: d["benefits"][0].update(key="Not A Key"), "benefits[0].key", "lowercase"),
        (lambda d: d.update(locale="english"), "locale", "BCP 47"),
        (lambda d: d["faqs"][0].update(answer=""), "faqs[0].answer", "Must not be blank."),
        (lambda d: d.update(title="  \n "), "title", "Must not be blank."),
        (lambda d: d.update(title="a\x00b"), "title", "Must not contain NUL characters."),
        (lambda d: d["sections"][0]["items"].append("\x00"), "sections[0].items[4]", "NUL"),
        (
            lambda d: d["call_to_action"].update(button_url="javascript:alert(1)"),
            "call_to_action.button_url",
            "Not a valid URL.",
        ),
        (lambda d: d.update(reviewed_at="yesterday"), "reviewed_at", "Not a valid date."),
        (lambda d: d.update(sections="none"), "sections", "Not a valid list."),
    ],
)
def test_invalid_documents_name_the_bad_field(seed_document, change, field, message):
    change(seed_document)
    with pytest.raises(InvalidDocument) as raised:
        load_document(seed_document)
    assert [e for e in raised.value.errors if e["field"] == field and message in e["message"]]


def test_an_invalid_key_is_not_also_reported_as_a_duplicate(seed_document):
    seed_document["faqs"][0]["key"] = seed_document["faqs"][1]["key"] = 5
    with pytest.raises(InvalidDocument) as raised:
        load_document(seed_document)
    assert [e["message"] for e in raised.value.errors] == ["Not a valid string."] * 2


@pytest.mark.parametrize(
    ("given", "canonical"),
    [("en", "en"), ("EN", "en"), ("en-gb", "en-GB"), ("zh-hant-tw", "zh-Hant-TW"), ("es-419", "es-419")],
)
def test_locales_are_stored_in_their_canonical_case(seed_document, given, canonical):
    assert canonical_locale(given) == canonical
    assert load_document({**seed_document, "locale": given})["locale"] == canonical


def test_a_document_that_is_not_an_object_is_rejected():
    with pytest.raises(InvalidDocument) as raised:
        load_document(["not", "an", "object"])
    assert raised.value.errors == [{"field": "", "message": "Invalid input type."}]


def test_field_errors_flatten_nested_messages():
    messages = {"sections": {2: {"key": ["Missing."]}}, "_schema": ["Whole thing."], "title": ["Bad."]}
    assert field_errors(messages) == [
        {"field": "sections[2].key", "message": "Missing."},
        {"field": "", "message": "Whole thing."},
        {"field": "title", "message": "Bad."},
    ]


def test_markdown_is_rendered_and_sanitised():
    assert render_markdown("**Bold** and [a link](https://example.org)") == (
        "<p><strong>Bold</strong> and "
        '<a href="https://example.org" rel="noopener noreferrer">a link</a></p>\n'
    )
    hostile = render_markdown(
        "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert "<script" not in hostile and "<img" not in hostile and "href" not in hostile
    assert "&lt;script&gt;" in hostile  # shown as text, not run
    assert render_markdown(None) is None


def test_html_is_added_beside_every_markdown_field(seed_document):
    rendered = with_html(seed_document)

    assert list(rendered)[list(rendered).index("intro") + 1] == "intro_html"
    assert rendered["medical_disclaimer_html"] is None
    assert rendered["sections"][0]["body_html"].startswith("<p>Stem cells are unique cells")
    assert rendered["conditions"][5]["summary_html"] == (
        "<p>Caused by extreme narrowing of the spinal canal, often requiring surgery.</p>\n"
    )
    assert "intro_html" not in seed_document


@pytest.mark.parametrize(
    ("check", "pattern"), [(is_text, TEXT_PATTERN), (is_line, LINE_PATTERN)], ids=["text", "one line"]
)
@pytest.mark.parametrize(
    "text",
    ["a", " ", "\x1c", "\u3000", " a ", "a\x00", "\n\t", "\u200b", "\ufeffx", "a\nb", "a\r", "\u2028x"],
)
def test_text_fields_accept_exactly_what_their_documented_pattern_does(check, pattern, text):
    """Frontends and the fuzzer validate with the spec's pattern: the service must agree (a
    table's cells are text of one line)."""
    try:
        check(text)
        accepted = True
    except ValidationError:
        accepted = False

    assert accepted == bool(re.fullmatch(pattern, text))
