"""Finding claims in text, language-aware: spaCy's English tokenizer (a blank pipeline, no
model to download), the rules' patterns as an entity ruler, and NegEx (negspacy) run twice,
ConText-style: once with its clinical negation triggers, so that "is not a cure" claims no
cure, and once with hedging triggers ("may", "could"), so that a rule can weigh a hedged claim
differently. Built once per process and rule set; everything else here is pure."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from service.content.guardrails.rules import CONTEXT_PATH, RuleSet


@dataclass(frozen=True)
class ClaimMatch:
    """One claim a rule found in a text: where (character offsets), and how it is made."""

    rule: str
    start: int
    end: int
    text: str
    negated: bool
    hedged: bool
    question: bool


def _context() -> dict[str, Any]:
    return yaml.safe_load(CONTEXT_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _disclaimers() -> tuple[str, ...]:
    """The stock disclaimer formulas (context.yaml): a sentence with one makes no claim."""
    return tuple(phrase.lower() for phrase in _context()["disclaimers"])


def _termsets() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(negation, hedges): the clinical negation termset with context.yaml's changes, and the
    hedging triggers."""
    from negspacy.termsets import termset

    context = _context()
    negation = termset("en_clinical")
    negation.remove_patterns(context["negation"]["remove"])
    negation.add_patterns(context["negation"]["add"])
    return negation.get_patterns(), context["hedges"]


@lru_cache(maxsize=4)
def _pipeline(rules: RuleSet) -> Any:
    """spaCy, imported here: loading it costs a second, paid by the first check in a process."""
    import negspacy.negation  # noqa: F401  (registers the "negex" factory)
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "validate": True})
    ruler.add_patterns(
        [{"label": rule.id, "pattern": pattern} for rule in rules.claims for pattern in rule.patterns]
    )
    negation, hedges = _termsets()
    nlp.add_pipe("negex", config={"neg_termset": negation, "extension_name": "negex"})
    nlp.add_pipe("negex", name="hedges", config={"neg_termset": hedges, "extension_name": "hedged"})
    return nlp


def warm_up(rules: RuleSet) -> None:
    """Build the pipeline now (a worker can call this before it serves)."""
    _pipeline(rules)


def find_claims(rules: RuleSet, texts: list[str]) -> list[tuple[ClaimMatch, ...]]:
    """The claims in each text, in order; negated ones are kept (marked) for the reader."""
    nlp = _pipeline(rules)
    found = []
    for doc in nlp.pipe(texts):
        matches = []
        for ent in doc.ents:
            sentence = ent.sent.text.rstrip()
            disclaimed = any(phrase in sentence.lower() for phrase in _disclaimers())
            matches.append(
                ClaimMatch(
                    rule=ent.label_,
                    start=ent.start_char,
                    end=ent.end_char,
                    text=ent.text,
                    negated=ent._.negex or disclaimed,
                    hedged=ent._.hedged,
                    question=sentence.endswith("?"),
                )
            )
        found.append(tuple(matches))
    return found
