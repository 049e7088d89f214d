"""The one overlay mechanism (sites and experiment variants), tested directly."""

import pytest

from service.content.errors import InvalidDocument
from service.content.overlay import apply_overlay, check_overlay
from service.content.placeholders import fill, placeholders_in


def keys(document, kind):
    return [child["key"] for child in document[kind]]


def test_fields_merge_children_patch_hide_and_reorder(seed_document):
    overlay = {
        "fields": {"title": "Back pain? Ask Austin", "call_to_action": {"button_label": "Book now"}},
        "children": {"faqs": {"time-to-results": {"answer": "Weeks."}}},
        "hide": {"sections": ["latest-insights"], "benefits": ["faster-recovery"]},
        "order": {"faqs": ["compared-to-surgery", "permanent-solution"]},
    }

    result = apply_overlay(seed_document, overlay)

    assert result["title"] == "Back pain? Ask Austin"
    assert result["call_to_action"]["button_label"] == "Book now"
    assert result["call_to_action"]["body"] == seed_document["call_to_action"]["body"]
    assert "latest-insights" not in keys(result, "sections")
    assert "faster-recovery" not in keys(result, "benefits")
    faq_keys = keys(seed_document, "faqs")
    assert keys(result, "faqs") == ["compared-to-surgery", "permanent-solution"] + [
        key for key in faq_keys if key not in ("compared-to-surgery", "permanent-solution")
    ]
    patched = next(faq for faq in result["faqs"] if faq["key"] == "time-to-results")
    assert patched == {**seed_document["faqs"][0], "answer": "Weeks."}
    assert seed_document["title"] != result["title"]  # the input is untouched


def test_an_empty_overlay_changes_nothing(seed_document):
    assert apply_overlay(seed_document, {}) == seed_document


@pytest.mark.parametrize(
    ("overlay", "field"),
    [
        ({"children": {"faqs": {"nope": {"answer": "x"}}}}, "children.faqs"),
        ({"hide": {"sections": ["nope"]}}, "hide.sections"),
        ({"order": {"benefits": ["nope"]}}, "order.benefits"),
        ({"fields": {"slug": "elsewhere"}}, "fields"),
        ({"fields": {"faqs": []}}, "fields"),
        ({"fields": {"title": ""}}, "result.title"),
        (
            {"children": {"conditions": {"facet-joint-pain": {"outlook": "cured"}}}},
            "result.conditions[2].outlook",
        ),
    ],
)
def test_an_overlay_that_does_not_fit_is_refused_by_path(seed_document, overlay, field):
    with pytest.raises(InvalidDocument) as raised:
        check_overlay(seed_document, overlay)
    assert field in [error["field"] for error in raised.value.errors]


def test_placeholders_are_found_and_filled_everywhere(seed_document):
    seed_document["call_to_action"]["button_url"] = "{{site.booking_url}}"
    seed_document["faqs"][0]["answer"] = "Call {{ site.phone }} in {{site.city}}."

    assert placeholders_in(seed_document) == {"booking_url", "phone", "city"}
    filled = fill(
        seed_document, {"booking_url": "https://a.example/book", "phone": "512-555-0100", "city": "Austin"}
    )
    assert filled["call_to_action"]["button_url"] == "https://a.example/book"
    assert filled["faqs"][0]["answer"] == "Call 512-555-0100 in Austin."
    assert placeholders_in(filled) == set()
