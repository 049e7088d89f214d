"""Training the claim model (model.py) from the labelled sentences: every claims corpus in
tests/data/ and the sentences of the seed article and the examples, labelled by the rules alone
(article prose the rules let through is what compliant pages sound like, headings and
instructions included). Deterministic: the same sentences give the same file. A development
step, not a serving one: claim_model.json is committed, and a test checks that it was trained
on the sentences the repository holds now.

    python -m service.content.guardrails.training     (make train-claims)
"""

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from service.config import SEED_PATH
from service.content.guardrails.model import CHARACTERS, MODEL_PATH, WORDS, features, vectorizer

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"
CORPORA = sorted(DATA.glob("claims-*.tsv"))
ARTICLES = [SEED_PATH, *sorted((SEED_PATH.parent / "examples").glob("*.json"))]
THRESHOLD = 0.75  # chosen on corpora held out of training (docs/guardrails.md)
REGULARISATION = 10.0  # logistic regression's C
MIN_CHARACTER_DF = 2  # a word piece seen in one sentence only says nothing general


def read_corpus(path: Path) -> list[tuple[str, str]]:
    """(label, sentence) for each line that is not a comment."""
    rows = (line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines())
    return [(row[0], row[1]) for row in rows if len(row) == 2 and not row[0].startswith("#")]


# What a sentence is checked with for its label: the safeguards a rule may be lifted by
# (references listed, results said to vary) present, so that no label depends on them.
SAFEGUARDED = {"references": [{"title": "(a reference)"}], "medical_disclaimer": "Individual results vary."}


def _rules_block(sentence: str, **document: Any) -> set[str]:
    """The rules (alone) that block a sentence, checked as an article's intro."""
    from service.content.guardrails.checks import check_claims
    from service.content.guardrails.rules import load_rules

    found = check_claims(load_rules(), {**document, "intro": sentence}, with_model=False)
    return {finding.rule.id for finding in found if finding.blocks and finding.path == "intro"}


def article_sentences(path: Path) -> list[tuple[str, str]]:
    """(label, sentence) for each sentence of an article's text: `block` where the rules alone
    block it whatever safeguards the article carries, else `safe`."""
    from service.content.guardrails.checks import text_fields
    from service.content.guardrails.language import sentences

    document = json.loads(path.read_text(encoding="utf-8"))
    return [
        ("block" if _rules_block(sentence, **SAFEGUARDED) else "safe", sentence)
        for _, text in text_fields(document)
        for _, _, sentence in sentences(text or "")
    ]


def _safeguard_claim(label: str, sentence: str) -> bool:
    """A `block` sentence that blocks only for want of a safeguard ("Studies show ..." with no
    references): the model cannot see an article's safeguards, so the rules keep these."""
    return label == "block" and bool(_rules_block(sentence)) and not _rules_block(sentence, **SAFEGUARDED)


def labelled_sentences(corpora: Iterable[Path] = CORPORA) -> list[tuple[str, str]]:
    rows = [row for path in corpora for row in read_corpus(path) if not _safeguard_claim(*row)]
    return rows + [row for path in ARTICLES for row in article_sentences(path)]


def fingerprint(rows: list[tuple[str, str]]) -> str:
    return hashlib.sha256(orjson.dumps(rows)).hexdigest()[:16]


def train(rows: list[tuple[str, str]]) -> dict[str, Any]:
    """The model file's content, learned from (label, sentence) rows."""
    import numpy
    from sklearn.linear_model import LogisticRegression

    sentences = [sentence for _, sentence in rows]
    words = vectorizer(WORDS).fit(sentences)
    characters = vectorizer(CHARACTERS, min_df=MIN_CHARACTER_DF).fit(sentences)
    blocks = numpy.array([label == "block" for label, _ in rows])
    classifier = LogisticRegression(C=REGULARISATION, max_iter=5000, class_weight="balanced")
    classifier.fit(features(words, characters, sentences), blocks)

    def part(fitted: Any) -> dict[str, Any]:
        vocabulary = {term: int(index) for term, index in sorted(fitted.vocabulary_.items())}
        return {"vocabulary": vocabulary, "idf": [round(float(value), 6) for value in fitted.idf_]}

    return {
        "trained_on": fingerprint(rows),
        "sentences": len(rows),
        "threshold": THRESHOLD,
        "words": part(words),
        "characters": part(characters),
        "weights": [round(float(value), 6) for value in classifier.coef_[0]],
        "intercept": round(float(classifier.intercept_[0]), 6),
    }


def main() -> None:
    rows = labelled_sentences()
    MODEL_PATH.write_bytes(orjson.dumps(train(rows), option=orjson.OPT_SORT_KEYS))
    print(f"{MODEL_PATH.name}: trained on {len(rows)} labelled sentences")


if __name__ == "__main__":
    main()
