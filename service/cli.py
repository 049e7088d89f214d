"""Flask commands: `flask --app wsgi seed [FILE]...`."""

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from service.config import SEED_PATH
from service.content.errors import InvalidDocument
from service.content.loading import load_documents
from service.extensions import db


@click.command("seed")
@with_appcontext
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--publish/--draft-only", default=True, help="Publish what was loaded (default) or only update drafts."
)
def seed_command(files: tuple[Path, ...], publish: bool) -> None:
    """Load article documents (seed/article.json by default); safe to run again.

    Each file holds one document or a list. Every file is validated before anything is
    written, and all of it is written in one transaction, so a bad file loads nothing.
    """
    loaded = []
    for path in files or (SEED_PATH,):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise click.ClickException(f"{path}: not valid JSON: {error}") from error
        loaded.append((path, raw))
    results = []
    try:
        for path, raw in loaded:
            try:
                results.extend(load_documents(db.session, raw, publish=publish))
            except InvalidDocument as error:
                lines = "\n".join(f"  {e['field'] or '(document)'}: {e['message']}" for e in error.errors)
                raise click.ClickException(
                    f"{path}: invalid article document, nothing loaded:\n{lines}"
                ) from error
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    for result in results:
        state = "created" if result.created else ("updated" if result.draft_changed else "unchanged")
        published = f", published revision {result.published_revision}" if result.published_revision else ""
        click.echo(f"{result.slug} ({result.locale}): {state}{published}")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_command)
