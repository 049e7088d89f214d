"""The domain layer knows nothing of Flask, so it can be used (and tested) without it."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_domain_and_models_import_without_flask():
    modules = [f"service.content.{p.stem}" for p in (ROOT / "service" / "content").glob("[!_]*.py")]
    code = (
        "import importlib, sys\n"
        f"for name in {sorted([*modules, 'service.models'])!r}: importlib.import_module(name)\n"
        "web = ('flask', 'flask_smorest', 'werkzeug')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in web))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_views_and_commands_leave_the_audit_log_to_the_use_cases():
    """An editorial act is one function in service.content that logs itself, for the Actor its
    caller names: a view or command that wrote the log would be putting the act together again."""
    callers = [*(ROOT / "service" / "api").rglob("*.py"), ROOT / "service" / "cli.py"]
    logging = {str(path.relative_to(ROOT)) for path in callers if re.search(r"\brecord\b", path.read_text())}
    assert logging <= {"service/api/webhooks.py"}  # whose acts have yet to move into the domain
