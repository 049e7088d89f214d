"""Checking one article document: every text field for claims (language.py), the safeguards
an article must carry, and the reading grade of each section and FAQ answer. Pure: the same
document, rules and day give the same findings."""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from service.content.comparisons import comparison_texts
from service.content.guardrails.language import ClaimMatch, find_claims
from service.content.guardrails.model import MODEL_RULE, ClaimModel, likely_claims_in
from service.content.guardrails.rules import Rule, RuleSet, Safeguard, Severity
from service.content.procedure_children import with_disclosures

# Postnominal clinical credentials a medical reviewer's name should carry.
CREDENTIALS = re.compile(
    r"\b(MD|M\.D\.|DO|D\.O\.|PhD|Ph\.D\.|DPT|PT|RN|NP|APRN|FNP|DNP|PA-C|DC|MBBS|MBChB|FRCS|FRCP|"
    r"FACS|FAAOS|FAAPMR|PharmD|DMD|DDS|MPH|MSN)\b"
)
RESULTS_DISCLOSURE = re.compile(
    r"results\s+(?:may\s+|can\s+|will\s+)?(?:vary|differ)|individual\s+results|not\s+typical|"
    r"results\s+are\s+not\s+guaranteed|outcomes\s+(?:may\s+)?vary",
    re.IGNORECASE,
)
READABLE_WORDS = 20  # under this, a reading grade says more about the formula than the text


@dataclass(frozen=True)
class Source:
    """Which rendering of the article a finding comes from: the article as written (nothing
    set), a site's (`site`, with its overlay `overlay_version` if it has one), a variant's
    (`experiment`, `variant`), or a variant's on a site. `pending`: the overlay version is
    saved but not yet published (a draft that its own submission and publishing gate)."""

    site: str | None = None
    overlay_version: int | None = None
    experiment: str | None = None
    variant: str | None = None
    pending: bool = False

    @property
    def where(self) -> str:
        """The rendering's name, part of a finding's id: the same for a draft overlay version and
        the published one, so an override made on the draft still names it once published."""
        variant = f"variant {self.experiment}/{self.variant}" if self.experiment else None
        site = f"site {self.site}" if self.site else None
        return ", ".join(part for part in (site, variant) if part) or "article"

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "overlay_version": self.overlay_version,
            "experiment": self.experiment,
            "variant": self.variant,
            "pending": self.pending,
        }


ARTICLE = Source()


@dataclass(frozen=True)
class Finding:
    """One thing a reviewer should look at: which rule, where (`path` in the document, and in
    which rendering: the article itself, a site's, or a variant's), what text and why."""

    rule: Rule
    severity: Severity
    path: str
    text: str
    start: int | None = None
    end: int | None = None
    source: Source = ARTICLE
    hedged: bool = False
    grade: float | None = None

    @property
    def where(self) -> str:
        return self.source.where

    @property
    def id(self) -> str:
        """Stable while the text is: what an override names."""
        key = f"{self.rule.id}|{self.where}|{self.path}|{self.text}|{self.start}"
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.BLOCK

    def as_dict(self) -> dict[str, Any]:
        """What the API shows of it."""
        return {
            "id": self.id,
            "rule": self.rule.id,
            "category": self.rule.category,
            "severity": self.severity,
            "path": self.path,
            "where": self.where,
            "source": self.source.as_dict(),
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "hedged": self.hedged,
            "grade": self.grade,
            "catches": self.rule.catches,
            "why": self.rule.why,
            "suggestion": self.rule.suggestion,
        }

    def rendered_in(self, source: Source) -> "Finding":
        return replace(self, source=source)


# A child's fields that are not prose: keys, kinds, dates, durations and other typed values.
NOT_TEXT = frozenset(
    {"key", "outlook", "includes", "kind", "duration", "consent_date", "consent_form"}
    | {
        "min_duration",
        "max_duration",
        "min_count",
        "max_count",
        "min_price",
        "max_price",
        "currency",
        "coverage",
    }
)


def text_fields(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every text of the document a visitor reads, with its path: children by key, list items
    by index (`conditions[degenerative-disc-disease].points[1]`), a comparison's cells by row and
    column (`comparisons[prp-vs-ha].rows[price].cells[prp]`)."""
    for name in ("title", "summary", "intro"):
        yield name, document.get(name)
    for group in ("seo", "call_to_action"):
        for name, value in (document.get(group) or {}).items():
            if name != "button_url":
                yield f"{group}.{name}", value
    yield "medical_disclaimer", document.get("medical_disclaimer")
    for kind in ("sections", "conditions", "benefits", "faqs", "steps", "callouts", "testimonials", "facts"):
        for child in document.get(kind) or []:
            for name, value in child.items():
                if name in NOT_TEXT:
                    continue
                path = f"{kind}[{child['key']}].{name}"
                if isinstance(value, list):
                    yield from ((f"{path}[{index}]", item) for index, item in enumerate(value))
                else:
                    yield path, value
    for comparison in document.get("comparisons") or []:
        yield from (
            (f"comparisons[{comparison['key']}].{path}", text) for path, text in comparison_texts(comparison)
        )


@lru_cache(maxsize=4096)  # a few hundred articles of texts; each entry keeps its text
def _claims(rules: RuleSet, text: str) -> tuple[ClaimMatch, ...]:
    return find_claims(rules, [text])[0]


def claims_in(rules: RuleSet, texts: list[str]) -> list[tuple[ClaimMatch, ...]]:
    """The claims in each text; a text seen before in this process is not parsed again."""
    return [_claims(rules, text) for text in texts]


def claim_severity(rule: Rule, match: ClaimMatch, lifted: set[Safeguard]) -> Severity | None:
    """What a match weighs: nothing when negated, asked about, or lifted by a safeguard."""
    if match.negated or (match.question and not rule.questions) or rule.unless in lifted:
        return None
    return (rule.hedged or rule.severity) if match.hedged else rule.severity


def safeguards_present(document: dict[str, Any], texts: list[str]) -> set[Safeguard]:
    present = set()
    if document.get("references"):
        present.add(Safeguard.REFERENCES)
    if any(RESULTS_DISCLOSURE.search(text) for text in texts):
        present.add(Safeguard.RESULTS_DISCLOSURE)
    return present


def check_claims(
    rules: RuleSet, document: dict[str, Any], *, with_model: bool = True, model: ClaimModel | None = None
) -> list[Finding]:
    """The rules' claims in every text field, then each sentence the claim model (`model`, or the
    shipped one) blocks where no rule matched: what a rule matches is the rules' to judge, with
    its negation, hedging and safeguards. `with_model=False`: the rules alone."""
    fields = [(path, text) for path, text in text_fields(document) if text and text.strip()]
    texts = [text for _, text in fields]
    lifted = safeguards_present(document, texts)
    model_rule = rules.claims_by_id.get(MODEL_RULE) if with_model else None
    ruled = claims_in(rules, texts)
    spans = [[(match.start, match.end) for match in matches] for matches in ruled]
    likely = likely_claims_in(texts, model, spans) if model_rule is not None else [()] * len(texts)
    findings = []
    for (path, _), matches, claims in zip(fields, ruled, likely, strict=True):
        found = []
        for match in matches:
            rule = rules.claim(match.rule)
            severity = claim_severity(rule, match, lifted)
            if severity is not None:
                found.append(
                    Finding(rule, severity, path, match.text, match.start, match.end, hedged=match.hedged)
                )
        found += [
            Finding(model_rule, model_rule.severity, path, claim.text, claim.start, claim.end)
            for claim in claims
        ]
        findings += sorted(found, key=lambda finding: finding.start or 0)
    return findings


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _reviewer(document: dict[str, Any]) -> str:
    """Who reviewed it, with their credentials: the person it names (their record, in the
    document as delivery expands it), or the free text of reviewed_by."""
    named = document.get("medical_reviewer")
    for person in document.get("people", []):
        if person["key"] == named:
            return ", ".join(filter(None, [person["name"], person["credentials"]]))
    return (document.get("reviewed_by") or "").strip()


def check_safeguards(
    rules: RuleSet, document: dict[str, Any], today: date, max_age_days: int
) -> list[Finding]:
    """The disclaimer, the reviewer and their credentials, and a recent enough review date.
    A safeguard a deployment disabled is not checked."""
    missing: list[tuple[str, str, str]] = []  # (rule, path, text)
    if not (document.get("medical_disclaimer") or "").strip():
        missing.append(("disclaimer-missing", "medical_disclaimer", ""))
    reviewer = _reviewer(document)
    if not reviewer:
        missing.append(("reviewer-missing", "reviewed_by", ""))
    elif not CREDENTIALS.search(reviewer):
        missing.append(("reviewer-credentials-missing", "reviewed_by", reviewer))
    reviewed_at = _as_date(document.get("reviewed_at"))
    if reviewed_at is None:
        missing.append(("review-missing", "reviewed_at", ""))
    elif today - reviewed_at > timedelta(days=max_age_days):
        missing.append(("review-expired", "reviewed_at", reviewed_at.isoformat()))
    guards = rules.safeguards
    return [
        Finding(guards[rule], guards[rule].severity, path, text)
        for rule, path, text in missing
        if rule in guards
    ]


@lru_cache(maxsize=4096)
def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade (textstat; imported here, as it reads the CMU dictionary)."""
    import textstat

    return float(textstat.flesch_kincaid_grade(text))


def readable_parts(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for section in document.get("sections") or []:
        parts = [section.get("body"), *(section.get("items") or []), section.get("closing")]
        yield f"sections[{section['key']}]", "\n".join(part for part in parts if part)
    for faq in document.get("faqs") or []:
        yield f"faqs[{faq['key']}].answer", faq.get("answer") or ""


def check_readability(rules: RuleSet, document: dict[str, Any]) -> list[Finding]:
    found = []
    for path, text in readable_parts(document):
        if len(text.split()) < READABLE_WORDS:
            continue
        grade = round(reading_grade(text), 1)
        if grade > rules.hard_grade:
            rule = rules.safeguards.get("readability-hard")
        elif grade > rules.target_grade:
            rule = rules.safeguards.get("readability-above-target")
        else:
            continue
        if rule is not None:
            found.append(Finding(rule, rule.severity, path, f"grade {grade}", grade=grade))
    return found


def check_document(rules: RuleSet, document: dict[str, Any], today: date, max_age_days: int) -> list[Finding]:
    """Every finding on one rendering of an article, in document order within each kind. The
    article is read as delivery sends it: each testimonial with its results disclosure."""
    document = with_disclosures(document)
    return [
        *check_safeguards(rules, document, today, max_age_days),
        *check_claims(rules, document),
        *check_readability(rules, document),
    ]
