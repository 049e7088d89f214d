"""The health-claim rule set: data (rules.yaml beside this module), which a deployment extends
or overrides rule by rule with a file of its own (CLAIM_RULES_PATH)."""

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from service.content.guardrails.model import model_fingerprint

DEFAULT_RULES_PATH = Path(__file__).with_name("rules.yaml")
CONTEXT_PATH = Path(__file__).with_name("context.yaml")  # the negation and hedging triggers


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"
    INFO = "info"


class Safeguard(StrEnum):
    """What lifts an `unless` rule: the article lists references, or says results vary."""

    REFERENCES = "references"
    RESULTS_DISCLOSURE = "results_disclosure"


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    catches: str
    severity: Severity
    why: str
    suggestion: str
    hedged: Severity | None = None  # the severity of a hedged claim ("may ..."); None: the same
    unless: Safeguard | None = None
    questions: bool = False  # whether a claim in a question counts
    patterns: tuple[Any, ...] = field(default=(), compare=False)

    @classmethod
    def of(cls, data: dict[str, Any]) -> "Rule":
        return cls(
            id=data["id"],
            category=data["category"],
            catches=data["catches"],
            severity=Severity(data["severity"]),
            why=data["why"],
            suggestion=data["suggestion"],
            hedged=Severity(data["hedged"]) if data.get("hedged") else None,
            unless=Safeguard(data["unless"]) if data.get("unless") else None,
            questions=bool(data.get("questions", False)),
            patterns=tuple(data.get("patterns", ())),
        )


@dataclass(frozen=True, eq=False)  # one object per load (load_rules caches it): hashed by identity
class RuleSet:
    """The claim rules (matched in text) and the safeguard rules (checked on the document),
    with a fingerprint that moves whenever any of it changes: what periodic review compares."""

    claims: tuple[Rule, ...]
    safeguards: dict[str, Rule]
    target_grade: float
    hard_grade: float
    fingerprint: str

    @cached_property
    def claims_by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.claims}

    def claim(self, rule_id: str) -> Rule:
        return self.claims_by_id[rule_id]


class InvalidRules(ValueError):
    """A rule file that cannot be read as a rule set (a deployment's, most likely)."""


def _merged(base: list[dict[str, Any]], extra: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A deployment's rules replace the fields they give of a rule with the same id, add new
    ones, and drop those marked `disabled: true`."""
    by_id = {rule["id"]: dict(rule) for rule in base}
    for rule in extra:
        by_id[rule["id"]] = {**by_id.get(rule["id"], {}), **rule}
    return [rule for rule in by_id.values() if not rule.get("disabled")]


def _expanded(value: Any, classes: dict[str, list[str]]) -> Any:
    """A pattern with each `$name` in a list replaced by the words of class `name`: the claim
    is written once as a combination of classes ("$remedy ... $condition")."""
    if isinstance(value, dict):
        return {key: _expanded(item, classes) for key, item in value.items()}
    if not isinstance(value, list):
        return value
    words: list[Any] = []
    for item in value:
        if isinstance(item, str) and item.startswith("$"):
            if item[1:] not in classes:
                raise InvalidRules(f"a pattern names the class {item}, which `classes` does not define")
            words += classes[item[1:]]
        else:
            words.append(_expanded(item, classes))
    return words


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise InvalidRules(f"cannot read the rule file {path}: {error}") from error
    if not isinstance(data, dict):
        raise InvalidRules(f"{path}: a rule file is a mapping with `rules` and `safeguards`")
    return data


def load_rules(extra_path: str | None = None) -> RuleSet:
    """The rule set in force: the repository's, with the deployment's file over it. Read once
    per process and path (one object, so one NLP pipeline, however it is asked for)."""
    return _load_rules(extra_path or None)


@lru_cache(maxsize=8)
def _load_rules(extra_path: str | None) -> RuleSet:
    data = _read(DEFAULT_RULES_PATH)
    extra = _read(Path(extra_path)) if extra_path else {}
    classes = {**data["classes"], **extra.get("classes", {})}
    claims = [_expanded(rule, classes) for rule in _merged(data["rules"], extra.get("rules", []))]
    safeguards = _merged(data["safeguards"], extra.get("safeguards", []))
    readability = {**data["readability"], **extra.get("readability", {})}
    try:
        rules = tuple(Rule.of(rule) for rule in claims)
        guards = {rule["id"]: Rule.of(rule) for rule in safeguards}
    except (KeyError, ValueError, TypeError) as error:
        raise InvalidRules(f"a rule lacks or misspells a field: {error}") from error
    # The triggers and the claim model decide what counts as a claim too: a change to either
    # is a change of rules.
    context = yaml.safe_load(CONTEXT_PATH.read_text(encoding="utf-8"))
    canonical = json.dumps(
        [claims, safeguards, readability, context, model_fingerprint()], sort_keys=True
    ).encode()
    return RuleSet(
        claims=rules,
        safeguards=guards,
        target_grade=float(readability["target_grade"]),
        hard_grade=float(readability["hard_grade"]),
        fingerprint=hashlib.sha256(canonical).hexdigest()[:16],
    )
