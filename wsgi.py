"""The WSGI entry point the server serves: `python -m deploy.web` (granian, wsgi:app)."""

from service import create_app
from service.content.guardrails.checks import check_claims
from service.content.guardrails.policy import current_policy

app = create_app()

# spaCy's pipeline and the claim model load once per process, at its first check: here, as the
# worker builds the app, rather than in the first request that checks a draft (seconds).
with app.app_context():
    check_claims(current_policy().rules, {"intro": "Stem cell therapy may help some patients."})
