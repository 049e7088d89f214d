"""Flask commands: `flask --app wsgi seed [FILE]...`."""

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
import orjson
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from service.backup import BackupError, backup
from service.cli_rerender import rerender_command
from service.config import SEED_PATH
from service.content.audit import Actor
from service.content.editing import ArticleConflict
from service.content.errors import InvalidDocument
from service.content.guardrails.reviews import reviews_due_query, why_due
from service.content.installation import NotEmpty, export_installation, import_installation
from service.content.json_input import UnreadableJson, read_json
from service.content.keys import ROLES, KeyConflict, issue_key, list_keys, revoke_key
from service.content.loading import DuplicateArticles, seed_articles, validate_documents
from service.content.placeholders import MissingVariables
from service.content.releases import apply_due_releases
from service.content.retention import purge_stopped_events
from service.content.reviews import ReviewPolicy
from service.content.scheduling import apply_due_schedules
from service.content.sites import SiteConflict
from service.content.webhooks import send_due
from service.extensions import db
from service.models import ApiKey, Role
from service.models.base import utcnow
from service.worker import run_rounds, stop_on_signals


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
    except (ArticleConflict, MissingVariables, SiteConflict, InvalidDocument) as error:
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
@click.option("--reviewer", is_flag=True, help="The key may approve reviews or request changes.")
def create_key_command(name: str, role: str, expires_in_days: int | None, reviewer: bool) -> None:
    """Create an API key and print it, once: only its hash is stored.

    The first admin key comes from here; admins then create keys through the API.
    """
    expires_at = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    new = issue_key(db.session, name, role, expires_at, by=Actor(None, "flask create-key"), reviewer=reviewer)
    db.session.commit()
    click.echo(f"Created {role} key {new.key.prefix} for {name}. Keep it now; it cannot be shown again:")
    click.echo(new.secret)


@click.command("list-keys")
@with_appcontext
def list_keys_command() -> None:
    """List API keys: prefix, role, state and name; never their secrets."""
    now = utcnow()
    for key in list_keys(db.session):
        if key.revoked_at is not None:
            state = f"revoked {key.revoked_at:%Y-%m-%d}"
        elif key.expires_at is not None and key.expires_at <= now:
            state = f"expired {key.expires_at:%Y-%m-%d}"
        else:
            state = "active"
        click.echo(f"{key.prefix}  {key.role:<9}  {state:<18}  {key.name}")


@click.command("revoke-key")
@with_appcontext
@click.argument("prefix")
def revoke_key_command(prefix: str) -> None:
    """Revoke the API key whose prefix (cms_xxxxxxxx, as list-keys shows) is PREFIX."""
    key = db.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None:
        raise click.ClickException(f"There is no key {prefix}.")
    try:
        revoke_key(db.session, key, by=Actor(None, "flask revoke-key"))
        db.session.commit()
    except KeyConflict as error:
        db.session.rollback()
        raise click.ClickException(f"Not revoked: {error}.") from error
    click.echo(f"Revoked {prefix} ({key.name}).")


@click.command("purge-events")
@with_appcontext
@click.option(
    "--stopped-days-ago",
    "days",
    type=click.IntRange(min=0),
    required=True,
    help="Purge the events of experiments stopped more than this many days ago.",
)
def purge_events_command(days: int) -> None:
    """Delete the events (visitor ids included) of experiments stopped more than N days ago.

    The experiments stay; their results then count nothing. Run it from cron for privacy.
    """
    purged = purge_stopped_events(
        db.session, utcnow() - timedelta(days=days), by=Actor(None, "flask purge-events")
    )
    db.session.commit()
    for key, count in purged.items():
        click.echo(f"experiment {key}: {count} events purged")
    click.echo(f"{sum(purged.values())} events purged.")


@click.command("apply-schedules")
@with_appcontext
def apply_schedules_command() -> None:
    """Apply the scheduled publishes and unpublishes, and the releases, that are due. Run it
    from cron (every minute, say) on as many hosts as you like: each is applied exactly once."""
    policy = ReviewPolicy.from_config(current_app.config)
    for applied in apply_due_schedules(db.session, policy=policy):
        click.echo(f"schedule {applied.schedule_id}: article {applied.article_id} {applied.outcome}")
    for release_id, outcome in apply_due_releases(db.session, policy=policy):
        click.echo(f"release {release_id}: {outcome}")


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


@click.command("worker")
@with_appcontext
@click.option(
    "--period",
    type=click.FloatRange(min=0.1),
    help="Seconds between rounds (default: WORKER_PERIOD_SECONDS, 5).",
)
def worker_command(period: float | None) -> None:
    """Apply due schedules and send due webhooks, a round every PERIOD seconds, until SIGTERM.

    Safe on several hosts at once: each schedule and delivery is done by one worker only.
    """
    allow_private = current_app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"]
    period = period or current_app.config["WORKER_PERIOD_SECONDS"]
    policy = ReviewPolicy.from_config(current_app.config)
    stop = threading.Event()
    stop_on_signals(stop)
    click.echo(f"Worker started: a round every {period:g} s; SIGTERM stops it.")
    jobs = {
        "schedules": lambda: apply_due_schedules(db.session, policy=policy),
        "releases": lambda: apply_due_releases(db.session, policy=policy),
        "webhooks": lambda: send_due(db.session, allow_private=allow_private),
    }
    rounds = run_rounds(jobs, period, stop, end=db.session.remove)
    click.echo(f"Worker stopped after {rounds} rounds.")


@click.command("export-installation")
@with_appcontext
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
def export_installation_command(destination: Path) -> None:
    """Write everything the service holds to DESTINATION (JSON; a new file), for
    import-installation into an empty database of either kind. Secrets are left out."""
    if destination.exists():
        raise click.ClickException(f"{destination} exists: an export never overwrites a file")
    exported = export_installation(db.session)
    # (members in name order: PostgreSQL's jsonb keeps none, so the same installation is the
    # same bytes from either database)
    destination.write_bytes(orjson.dumps(exported, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    rows = sum(len(rows) for rows in exported["tables"].values())
    click.echo(f"Exported {rows} rows of {len(exported['tables'])} tables to {destination}.")


@click.command("import-installation")
@with_appcontext
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_installation_command(source: Path) -> None:
    """Load an export-installation file into this empty (migrated) database, all or nothing.
    API keys arrive unusable and webhooks with new secrets: issue new keys (create-key)."""
    try:
        counts = import_installation(db.session, read_json(source.read_bytes()))
        db.session.commit()
    except (UnreadableJson, ValueError, NotEmpty) as error:
        db.session.rollback()
        raise click.ClickException(f"Nothing was imported: {error}") from error
    click.echo(f"Imported {sum(counts.values())} rows into {len(counts)} tables.")


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
    app.cli.add_command(export_installation_command)
    app.cli.add_command(import_installation_command)
    app.cli.add_command(seed_command)
    app.cli.add_command(create_key_command)
    app.cli.add_command(list_keys_command)
    app.cli.add_command(revoke_key_command)
    app.cli.add_command(purge_events_command)
    app.cli.add_command(apply_schedules_command)
    app.cli.add_command(send_webhooks_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(reviews_due_command)
    app.cli.add_command(rerender_command)
