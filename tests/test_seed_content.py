"""The seed holds the source article faithfully: every sentence, every list, in order."""

import json
import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "seed" / "sources" / "back-pain-stem-cells.txt"


def source_fragments() -> list[str]:
    """The source's text with its Markdown markers, numbering and emoji removed: a label in
    bold ("**Natural Healing–** Uses...") becomes its own fragment."""
    fragments = []
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"^\s*(#+|-|✅)\s*", "", line)
        line = re.sub(r"\*\*(.+?)(?::|–)\*\*\s*", r"\1\n", line)
        line = line.replace("**", "")
        for fragment in line.split("\n"):
            fragment = re.sub(r"^\d+\.\s+", "", fragment.strip())
            if fragment:
                fragments.append(fragment)
    return fragments


def seed_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in seed_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in seed_strings(v)]
    return []


def test_every_sentence_of_the_source_is_in_the_seed(seed_document):
    text = "\n".join(seed_strings(seed_document))
    missing = [fragment for fragment in source_fragments() if fragment not in text]
    assert missing == []


def test_the_seed_text_appears_in_the_source_order(seed_document):
    """Walking the seed in rendering order (intro, sections with their included lists)
    meets the source's fragments in the order they were written."""
    by_kind = {
        "conditions.may_respond": [c for c in seed_document["conditions"] if c["outlook"] == "may_respond"],
        "conditions.may_not_respond": [
            c for c in seed_document["conditions"] if c["outlook"] == "may_not_respond"
        ],
        "benefits": seed_document["benefits"],
        "call_to_action": [seed_document["call_to_action"]],
        "faqs": seed_document["faqs"],
    }
    rendered = [seed_document["title"], seed_document["intro"]]
    for section in seed_document["sections"]:
        rendered += [section["heading"], section["body"] or "", *section["items"]]
        rendered += seed_strings(by_kind.get(section["includes"], []))
        rendered.append(section["closing"] or "")
    text = "\n".join(rendered)
    positions = [text.find(fragment) for fragment in source_fragments()]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_the_lists_are_complete(seed_document):
    outlooks = [c["outlook"] for c in seed_document["conditions"]]
    assert outlooks == ["may_respond"] * 5 + ["may_not_respond"] * 4
    assert [b["title"] for b in seed_document["benefits"]] == [
        "Minimally Invasive",
        "Natural Healing",
        "Reduced Dependence on Medications",
        "Faster Recovery",
        "Long-Term Relief",
    ]
    assert len(seed_document["faqs"]) == 6
    assert seed_document["call_to_action"]["body"].startswith("If you’re considering Stem Cell Therapy")


def test_the_documented_example_is_the_seed(seed_document):
    page = (SOURCE.parents[2] / "docs" / "article-document.md").read_text(encoding="utf-8")
    example = page.split("```json\n", 1)[1].split("```", 1)[0]
    assert json.loads(example) == seed_document
