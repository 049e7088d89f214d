"""The example articles in seed/examples/, of other shapes than the first: a treatment
comparison with its table, and a first physical-therapy visit with steps, facts and a
testimonial. `make run`'s `flask seed` loads them beside the seed, with no blocking
health-claim finding to override, and delivery renders what they hold."""

import json
from pathlib import Path

import pytest

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


def test_the_comparison_renders_its_table(runner, client):
    runner.invoke(args=["seed", *map(str, EXAMPLES)])

    article = client.get("/v1/articles/prp-or-hyaluronic-acid-for-knee-osteoarthritis").json
    (table,) = [s["body_html"] for s in article["sections"] if s["key"] == "side-by-side"]
    assert table.count("<tr>") == 13 and "<th" in table  # a header row and 12 criteria
    assert 'align="left"' in table


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
