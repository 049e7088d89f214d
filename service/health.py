"""What an operator's probes ask: is the process up (liveness), and can it serve (readiness:
the database answers, its schema is the one this code was written for, and Redis answers
when the rate limits are counted there). Each check names what is not ready, so that a 503
tells the operator where to look."""

from collections.abc import Callable
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

READY = "ok"


def migration_heads(migrations: Path) -> frozenset[str]:
    """The revisions the code's migrations end at (read once, when the app is built)."""
    return frozenset(ScriptDirectory(str(migrations)).get_heads())


def check_database(session: Session, heads: frozenset[str]) -> dict[str, str]:
    """The database's state and its migrations': "ok", or what is wrong with each."""
    try:
        session.execute(text("SELECT 1"))
        current = frozenset(MigrationContext.configure(session.connection()).get_current_heads())
    except SQLAlchemyError as error:
        reason = f"unreachable: {type(getattr(error, 'orig', None) or error).__name__}"
        return {"database": reason, "migrations": "unknown: the database is unreachable"}
    finally:
        session.rollback()
    if current == heads:
        return {"database": READY, "migrations": READY}
    at = ", ".join(sorted(current)) or "none"
    return {"database": READY, "migrations": f"at {at}, not at head {', '.join(sorted(heads))}"}


def check_readiness(
    session: Session, heads: frozenset[str], shared_storage_answers: Callable[[], bool] | None
) -> dict[str, str]:
    """Every check by name. Redis is checked only where it is configured (the rate limits'
    shared storage): with counts in memory there is nothing to reach."""
    checks = check_database(session, heads)
    if shared_storage_answers is not None:
        checks["redis"] = READY if shared_storage_answers() else "unreachable"
    return checks


def not_ready(checks: dict[str, str]) -> dict[str, str]:
    return {name: state for name, state in checks.items() if state != READY}
