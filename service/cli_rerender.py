"""`flask rerender`: stored revisions' bodies rendered again by today's Markdown rules."""

import click
from flask.cli import with_appcontext

from service.content.audit import Actor
from service.content.rerendering import rerender_revisions
from service.extensions import db


@click.command("rerender")
@with_appcontext
def rerender_command() -> None:
    """Render every stored revision's body again and store those that changed, with new ETags.

    Run after an upgrade that changes how Markdown renders (the CHANGELOG says when). The
    documents stay as they were published; delivery serves the new bodies at once, and each
    published article that changed is announced to webhooks (article.rerendered) for CDNs to
    purge. Safe to run again: a second run changes nothing.
    """
    try:
        result = rerender_revisions(db.session, by=Actor(None, "flask rerender"))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    for slug, locale, number in result.changed:
        click.echo(f"{slug} ({locale}): revision {number} rendered again")
    for slug, locale, number, reason in result.unreadable:
        click.echo(f"{slug} ({locale}): revision {number} left as it was, unreadable today: {reason}")
    click.echo(
        f"{len(result.changed)} of {result.checked} revisions changed, {result.published} of them published."
    )
