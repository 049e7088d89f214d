"""The app factory: configuration, extensions, blueprints, docs and commands."""

import logging
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from flask import Flask, appcontext_pushed, current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import get_input_stream

from service import cli, desk, docs, results_page, security, telemetry
from service.api import kept_answers, register_blueprints
from service.api.caching import cdn_tag_headers
from service.api.metrics import allowed_networks
from service.config import Config
from service.content.freshness import DeliveryCache, track_changes
from service.content.guardrails import policy as guardrails
from service.content.transactions import may_write
from service.errors import register_domain_errors
from service.extensions import api, cors, db, migrate
from service.health import migration_heads
from service.logs import configure_logging
from service.ratelimits import RateLimits

logger = logging.getLogger(__name__)


class ServiceFlask(Flask):
    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Every view and hook here is synchronous: skip Flask's per-call check for
        coroutines (several per request through flask-smorest's decorators, profiled)."""
        return func


def build_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, then `config` overrides (tests use it)."""
    app = ServiceFlask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    if config:
        app.config.from_mapping(config)
    configure_logging(app.config["LOG_LEVEL"])
    app.extensions["metrics_networks"] = allowed_networks(app.config["METRICS_ALLOWED_NETWORKS"])
    app.extensions["cdn_tag_headers"] = cdn_tag_headers(app.config["CDN_TAG_HEADERS"])
    # Each app's guardrails are in force in its app contexts (requests and commands alike).
    policy = guardrails.Policy(app.config["CLAIM_RULES_PATH"], app.config["REVIEW_MAX_AGE_DAYS"])
    guardrails.load_rules(policy.rules_path)  # a bad rule file stops the app here, not a request later
    appcontext_pushed.connect(lambda _app, **_: guardrails.use(policy), app, weak=False)

    if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_driver_name() == "psycopg":
        # psycopg prepares a statement run five times on a connection, and PostgreSQL may then
        # keep a generic plan made while a table was small: event batches fell from 17,000 to
        # 700 events/s, each checking its ids by a sequential scan (measured by make bench).
        # And it would wait for an unreachable server as long as TCP does (minutes).
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        connect_args = {
            "connect_timeout": app.config["DATABASE_CONNECT_TIMEOUT"],
            **options.get("connect_args", {}),
            "prepare_threshold": None,
        }
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": connect_args}
    db.init_app(app)
    app.extensions["rate_limits"] = RateLimits(
        app.config["RATE_LIMIT_STORAGE_URI"],
        {"events": app.config["EVENTS_RATE_LIMIT"], "failed_auth": app.config["FAILED_AUTH_RATE_LIMIT"]},
        retry_seconds=app.config["RATE_LIMIT_STORAGE_RETRY_SECONDS"],
        timeout=app.config["RATE_LIMIT_STORAGE_TIMEOUT"],
    )
    app.extensions["delivery_cache"] = DeliveryCache(
        app.config["DELIVERY_CACHE_BYTES"], app.config["DELIVERY_FRESHNESS_SECONDS"]
    )
    track_changes(db.session, app.extensions["delivery_cache"])
    migrations = Path(app.root_path).parent / "migrations"
    migrate.init_app(app, db, directory=str(migrations))
    app.extensions["migration_heads"] = migration_heads(migrations)  # what /readyz expects
    with app.app_context():
        _configure_sqlite(app, db.engine)
    api.init_app(app)
    register_domain_errors(app)
    register_blueprints(app, api)
    cors.init_app(
        app,
        # The site-less delivery API; /v1/sites/... answers CORS per site (api.site_delivery).
        resources={
            r"/v1/articles.*": {"origins": allowed_origins(app.config["CORS_ORIGINS"])},
            r"/v1/events": {
                "origins": allowed_origins(app.config["CORS_ORIGINS"]),
                "methods": ["POST", "OPTIONS"],
            },
        },
        methods=["GET", "HEAD", "OPTIONS"],
        # (Content-Language is CORS-safelisted: a browser lets a page read it unexposed)
        expose_headers=["ETag", "X-Pagination"],
        max_age=600,
        # With origins "*", answer "*" rather than echoing each Origin: a CDN then keeps one
        # copy per URL instead of one per clinic domain.
        send_wildcard=True,
    )
    docs.init_app(app)
    results_page.init_app(app)
    desk.init_app(app)
    kept_answers.init_app(app)
    if app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"])  # type: ignore[method-assign]
    security.init_app(app)
    telemetry.init_app(app)
    cli.init_app(app)
    # (Flask runs these last to first: the transaction ends before a body is read to its end.)
    app.teardown_request(_read_the_unread_body)
    app.teardown_request(_discard_uncommitted_work)
    return app


def _discard_uncommitted_work(_error: BaseException | None) -> None:
    """A request that failed half-way (a 4xx from a domain error, say) leaves nothing behind
    for whatever next uses the session. A request that never opened one (a cached delivery)
    has nothing to undo. Nor has one whose connection died: the database ended its
    transaction, and the answer stands (an error raised here would escape every error handler,
    and reach the client as the WSGI server's HTML page)."""
    if not db.session.registry.has():
        return
    try:
        db.session.rollback()
    except DBAPIError as error:
        logger.warning("Rolling back after %s %s failed: %s", request.method, request.path, error.orig)


UNREAD_CHUNK = 64 * 1024


def _read_the_unread_body(_error: BaseException | None) -> None:
    """An answer given before its request's body was read (a 401 to an upload without a key,
    a 415) would otherwise be lost: the server closes the connection with the body's bytes
    still in it, the kernel resets it, and the client never reads the answer (nginx answers
    502 instead). So what is left of a body of a size some route accepts is read and dropped
    before the answer goes; a larger body was refused (413) and is left, as werkzeug leaves it.
    Behind nginx (the deployment shipped) the body has arrived whole; without it, a client that
    trickles its body holds the worker, as it would on any route that reads one."""
    length, config = request.content_length, current_app.config
    if not length or length > max(config["MAX_CONTENT_LENGTH"], config["ASSET_MAX_BYTES"]):
        return
    # werkzeug's stream if the request made it (it knows what was read), else one over the input.
    stream = request.__dict__.get("stream") or get_input_stream(request.environ, max_content_length=None)
    with suppress(OSError, ClientDisconnected, RequestEntityTooLarge):  # (or past the route's limit)
        while stream.read(UNREAD_CHUNK):
            pass


def allowed_origins(setting: str) -> list[str]:
    """CORS_ORIGINS: "*" or a comma-separated list, spaces allowed."""
    return [origin.strip() for origin in setting.split(",") if origin.strip()]


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def writing() -> bool:
    """Whether the transaction beginning may write (content.transactions.may_write)."""
    chosen = may_write.get()
    if chosen is not None:
        return chosen
    return not has_request_context() or request.method not in SAFE_METHODS


def _configure_sqlite(app: Flask, engine: Engine) -> None:
    """SQLite per connection: foreign keys enforced (and so ON DELETE CASCADE); write-ahead
    logging, so readers never wait for a writer and a killed process leaves a sound file;
    and a writer waits up to SQLITE_BUSY_TIMEOUT_MS for another's lock instead of failing."""
    if engine.dialect.name != "sqlite":
        return
    busy_timeout = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A request that may write takes the write lock when its transaction begins: one that
        # took it only at its first write could find the database changed under its reads, and
        # fail at once with "database is locked" instead of waiting busy_timeout. Reads stay
        # deferred, so they never wait for a writer.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing() else "BEGIN")
