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
NEGATION, HEDGES = "negex", "hedges"  # the two NegEx runs (ConText's negation and hedging)
CONTEXT = (NEGATION, HEDGES)


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
    would be its own lemma. Every lemma is lower-case, as the rules write them. Set as one
    array (a lower-cased word's lemma is looked up once per process, as spaCy's strings are kept)."""
    import numpy
    from spacy.attrs import LEMMA, LOWER
    from spacy.lookups import load_lookups

    table = load_lookups(nlp.lang, ["lemma_lookup"]).get_table("lemma_lookup")
    strings = nlp.vocab.strings
    lemma_of: dict[int, int] = {}

    def lemma(lower: int) -> int:
        found = lemma_of.get(lower)
        if found is None:
            found = lemma_of[lower] = strings.add(table.get(lower, strings[lower]))
        return found

    def lemmatise(doc: Any) -> Any:
        lemmas = [lemma(lower) for lower in doc.to_array(LOWER).tolist()]
        doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64"))
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
    nlp.add_pipe("negex", name=NEGATION, config={"neg_termset": negation, "extension_name": "negex", **scope})
    nlp.add_pipe("negex", name=HEDGES, config={"neg_termset": hedges, "extension_name": "hedged", **scope})
    return nlp


@lru_cache(maxsize=1)
def _sentencizer() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@lru_cache(maxsize=4096)  # as the rules' per-text cache
def sentences(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, sentence) for each sentence of a text, without its surrounding blanks."""
    found = []
    for sentence in _sentencizer()(text).sents:
        stripped = sentence.text.strip()
        if stripped:
            start = sentence.start_char + sentence.text.index(stripped)
            found.append((start, start + len(stripped), stripped))
    return tuple(found)


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


@dataclass(frozen=True)
class _Screen:
    """Which span rulers a text needs, from the words it holds: `needs`, for each ruler, the words
    each of its patterns cannot match without; `by_word`, each word that is one of a pattern's
    required words, to the rulers it may call for (an index, so that a text's screen costs a look-up
    per word, not a test per rule); `always`, the rulers with a pattern that names none."""

    needs: dict[str, tuple[tuple[frozenset[int], ...], ...]]
    by_word: dict[int, frozenset[str]]
    always: frozenset[str]

    def rulers(self, words: set[int]) -> set[str]:
        """The rulers one of whose patterns may match a text holding `words`."""
        candidates = {name for word in words for name in self.by_word.get(word, ())}
        return set(self.always) | {
            name
            for name in candidates
            if any(
                needed and all(not options.isdisjoint(words) for options in needed)
                for needed in self.needs[name]
            )
        }


@lru_cache(maxsize=4)
def _screen(rules: RuleSet) -> _Screen:
    """Each pattern is indexed under the smallest set of words it needs (one of them must be in
    a text for it to match); the full test runs only on the rulers a text's words point to."""
    needs = {
        RULER + rule.id: tuple(map(_needed_words, rule.patterns)) for rule in rules.claims if rule.patterns
    }
    by_word: dict[int, set[str]] = {}
    always = set()
    for name, patterns in needs.items():
        for needed in patterns:
            if not needed:
                always.add(name)
            for word in min(needed, key=len, default=()):
                by_word.setdefault(word, set()).add(name)
    return _Screen(needs, {word: frozenset(names) for word, names in by_word.items()}, frozenset(always))


def _parsed(rules: RuleSet, text: str) -> Any:
    """The pipeline's doc of `text`, each rule's span ruler run only where one of its patterns
    may match: the matcher tries every pattern at every token, which is most of a check's
    time, and most texts hold no word that most patterns need."""
    from spacy.attrs import LEMMA, LOWER

    nlp, screen = _pipeline(rules), _screen(rules)
    doc = nlp.make_doc(text)
    doc.spans[CLAIMS] = []
    needed: set[str] | None = None
    for name, component in nlp.pipeline:
        if name.startswith(RULER):
            if needed is None:  # (the lemmas are set by now)
                needed = screen.rulers(set(doc.to_array([LOWER, LEMMA]).ravel().tolist()))
            if name not in needed:
                continue
        elif name in CONTEXT and not doc.spans[CLAIMS]:
            continue  # (NegEx marks the rules' spans; with none, it has nothing to mark)
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
