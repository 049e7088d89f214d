"""Flask commands: `flask --app wsgi seed [FILE]...`."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from service.backup import BackupError, backup
from service.config import SEED_PATH
from service.content.audit import Actor
from service.content.editing import ArticleConflict
from service.content.errors import InvalidDocument
from service.content.guardrails.reviews import reviews_due_query, why_due
from service.content.json_input import UnreadableJson, read_json
from service.content.keys import ROLES, issue_key
from service.content.loading import DuplicateArticles, seed_articles, validate_documents
from service.content.placeholders import MissingVariables
from service.content.scheduling import apply_due_schedules
from service.content.sites import SiteConflict
from service.content.webhooks import send_due
from service.extensions import db
from service.models import Role
from service.models.base import utcnow


def read_documents(path: Path) -> list[dict[str, Any]]:
    """The validated documents in one file; ClickException naming each problem otherwise."""
    try:
        raw = read_json(path.read_bytes())
    except UnreadableJson as error:
        raise click.ClickException(f"{path}: not valid JSON: {error}") from error
    try:
        return validate_documents(raw)
    except InvalidDocument as error:
        lines = "\n".join(f"  {e['field'] or '(document)'}: {e['message']}" for e in error.errors)
        raise click.ClickException(f"{path}: invalid article document:\n{lines}") from error


@click.command("seed")
@with_appcontext
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--publish/--draft-only", default=True, help="Publish what was loaded (default) or only update drafts."
)
def seed_command(files: tuple[Path, ...], publish: bool) -> None:
    """Load article documents (seed/article.json by default); safe to run again.

    Each file holds one document or a list. Every file is read and validated before anything
    is written, then all are written in one transaction: a bad file loads nothing.
    """
    documents, problems = [], []
    for path in files or (SEED_PATH,):
        try:
            documents.extend(read_documents(path))
        except click.ClickException as error:
            problems.append(error.message)
    if problems:
        raise click.ClickException("\n".join(problems) + "\nNothing was loaded.")
    try:
        results = seed_articles(db.session, documents, by=Actor(None, "flask seed"), publish=publish)
        db.session.commit()
    except DuplicateArticles as error:
        db.session.rollback()
        raise click.ClickException(f"One article is {error}. Nothing was loaded.") from error
    except (ArticleConflict, MissingVariables, SiteConflict) as error:
        db.session.rollback()
        raise click.ClickException(f"Cannot load: {error}. Nothing was loaded.") from error
    except BaseException:
        db.session.rollback()
        raise
    for result in results:
        state = "created" if result.created else ("updated" if result.draft_changed else "unchanged")
        published = f", published revision {result.published_revision}" if result.published_revision else ""
        click.echo(f"{result.slug} ({result.locale}): {state}{published}")
        if result.override is not None:
            click.echo(
                f"  published with override {result.override.id} (audited, in its history) of "
                f"{len(result.override.findings)} blocking finding(s), which stand until a reviewer acts:"
            )
            for finding in result.override.findings:
                click.echo(f"    {finding['rule']} at {finding['path']} ({finding['where']})")


@click.command("create-key")
@with_appcontext
@click.option("--name", required=True, help="Who or what will use the key, e.g. 'Ana (marketing)'.")
@click.option("--role", type=click.Choice(ROLES), default=Role.ADMIN.value, show_default=True)
@click.option("--expires-in-days", type=click.IntRange(min=1), help="Default: never expires.")
def create_key_command(name: str, role: str, expires_in_days: int | None) -> None:
    """Create an API key and print it, once: only its hash is stored.

    The first admin key comes from here; admins then create keys through the API.
    """
    expires_at = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    new = issue_key(db.session, name, role, expires_at, by=Actor(None, "flask create-key"))
    db.session.commit()
    click.echo(f"Created {role} key {new.key.prefix} for {name}. Keep it now; it cannot be shown again:")
    click.echo(new.secret)


@click.command("apply-schedules")
@with_appcontext
def apply_schedules_command() -> None:
    """Apply the scheduled publishes and unpublishes that are due. Run it from cron (every
    minute, say) on as many hosts as you like: each schedule is applied exactly once."""
    for applied in apply_due_schedules(db.session):
        click.echo(f"schedule {applied.schedule_id}: article {applied.article_id} {applied.outcome}")


@click.command("reviews-due")
@with_appcontext
def reviews_due_command() -> None:
    """List the articles due for a medical re-review (as GET /v1/manage/reviews/due does):
    their last review is older than REVIEW_MAX_AGE_DAYS or missing, or the rules changed since
    what is published was checked. Exits with status 1 when any is due, for cron to mail."""
    today = utcnow().date()
    due = [why_due(article, today) for article in db.session.scalars(reviews_due_query(today))]
    for review in due:
        reviewed = review.reviewed_at.isoformat() if review.reviewed_at else "never"
        click.echo(
            f"{review.slug} ({review.locale}), article {review.article_id}: reviewed {reviewed}; "
            f"{', '.join(review.reasons)}"
        )
    if not due:
        click.echo("No article is due for re-review.")
    raise SystemExit(1 if due else 0)


@click.command("send-webhooks")
@with_appcontext
def send_webhooks_command() -> None:
    """Send the webhook deliveries that are due, once each, then exit. Run it from cron (or
    in a loop); several hosts may run it at once."""
    allow_private = current_app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"]
    for outcome in send_due(db.session, allow_private=allow_private):
        click.echo(f"delivery {outcome.delivery_id}: {outcome.status} (HTTP {outcome.status_code})")


@click.command("backup")
@with_appcontext
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(destination: Path) -> None:
    """Copy the database to DESTINATION while the service runs (a new file).

    SQLite: SQLite's online backup API. PostgreSQL: pg_dump --format=custom. How to restore
    each: README, "Backups".
    """
    try:
        backup(db.engine.url, destination)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up to {destination}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(seed_command)
    app.cli.add_command(create_key_command)
    app.cli.add_command(apply_schedules_command)
    app.cli.add_command(send_webhooks_command)
    app.cli.add_command(reviews_due_command)
