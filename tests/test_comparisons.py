"""Comparison tables as data (issue 16): a child kind whose rows, columns and cells have keys,
rendered as the Markdown table it stands for; a site's overlay or an experiment's variant
changes one cell; the diff, the guardrails and the spec name each cell by its keys."""

import copy
import json
from pathlib import Path

import pytest

from service.config import MAX_CELL_LENGTH, MAX_COMPARISON_COLUMNS, MAX_COMPARISON_ROWS
from service.content.diff import diff_documents
from service.content.document import dump_document, load_document
from service.content.errors import InvalidDocument
from service.content.markdown import render_markdown, with_html
from service.content.overlay import apply_overlay
from tests.experiment_factories import DENVER, EXPERIMENTS, SITE, experiment

EXAMPLE = (
    Path(__file__).resolve().parents[1] / "seed/examples/prp-or-hyaluronic-acid-for-knee-osteoarthritis.json"
)
SLUG = "prp-or-hyaluronic-acid-for-knee-osteoarthritis"
PRICE = "comparisons[prp-vs-ha].rows[price].cells[prp]"
ONE_PRICE = {
    "children": {"comparisons": {"prp-vs-ha": {"rows": {"price": {"cells": {"prp": "$900 to $2,400"}}}}}}
}


@pytest.fixture
def comparison_document() -> dict:
    """The treatment comparison of seed/examples, its table a comparison `prp-vs-ha`."""
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def small() -> dict:
    """A comparison of two options on two criteria, every alignment and a cell left out."""
    return {
        "key": "cost",
        "columns": [
            {"key": "prp", "label": "PRP", "align": "center"},
            {"key": "ha", "label": "**HA**", "align": "right"},
        ],
        "rows": [
            {"key": "price", "label": "Price", "cells": {"prp": "$1,000 | $3,000", "ha": "~~$900~~ $500"}},
            {"key": "medicare", "label": "Medicare[^1]", "cells": {"ha": "`covered|often`"}},
        ],
    }


def errors_of(document: dict) -> dict[str, str]:
    with pytest.raises(InvalidDocument) as raised:
        load_document(document)
    return {error["field"]: error["message"] for error in raised.value.errors}


def cell(answer: dict, row: str, column: str):
    (comparison,) = answer["comparisons"]
    return {r["key"]: r for r in comparison["rows"]}[row]["cells"].get(column)


def test_a_comparison_loads_with_what_it_leaves_out_as_null(reviewed_document, small):
    loaded = dump_document(load_document({**reviewed_document, "comparisons": [small]}))["comparisons"]

    assert loaded == [{**small, "caption": None, "criteria": {"label": None, "align": None}}]


def test_it_renders_as_the_markdown_table_it_stands_for(reviewed_document, small):
    written = (
        "| | PRP | **HA** |\n"
        "|---|:-:|--:|\n"
        "| Price | $1,000 \\| $3,000 | ~~$900~~ $500 |\n"
        "| Medicare[^1] | | `covered\\|often` |\n"
    )
    document = dump_document(load_document({**reviewed_document, "comparisons": [small]}))

    (rendered,) = with_html(document)["comparisons"]

    assert rendered["table_html"] == render_markdown(written, document["references"])
    assert '<td align="center">$1,000 | $3,000</td>' in rendered["table_html"]
    assert (
        "<code>covered|often</code>" in rendered["table_html"]
        and '<a href="#ref-1"' in rendered["table_html"]
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            lambda c: c["columns"].append({"key": "prp", "label": "Again"}),
            "columns[2].key",
            "Duplicate key 'prp'.",
        ),
        (lambda c: c["rows"][1].update(key="price"), "rows[1].key", "Duplicate key 'price'."),
        (lambda c: c["rows"][0]["cells"].update(pr="x"), "rows[0].cells", "No column keyed pr."),
        (
            lambda c: c["rows"][0]["cells"].update(prp="one\ntwo"),
            "rows[0].cells.prp.value",
            "One line only: no line breaks.",
        ),
        (
            lambda c: c["columns"][0].update(align="justify"),
            "columns[0].align",
            "Must be one of: left, center, right.",
        ),
        (lambda c: c.update(rows=[]), "rows", f"Length must be between 1 and {MAX_COMPARISON_ROWS}."),
        (lambda c: c["rows"][0]["cells"].update(ha=" "), "rows[0].cells.ha.value", "Must not be blank."),
    ],
)
def test_a_comparison_that_does_not_hold_together_is_refused(
    reviewed_document, small, change, field, message
):
    change(small)

    errors = errors_of({**reviewed_document, "comparisons": [small]})

    assert errors == {f"comparisons[0].{field}": message}


def test_a_comparison_is_capped_in_columns_rows_and_cell_length(reviewed_document, small):
    small["columns"] = [{"key": f"c{n}", "label": f"C{n}"} for n in range(MAX_COMPARISON_COLUMNS + 1)]
    small["rows"] = [{"key": f"r{n}", "label": "R", "cells": {}} for n in range(MAX_COMPARISON_ROWS + 1)]
    too_long = {**small["rows"][0], "cells": {"c0": "x" * (MAX_CELL_LENGTH + 1)}}

    assert errors_of({**reviewed_document, "comparisons": [small]}) == {
        "comparisons[0].columns": f"Length must be between 1 and {MAX_COMPARISON_COLUMNS}.",
        "comparisons[0].rows": f"Length must be between 1 and {MAX_COMPARISON_ROWS}.",
    }
    assert errors_of({**reviewed_document, "comparisons": [{**small, "rows": [too_long]}]}) == {
        "comparisons[0].columns": f"Length must be between 1 and {MAX_COMPARISON_COLUMNS}.",
        "comparisons[0].rows[0].cells.c0.value": f"Longer than maximum length {MAX_CELL_LENGTH}.",
    }


def test_a_site_overlay_changes_one_price_for_that_site_only(
    client, admin, create_draft, publish_reviewed, publish_overlay, comparison_document
):
    for site in (SITE, DENVER):
        assert client.post("/v1/manage/sites", json=site, headers=admin).status_code == 201
    url = create_draft(comparison_document, headers=admin).url
    assert publish_overlay("clinic-austin", url.rsplit("/", 1)[1], ONE_PRICE).status_code == 200
    assert publish_reviewed(url, admin).status_code == 200

    austin = client.get(f"/v1/sites/clinic-austin/articles/{SLUG}").json
    denver = client.get(f"/v1/sites/clinic-denver/articles/{SLUG}").json
    everywhere = client.get(f"/v1/articles/{SLUG}").json

    assert cell(austin, "price", "prp") == "$900 to $2,400"
    assert '<td align="left">$900 to $2,400</td>' in austin["comparisons"][0]["table_html"]
    for other in (denver, everywhere):
        assert cell(other, "price", "prp") == "$1,000 to $3,000"
        assert "$900 to $2,400" not in other["comparisons"][0]["table_html"]
    # everything else of the table is the article's: one cell differs
    assert (
        austin["comparisons"][0]["table_html"].replace("$900 to $2,400", "$1,000 to $3,000")
        == (denver["comparisons"][0]["table_html"])
    )


def test_an_overlay_removes_a_row_and_names_no_row_the_comparison_lacks(
    client, admin, create_draft, comparison_document
):
    assert client.post("/v1/manage/sites", json=SITE, headers=admin).status_code == 201
    article_id = create_draft(comparison_document, headers=admin).url.rsplit("/", 1)[1]
    overlays = f"/v1/manage/sites/clinic-austin/overlays/{article_id}"
    no_medicare = {"children": {"comparisons": {"prp-vs-ha": {"rows": {"medicare": None}}}}}
    unknown = {"children": {"comparisons": {"prp-vs-ha": {"rows": {"prices": {"label": "Price"}}}}}}

    saved = client.put(overlays, json=no_medicare, headers={**admin, "If-Match": "*"})
    refused = client.put(overlays, json=unknown, headers={**admin, "If-Match": "*"})

    assert saved.status_code == 200, saved.json
    rows = apply_overlay(dump_document(load_document(comparison_document)), no_medicare)["comparisons"][0][
        "rows"
    ]
    assert "medicare" not in [row["key"] for row in rows] and len(rows) == 11
    assert refused.status_code == 422
    assert refused.json["errors"] == [
        {
            "location": "json",
            "field": "children.comparisons",
            "message": "The comparisons prp-vs-ha has no rows keyed prices.",
        }
    ]


def test_a_variant_changes_one_cell(
    client, admin, publisher, create_published, approve_variants, comparison_document
):
    assert client.post("/v1/manage/sites", json=SITE, headers=admin).status_code == 201
    article_id = create_published(comparison_document, headers=admin).body["id"]
    trial = experiment(article_id)
    trial["variants"][1]["overlay"] = ONE_PRICE
    assert client.post(EXPERIMENTS, json=trial, headers=publisher).status_code == 201
    approve_variants("cta-heading")
    assert client.post(f"{EXPERIMENTS}/cta-heading/start", headers=publisher).status_code == 200
    base = f"/v1/sites/clinic-austin/articles/{SLUG}/variants/cta-heading"

    assert cell(client.get(f"{base}/heading").json, "price", "prp") == "$900 to $2,400"
    assert cell(client.get(f"{base}/control").json, "price", "prp") == "$1,000 to $3,000"


def test_an_editor_patches_one_cell_and_the_diff_names_it(
    client, publisher, create_published, comparison_document
):
    url = create_published(comparison_document).url
    headers = {**publisher, "If-Match": "*", "Content-Type": "application/merge-patch+json"}
    patch = {
        "rows": {
            "price": {"cells": {"prp": "$900 to $2,400"}},
            "medicare": None,
            "visits": {"label": "Visits"},
        }
    }

    patched = client.patch(f"{url}/comparisons/prp-vs-ha", data=json.dumps(patch), headers=headers)
    diff = client.get(f"{url}/diff?from=1", headers=publisher).json["children"]["comparisons"]

    assert patched.status_code == 200, patched.json
    rows = patched.json["comparisons"][0]["rows"]
    assert [row["key"] for row in rows][-2:] == ["side-effects", "visits"] and len(rows) == 12
    assert rows[-1] == {"key": "visits", "label": "Visits", "cells": {}}
    assert diff["changed"] == [
        {
            "key": "prp-vs-ha",
            "fields": [
                {"field": "rows[price].cells[prp]", "before": "$1,000 to $3,000", "after": "$900 to $2,400"},
                {"field": "rows[visits].label", "before": None, "after": "Visits"},
                {"field": "rows[medicare].label", "before": "Medicare", "after": None},
                {
                    "field": "rows[medicare].cells[prp]",
                    "before": "Not covered for knee osteoarthritis",
                    "after": None,
                },
                {
                    "field": "rows[medicare].cells[hyaluronic-acid]",
                    "before": "Covered when criteria are met, usually not more than every 6 months",
                    "after": None,
                },
            ],
        }
    ]


def test_the_diff_names_a_new_order_of_columns_by_their_keys(comparison_document):
    before = dump_document(load_document(comparison_document))
    after = copy.deepcopy(before)
    after["comparisons"][0]["columns"].reverse()

    (changed,) = diff_documents(before, after)["children"]["comparisons"]["changed"]

    assert changed["fields"] == [
        {"field": "columns", "before": ["prp", "hyaluronic-acid"], "after": ["hyaluronic-acid", "prp"]}
    ]


def test_the_guardrails_read_every_cell(client, editor, create_draft, comparison_document):
    comparison_document["comparisons"][0]["rows"][10]["cells"]["prp"] = "PRP cures knee arthritis."

    report = client.get(f"{create_draft(comparison_document).url}/findings", headers=editor).json

    assert "cure-claim" in {
        f["rule"]
        for f in report["findings"]
        if f["path"] == "comparisons[prp-vs-ha].rows[evidence].cells[prp]"
    }


def test_export_then_import_carries_the_comparison(client, editor, create_draft, comparison_document):
    url = create_draft(comparison_document).url
    exported = client.get("/v1/manage/export", headers=editor).json
    assert client.delete(url, headers={**editor, "If-Match": "*"}).status_code == 204

    imported = client.post("/v1/manage/import", json=exported, headers=editor)

    assert imported.status_code == 200, imported.json
    (draft,) = client.get("/v1/manage/articles", headers=editor).json
    again = client.get(f"/v1/manage/articles/{draft['id']}", headers=editor).json
    assert again["comparisons"] == exported[0]["comparisons"] == comparison_document["comparisons"]


def test_the_spec_documents_the_kind_with_examples(spec):
    schemas = spec["components"]["schemas"]

    assert schemas["ArticleDocument"]["properties"]["comparisons"]["items"]["$ref"].endswith("/Comparison")
    for name in ("Comparison", "ComparisonColumn", "ComparisonRow", "ComparisonCriteria"):
        properties = schemas[name]["properties"]
        assert all("example" in properties[field] for field in properties if field != "key"), name
    assert schemas["ComparisonRow"]["properties"]["cells"]["additionalProperties"]["format"] == "markdown"
    assert "table_html" in schemas["DeliveredComparison"]["properties"]
    assert "comparisons" in schemas["Section"]["properties"]["includes"]["enum"]
