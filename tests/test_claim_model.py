"""The claim model beside the rules: what it finds that no rule's words name, through the API
and its gate; that it is trained on the labelled sentences the repository holds; and how it
does on text it never saw (a corpus held out of its training), the figure docs/guardrails.md
reports."""

import json
from pathlib import Path

import orjson
import pytest

from bench.claims_corpora import judged_by, measure, model_held_out_of
from service.content.guardrails.checks import check_claims
from service.content.guardrails.model import MODEL_PATH, MODEL_RULE
from service.content.guardrails.rules import load_rules
from service.content.guardrails.training import ARTICLES, DATA, fingerprint, labelled_sentences

RULES_MISS = "Our PRP protocol knocks out tennis elbow in as little as two visits."
CONDITION_POINT = "conditions[degenerative-disc-disease].points[1]"


def blocking_rules(sentence, *, with_model=True):
    found = check_claims(load_rules(), {"intro": sentence}, with_model=with_model)
    return {finding.rule.id for finding in found if finding.blocks}


def test_the_model_blocks_a_claim_in_words_no_rule_names_and_the_gate_holds_it(
    client, editor, create_draft, reviewed_document
):
    assert blocking_rules(RULES_MISS, with_model=False) == set()
    document = json.loads(json.dumps(reviewed_document))
    document["conditions"][0]["points"][1] = f"Proven results. {RULES_MISS}"
    draft = create_draft(document)

    report = client.get(f"{draft.url}/findings", headers=editor).json

    (finding,) = [f for f in report["findings"] if f["rule"] == MODEL_RULE]
    text = document["conditions"][0]["points"][1]
    assert (finding["path"], finding["severity"], finding["text"]) == (CONDITION_POINT, "block", RULES_MISS)
    assert text[finding["start"] : finding["end"]] == RULES_MISS
    assert "FTC" in finding["why"] and finding["suggestion"]
    submitted = client.post(f"{draft.url}/reviews", json={}, headers={**editor, "If-Match": draft.etag})
    assert submitted.status_code == 409 and submitted.content_type == "application/problem+json"
    assert MODEL_RULE in {f["rule"] for f in submitted.json["findings"]}
    assert client.get(f"{draft.url}/reviews", headers=editor).json == []


@pytest.mark.parametrize(
    "sentence",
    [
        "PRP is not a cure for arthritis, and some patients notice no change at all.",
        "Book your first visit",
        "Most new patients are seen within a week.",
        "Stem cell therapy is not FDA approved for back pain.",
    ],
)
def test_honest_prose_the_rules_pass_the_model_passes_too(sentence):
    assert blocking_rules(sentence) == set()


def test_a_sentence_a_rule_blocks_is_not_found_twice():
    sentence = "Our stem cell therapy cures disc degeneration."

    assert blocking_rules(sentence) == {"cure-claim"}


def test_the_example_articles_pass_the_model():
    """The compliant examples: nothing in their text is a blocking claim to the model."""
    for path in ARTICLES[1:]:
        document = json.loads(path.read_text(encoding="utf-8"))
        found = check_claims(load_rules(), document)
        assert not [finding.text for finding in found if finding.rule.id == MODEL_RULE], path.name


def test_the_shipped_model_was_trained_on_the_labelled_sentences_held_now():
    """After a corpus or an example article changes, `make train-claims` writes the model again."""
    model = orjson.loads(MODEL_PATH.read_bytes())

    assert model["trained_on"] == fingerprint(labelled_sentences()), "run `make train-claims`"


def test_on_a_blind_corpus_it_never_saw_it_finds_what_the_docs_report():
    """claims-blind-2, written blind to the project, held out of training: the rules with a model
    trained on everything else (docs/guardrails.md: recall 0.89, precision 0.89; the rules
    alone 0.73 and 0.87)."""
    path = DATA / "claims-blind-2.tsv"
    alone = measure(path, lambda sentence: "block" if blocking_rules(sentence, with_model=False) else "safe")

    measured = measure(path, judged_by(model_held_out_of(path)))

    assert measured.recall >= 0.87 and measured.recall - alone.recall >= 0.15, measured.misses
    assert measured.precision >= 0.86, measured.false_alarms
    docs = (Path(__file__).parent.parent / "docs" / "guardrails.md").read_text(encoding="utf-8")
    assert f"{measured.recall:.2f} ({measured.blocks_found} / {measured.blocks})" in docs
