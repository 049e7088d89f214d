"""The guardrails in force in this process: the rule set (the repository's, with the
deployment's CLAIM_RULES_PATH over it) and the longest a medical review stays valid. The app
factory registers them (`configure`); rules are read, and spaCy loaded, only when first used."""

from dataclasses import dataclass

from service.content.guardrails.rules import RuleSet, load_rules

DEFAULT_REVIEW_MAX_AGE_DAYS = 365


@dataclass(frozen=True)
class Policy:
    rules_path: str | None = None
    review_max_age_days: int = DEFAULT_REVIEW_MAX_AGE_DAYS

    @property
    def rules(self) -> RuleSet:
        return load_rules(self.rules_path)


_policy = Policy()


def configure(rules_path: str | None, review_max_age_days: int) -> None:
    global _policy
    _policy = Policy(rules_path or None, review_max_age_days)


def current_policy() -> Policy:
    return _policy
