"""The example articles in seed/examples/, of other shapes than the first (a treatment
comparison with its table): `make run`'s `flask seed` loads them beside the seed, with no
blocking health-claim finding to override, and delivery renders what they hold."""

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
