"""Health-claim guardrails: rules as data (rules.yaml), a language-aware check of every text
(language.py, checks.py), an article's findings in every rendering (findings.py), the gate
and its overrides (gate.py), and what is due for re-review (reviews.py)."""
