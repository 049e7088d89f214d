"""The example articles in seed/examples/, of other shapes than the first: a treatment
comparison with its table, and a first physical-therapy visit with steps, facts and a
testimonial. `make run`'s `flask seed` loads them beside the seed, with no blocking
health-claim finding to override, and delivery renders what they hold."""

import json
from pathlib import Path

import pytest

from service.content.markdown import render_markdown

# The comparison's table as the example's Markdown had it, before it was a comparison.
TABLE_AS_MARKDOWN = (Path(__file__).parent / "data" / "comparison-as-markdown.md").read_text(encoding="utf-8")
EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "seed" / "examples").glob("*.json"))


def test_there_are_examples_to_load():
    assert EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_an_example_loads_with_flask_seed_and_is_delivered(runner, client, path):
    loaded = runner.invoke(args=["seed", str(path)])

    assert loaded.exit_code == 0, loaded.output
    assert "published revision 1" in loaded.output and "override" not in loaded.output
    document = json.loads(path.read_text(encoding="utf-8"))
    delivered = client.get(f"/v1/articles/{document['slug']}")
    assert delivered.status_code == 200
    assert [faq["key"] for faq in delivered.json["faqs"]] == [faq["key"] for faq in document["faqs"]]


def test_the_comparison_renders_its_table_as_its_markdown_did(runner, client):
    """The table was Markdown in the section's body before it was a comparison: its HTML is the same."""
    runner.invoke(args=["seed", *map(str, EXAMPLES)])

    article = client.get("/v1/articles/prp-or-hyaluronic-acid-for-knee-osteoarthritis").json
    (section,) = [s for s in article["sections"] if s["key"] == "side-by-side"]
    (comparison,) = article["comparisons"]
    assert section["includes"] == "comparisons" and "<table" not in section["body_html"]
    assert comparison["table_html"] == render_markdown(TABLE_AS_MARKDOWN, article["references"])
    assert comparison["table_html"].count("<tr>") == 13  # a header row and 12 criteria
    assert 'align="left"' in comparison["table_html"] and '<a href="#ref-3"' in comparison["table_html"]


def test_the_first_visit_renders_its_steps_facts_and_testimonial(runner, client):
    runner.invoke(args=["seed", *map(str, EXAMPLES)])

    article = client.get("/v1/articles/your-first-physical-therapy-visit").json
    assert [step["duration"] for step in article["steps"]] == ["PT15M", "PT15M", "PT20M", "PT10M"]
    assert {fact["kind"] for fact in article["facts"]} == {
        "duration",
        "sessions",
        "price_range",
        "insurance_coverage",
    }
    (testimonial,) = article["testimonials"]
    assert testimonial["disclosure"]  # always attached: the service's default here
    assert testimonial["consent_form"] == "written"
