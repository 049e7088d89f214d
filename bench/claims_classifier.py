"""An experiment, not part of the check: would a small supervised classifier catch the claims
the rules miss? spaCy's bag-of-words text classifier (TextCatBOW, unigrams and bigrams, no
model to download) is trained on the corpora the rules were tuned or watched on, then measured
on the held-out sets never tuned on, alone and OR-ed with the rules; and run over the sentences
of the seed article and the examples, which are real article prose rather than corpus lines.
docs/guardrails.md reports what it found and why the classifier is not wired into the gates.

    python -m bench.claims_classifier
"""

import json
import random
from pathlib import Path

from bench.claims_corpora import DATA, read_corpus, worst_severity
from service.config import SEED_PATH
from service.content.guardrails.checks import text_fields

LABELS = ("block", "warn", "safe")
TRAINED_ON = ("claims-corpus", "claims-heldout", "claims-heldout-2", "claims-heldout-3")
HELD_OUT = ("claims-heldout-5", "claims-heldout-6")
ARTICLES = [SEED_PATH, *sorted((SEED_PATH.parent / "examples").glob("*.json"))]


def trained_classifier(epochs: int = 15):
    import spacy
    from spacy.training import Example

    nlp = spacy.blank("en")
    architecture = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 2}
    textcat = nlp.add_pipe("textcat", config={"model": {**architecture, "no_output_layer": False}})
    for label in LABELS:
        textcat.add_label(label)
    rows = [row for name in TRAINED_ON for row in read_corpus(DATA / f"{name}.tsv")]
    examples = [
        Example.from_dict(nlp.make_doc(text), {"cats": {label: float(label == got) for label in LABELS}})
        for got, text in rows
    ]
    optimizer = nlp.initialize(lambda: examples)
    random.seed(0)
    for _ in range(epochs):
        random.shuffle(examples)
        for start in range(0, len(examples), 16):
            nlp.update(examples[start : start + 16], sgd=optimizer, drop=0.2)
    return nlp


def figures(judged: list[tuple[str, str]]) -> str:
    blocks = [got for label, got in judged if label == "block"]
    flagged = [label for label, got in judged if got != "safe"]
    recall = sum(got == "block" for got in blocks) / len(blocks)
    precision = sum(label != "safe" for label in flagged) / len(flagged) if flagged else 1.0
    return f"recall on block {recall:.2f}, precision {precision:.2f}"


def main() -> None:
    nlp = trained_classifier()

    def predicted(text: str) -> str:
        cats = nlp(text).cats
        return max(cats, key=cats.get)

    def either(text: str) -> str:
        both = {predicted(text), worst_severity(text)}
        return next(level for level in LABELS if level in both or level == "safe")

    for name in HELD_OUT:
        rows = read_corpus(DATA / f"{name}.tsv")
        for judge_name, judge in (("classifier", predicted), ("rules", worst_severity), ("either", either)):
            print(f"{name:18} {judge_name:10} {figures([(label, judge(text)) for label, text in rows])}")
    sentencizer = nlp.__class__(nlp.vocab)
    sentencizer.add_pipe("sentencizer")
    for path in ARTICLES:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        sentences = [
            sentence.text
            for _, text in text_fields(document)
            if isinstance(text, str) and text.strip()
            for sentence in sentencizer(text).sents
        ]
        blocking = [sentence for sentence in sentences if predicted(sentence) == "block"]
        print(f"{path.name}: the classifier blocks {len(blocking)} of {len(sentences)} sentences, e.g.")
        for sentence in blocking[:4]:
            print(f"    {sentence[:100]}")


if __name__ == "__main__":
    main()
