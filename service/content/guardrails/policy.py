"""The guardrails in force for the work at hand: the rule set (the repository's, with the
deployment's CLAIM_RULES_PATH over it) and the longest a medical review stays valid. Each app
declares its own (`Policy`), which is in force in its app contexts (`use`, called by the app
factory's registration); rules are read, and spaCy loaded, only when first used."""

from contextvars import ContextVar
from dataclasses import dataclass

from service.content.guardrails.rules import RuleSet, load_rules

__all__ = ["Policy", "current_policy", "load_rules", "use"]

DEFAULT_REVIEW_MAX_AGE_DAYS = 365


@dataclass(frozen=True)
class Policy:
    rules_path: str | None = None
    review_max_age_days: int = DEFAULT_REVIEW_MAX_AGE_DAYS

    @property
    def rules(self) -> RuleSet:
        return load_rules(self.rules_path)


DEFAULT_POLICY = Policy()  # outside any app (a script, a benchmark): the repository's rules
_in_force: ContextVar[Policy | None] = ContextVar("guardrails_policy", default=None)


def use(policy: Policy) -> None:
    _in_force.set(policy)


def current_policy() -> Policy:
    return _in_force.get() or DEFAULT_POLICY
