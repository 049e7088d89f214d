"""Finding claims in text, language-aware: spaCy's English tokenizer (a blank pipeline, no
model to download), each token's lemma from spaCy's English lookup table (spacy-lookups-data),
so that a rule names a word once ("heal" for heals, healed, healing), the rules' patterns as a
span ruler over those lemmas (spans of different rules may overlap: "fixes discs without an
operation" is both a cure claim and an alternative to surgery), and NegEx (negspacy) run twice,
ConText-style: once with its clinical negation triggers, so that "is not a cure" claims no
cure, and once with hedging triggers ("may", "could"), so that a rule can weigh a hedged claim
differently. Built once per process and rule set; everything else here is pure."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from service.content.guardrails.rules import CONTEXT_PATH, RuleSet

CLAIMS = "claims"  # the doc.spans key the rules' matches go to
RULER = "claims:"  # the name of a rule's span ruler in the pipeline, before the rule's id


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


@lru_cache(maxsize=1)
def _rhetorical() -> tuple[str, ...]:
    """The openings of a rhetorical question (context.yaml), which claims what it asks."""
    return tuple(phrase.lower() for phrase in _context()["rhetorical_questions"])


def _asks(sentence: str) -> bool:
    """Whether a sentence asks rather than claims: a question, not a rhetorical one."""
    return sentence.endswith("?") and not sentence.lower().lstrip(" \"“'").startswith(_rhetorical())


def _termsets() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(negation, hedges): the clinical negation termset with context.yaml's changes, and the
    hedging triggers."""
    from negspacy.termsets import termset

    context = _context()
    negation = termset("en_clinical")
    negation.remove_patterns(context["negation"]["remove"])
    negation.add_patterns(context["negation"]["add"])
    return negation.get_patterns(), context["hedges"]


def _caseless_lemmas(nlp: Any, name: str) -> Any:
    """Each token's lemma from spaCy's English lookup table, looked up lower-cased: spaCy's own
    lookup lemmatizer keys the table by the text as written, so "Cures" opening a sentence
    would be its own lemma. Every lemma is lower-case, as the rules write them."""
    from spacy.lookups import load_lookups

    table = load_lookups(nlp.lang, ["lemma_lookup"]).get_table("lemma_lookup")

    def lemmatise(doc: Any) -> Any:
        for token in doc:
            token.lemma_ = table.get(token.lower_, token.lower_)
        return doc

    return lemmatise


@lru_cache(maxsize=4)
def _pipeline(rules: RuleSet) -> Any:
    """spaCy, imported here: loading it costs a second, paid by the first check in a process."""
    import negspacy.negation  # noqa: F401  (registers the "negex" factory)
    import spacy
    from spacy.language import Language

    if "caseless_lemmas" not in Language.factories:
        Language.factory("caseless_lemmas", func=_caseless_lemmas)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("caseless_lemmas")
    # A span ruler per rule, so that a text is tried only by the rules it may match (_parsed).
    config = {"spans_key": CLAIMS, "phrase_matcher_attr": "LOWER", "validate": True, "overwrite": False}
    for rule in rules.claims:
        if rule.patterns:
            ruler = nlp.add_pipe("span_ruler", name=RULER + rule.id, config=config)
            ruler.add_patterns([{"label": rule.id, "pattern": pattern} for pattern in rule.patterns])
    negation, hedges = _termsets()
    scope = {"span_keys": [CLAIMS]}
    nlp.add_pipe("negex", config={"neg_termset": negation, "extension_name": "negex", **scope})
    nlp.add_pipe("negex", name="hedges", config={"neg_termset": hedges, "extension_name": "hedged", **scope})
    return nlp


@lru_cache(maxsize=1)
def _sentencizer() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, sentence) for each sentence of a text, without its surrounding blanks."""
    found = []
    for sentence in _sentencizer()(text).sents:
        stripped = sentence.text.strip()
        if stripped:
            start = sentence.start_char + sentence.text.index(stripped)
            found.append((start, start + len(stripped), stripped))
    return found


def _longest_per_rule(spans: Any) -> list[Any]:
    """Each rule's matches without overlaps (the longest kept), in text order."""
    from spacy.util import filter_spans

    by_rule: dict[str, list[Any]] = {}
    for span in spans:
        by_rule.setdefault(span.label_, []).append(span)
    return sorted((kept for group in by_rule.values() for kept in filter_spans(group)), key=lambda s: s.start)


def _needed_words(pattern: Any) -> tuple[frozenset[int], ...]:
    """The words a token pattern cannot match without: for each token it requires (no "?",
    "*", "!" or "{0,...}" operator) that names its LOWER or LEMMA, those words, lower-cased,
    as spaCy's string ids. Empty for a phrase pattern or one whose tokens name none: such a
    pattern is always tried."""
    from spacy.strings import get_string_id

    if isinstance(pattern, str):
        return ()
    needed = []
    for token in pattern:
        operator = token.get("OP", "")
        if operator in ("?", "*", "!") or operator.startswith(("{0", "{,")):
            continue
        for attribute in ("LOWER", "LEMMA"):
            value = token.get(attribute)
            words = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) else ()
            if words:
                needed.append(frozenset(get_string_id(word.lower()) for word in words))
    return tuple(needed)


@lru_cache(maxsize=4)
def _screen(rules: RuleSet) -> dict[str, tuple[tuple[frozenset[int], ...], ...]]:
    """For each rule's span ruler, the words a text must hold for each of its patterns to match."""
    return {
        RULER + rule.id: tuple(_needed_words(pattern) for pattern in rule.patterns) for rule in rules.claims
    }


def _parsed(rules: RuleSet, text: str) -> Any:
    """The pipeline's doc of `text`, each rule's span ruler run only where one of its patterns
    may match: the matcher tries every pattern at every token, which is most of a check's
    time, and most texts hold no word that most patterns need."""
    from spacy.attrs import LEMMA, LOWER

    nlp, screen = _pipeline(rules), _screen(rules)
    doc = nlp.make_doc(text)
    doc.spans[CLAIMS] = []
    words: set[int] | None = None
    for name, component in nlp.pipeline:
        if name in screen:
            if words is None:  # (the lemmas are set by now)
                words = set(doc.to_array([LOWER, LEMMA]).ravel().tolist())
            if not any(all(not options.isdisjoint(words) for options in needed) for needed in screen[name]):
                continue
        doc = component(doc)
    return doc


def find_claims(rules: RuleSet, texts: list[str]) -> list[tuple[ClaimMatch, ...]]:
    """The claims in each text, in order; negated ones are kept (marked) for the reader."""
    found = []
    for doc in (_parsed(rules, text) for text in texts):
        matches = []
        for ent in _longest_per_rule(doc.spans[CLAIMS]):
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
                    question=_asks(sentence),
                )
            )
        found.append(tuple(matches))
    return found
