"""Finding claims in text, language-aware: spaCy's English tokenizer (a blank pipeline, no
model to download), the rules' patterns as an entity ruler, and NegEx (negspacy) run twice,
ConText-style: once with its clinical negation triggers, so that "is not a cure" claims no
cure, and once with hedging triggers ("may", "could"), so that a rule can weigh a hedged claim
differently. Built once per process and rule set; everything else here is pure."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from service.content.guardrails.rules import RuleSet

# NegEx's clinical termset, fitted to marketing copy: commas, colons and dashes end a
# negation's scope as "but" does ("No surgery, no downtime: it cures pain"), and phrases that
# read as negations but are not ("don't wait", "not only") are pseudo-negations.
NEGATION_CHANGES = {
    "add": {
        "pseudo_negations": [
            "not just",
            "don't just",
            "doesn't just",
            "no more",
            "no longer",
            "don't wait",
            "do not wait",
            "don't miss",
            "don't let",
            "no wonder",
            "not to mention",
            "no doubt",
            "without a doubt",
            "never been easier",
            "no matter",
        ],
        "preceding_negations": [
            "nothing",
            "no one",
            "nobody",
            "none",
            "neither",
            "nor",
            "does not",
            "do not",
            "will not",
            "won't",
            "wo n't",
            "is not",
            "are not",
            "cannot promise",
            "rather than",
            "instead of claiming",
            "beware of",
            "be wary of",
            "wary of",
            "be cautious of",
            "skeptical of",
            "sceptical of",
            "avoid clinics that",
            "avoid any clinic that",
            "unproven claims",
            "claims that",
            "claim that",
            "claiming that",
            "claim to",
            "claims to",
            "promise to",
            "promises to",
            "promises of",
            "promise of",
            "unlikely to",
            "not be",
            "isn't",
            "aren't",
            "doesn't",
            "don't",
            "never",
            "no",
            "not",
            "without",
            "lack of",
            "little evidence",
            "no evidence",
            "not yet",
        ],
        "following_negations": ["is unlikely", "are unlikely", "is not possible", "is a myth", "are myths"],
        "termination": [
            ",",
            ";",
            ":",
            "—",
            "–",
            "(",
            "so",
            "because",
            "while",
            "whereas",
            "and can",
            "and may",
        ],
    },
    "remove": {
        "preceding_negations": ["versus", "doubt", "evaluate for", "free of", "rule out", "rules out"],
        "following_negations": ["free", "declined"],
    },
}

# ConText's possible-existence triggers, in marketing's words.
HEDGES = {
    "pseudo_negations": ["may not", "might not", "could not", "can not", "cannot"],
    "preceding_negations": [
        "may",
        "might",
        "could",
        "can help",
        "can",
        "possibly",
        "potentially",
        "potential",
        "some patients",
        "some people",
        "in some cases",
        "for some",
        "aims to",
        "designed to",
        "hope",
        "hopes",
        "promising",
        "appears to",
        "seems to",
        "likely",
        "often",
        "sometimes",
        "may help",
        "ask whether",
        "whether",
    ],
    "following_negations": ["in some patients", "for some patients", "in some cases"],
    "termination": [",", ";", ":", "—", "–", "but", "however", "although", "though", "yet"],
}


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


def _negation_termset() -> dict[str, list[str]]:
    from negspacy.termsets import termset

    terms = termset("en_clinical")
    terms.remove_patterns(NEGATION_CHANGES["remove"])
    terms.add_patterns(NEGATION_CHANGES["add"])
    return terms.get_patterns()


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
    nlp.add_pipe("negex", config={"neg_termset": _negation_termset(), "extension_name": "negex"})
    nlp.add_pipe("negex", name="hedges", config={"neg_termset": HEDGES, "extension_name": "hedged"})
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
            matches.append(
                ClaimMatch(
                    rule=ent.label_,
                    start=ent.start_char,
                    end=ent.end_char,
                    text=ent.text,
                    negated=ent._.negex,
                    hedged=ent._.hedged,
                    question=sentence.endswith("?"),
                )
            )
        found.append(tuple(matches))
    return found
