"""Settings read from the environment, with defaults that work on a laptop."""

import os
import tomllib
from pathlib import Path

# The project's one version number, in pyproject.toml; the API's OpenAPI document states it.
PROJECT_VERSION = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())[
    "project"
]["version"]


class Config:
    """One place for every setting and limit; `create_app(config)` may override any of them."""

    # SQLite under instance/ by default (Flask-SQLAlchemy resolves relative SQLite paths
    # there); PostgreSQL in production, e.g. postgresql+psycopg://user@host/db.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///cms.db")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # While the database cannot answer (unreachable, locked, read-only), requests get 503 with
    # this Retry-After: long enough for a restart or failover, short enough for a frontend.
    DATABASE_RETRY_AFTER_SECONDS = int(os.environ.get("DATABASE_RETRY_AFTER_SECONDS", "5"))
    # Seconds to wait for PostgreSQL to accept a connection (psycopg: at least 2), so that an
    # unreachable server is a 503 rather than a request hanging for minutes.
    DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    # How long an SQLite writer waits for another's lock before its request answers 503.
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5000"))

    # Delivery caching: clinic frontends and CDNs may reuse a response for CACHE_MAX_AGE
    # seconds and keep serving it while they revalidate for CACHE_STALE_WHILE_REVALIDATE more.
    CACHE_MAX_AGE = int(os.environ.get("CACHE_MAX_AGE", "60"))
    CACHE_STALE_WHILE_REVALIDATE = int(os.environ.get("CACHE_STALE_WHILE_REVALIDATE", "600"))
    # ...and while the service answers errors (or not at all): a CDN keeps the clinics' pages up
    # through an outage of a day.
    CACHE_STALE_IF_ERROR = int(os.environ.get("CACHE_STALE_IF_ERROR", "86400"))
    # The header(s) each delivery answer names its surrogate keys in, for the CDN in front to
    # purge by: Surrogate-Key (Fastly; also what Akamai and nginx-based caches read),
    # Cache-Tag (Cloudflare), both ("Surrogate-Key,Cache-Tag") or none (""). Each costs about
    # 80 bytes on every answer.
    CDN_TAG_HEADERS = os.environ.get("CDN_TAG_HEADERS", "Surrogate-Key")

    # Each app process keeps what delivery computed (bodies, ETags, assignments) in an LRU
    # cache of at most DELIVERY_CACHE_BYTES, and trusts it for DELIVERY_FRESHNESS_SECONDS
    # after last checking the database's change counter (see content.freshness): a change
    # made by another process or host is served everywhere within that many seconds.
    DELIVERY_CACHE_BYTES = int(os.environ.get("DELIVERY_CACHE_BYTES", str(32 * 1024 * 1024)))
    DELIVERY_FRESHNESS_SECONDS = float(os.environ.get("DELIVERY_FRESHNESS_SECONDS", "2"))
    # A site's kept public answers are sent before Flask builds a request (api.kept_answers),
    # at a fraction of the cost; "0" sends every request through Flask (the same bytes).
    KEPT_ANSWERS_BEFORE_FLASK = os.environ.get("KEPT_ANSWERS_BEFORE_FLASK", "1") != "0"

    # Browser origins allowed to call the delivery API ("*" or a comma-separated list).
    CORS_ORIGINS = os.environ.get("CORS_ORIGINS", "*")

    # Rate limits per client address (the `limits` library's notation), counted in
    # RATE_LIMIT_STORAGE_URI: "memory://" counts in each process (each worker allows the whole
    # limit); "redis://host:6379" shares the counts across workers and hosts. Answers over a
    # limit are 429 with Retry-After. Failed authentications are those with a wrong key.
    RATE_LIMIT_STORAGE_URI = os.environ.get("RATE_LIMIT_STORAGE_URI", "memory://")
    EVENTS_RATE_LIMIT = os.environ.get("EVENTS_RATE_LIMIT", "600/minute")
    FAILED_AUTH_RATE_LIMIT = os.environ.get("FAILED_AUTH_RATE_LIMIT", "20/minute")
    # A limit must not take the service down with its storage: while Redis fails (or takes
    # longer than RATE_LIMIT_STORAGE_TIMEOUT seconds to answer), each process counts in memory
    # and tries Redis again every RATE_LIMIT_STORAGE_RETRY_SECONDS, not on every request.
    RATE_LIMIT_STORAGE_TIMEOUT = float(os.environ.get("RATE_LIMIT_STORAGE_TIMEOUT", "0.5"))
    RATE_LIMIT_STORAGE_RETRY_SECONDS = float(os.environ.get("RATE_LIMIT_STORAGE_RETRY_SECONDS", "5"))
    # Reverse proxies in front of the service that set X-Forwarded-For (0: none, the peer's
    # address is the client's). Only count proxies you run: the header is otherwise forged.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    # Webhooks are sent only to public internet addresses: a loopback, private, link-local
    # (the cloud's metadata service) or other internal address would let whoever holds an admin
    # key make the service call into its own network. Turn this on when the receivers are on
    # premises (http://rebuilder:8080/hook): any address is then allowed.
    WEBHOOK_ALLOW_PRIVATE_TARGETS = os.environ.get("WEBHOOK_ALLOW_PRIVATE_TARGETS", "").lower() in {
        "1",
        "true",
        "yes",
    }

    # Logs are JSON lines on standard error (service.logs), from this level up: DEBUG, INFO
    # (one line per request, the default), WARNING, ERROR.
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Who may read /metrics (comma-separated addresses or networks): the host itself by default,
    # where a Prometheus agent scrapes it; behind nginx (PROXY_COUNT) the client's address counts.
    METRICS_ALLOWED_NETWORKS = os.environ.get("METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")

    # `flask worker`: seconds between its rounds (due schedules, then due webhooks). A schedule
    # is applied, and a webhook first tried, at most this late.
    WORKER_PERIOD_SECONDS = float(os.environ.get("WORKER_PERIOD_SECONDS", "5"))

    # Nothing reaches a visitor unreviewed: publishing (now, by schedule or in a release)
    # needs a version a key with the reviewer capability approved, and with four eyes on,
    # not a key that changed or submitted it. Turn either off ("0") only where one person
    # writes and vouches alike; `flask seed` and imports record a system approval either way.
    REVIEW_REQUIRED = os.environ.get("REVIEW_REQUIRED", "1").lower() not in {"0", "false", "no"}
    REVIEW_FOUR_EYES = os.environ.get("REVIEW_FOUR_EYES", "1").lower() not in {"0", "false", "no"}

    # Locale served when a frontend asks for an article without naming one.
    DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "en")
    # Health-claim guardrails (docs/guardrails.md): a deployment's rule file, read over the
    # repository's (service/content/guardrails/rules.yaml), and how long a medical review
    # stays valid before the article is due for re-review and its publishing is blocked.
    CLAIM_RULES_PATH = os.environ.get("CLAIM_RULES_PATH") or None
    REVIEW_MAX_AGE_DAYS = int(os.environ.get("REVIEW_MAX_AGE_DAYS", "365"))

    # The longest an experiment may be planned to run: starting one whose plan needs more days
    # at its sites' traffic is refused (409, with the plan) unless forced with a reason. Eight
    # weeks: past that, seasons and campaigns change who visits.
    MAX_EXPERIMENT_DAYS = float(os.environ.get("MAX_EXPERIMENT_DAYS", "56"))

    # Largest request body accepted (bytes): articles are text, a few hundred KB at most.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024)))

    # Media: an image upload's largest size (bytes) and pixel count (a decompression bomb is
    # a small file of many pixels: 40 million is a 7,700 x 5,200 photo, 160 MB decoded), and
    # the widths its renditions are made at, for a page's srcset.
    ASSET_MAX_BYTES = int(os.environ.get("ASSET_MAX_BYTES", str(15 * 1024 * 1024)))
    ASSET_MAX_PIXELS = int(os.environ.get("ASSET_MAX_PIXELS", "40000000"))
    RENDITION_WIDTHS = tuple(int(w) for w in os.environ.get("RENDITION_WIDTHS", "480,960,1600").split(","))

    API_TITLE = "Clinic content API"
    API_VERSION = PROJECT_VERSION
    OPENAPI_VERSION = "3.0.3"
    API_SPEC_OPTIONS = {
        # Relative: the API is where this document is served from.
        "servers": [{"url": "/", "description": "This service"}],
        "info": {
            "license": {"name": "Proprietary: for the clinics' own frontends"},
            "description": (
                "Structured marketing articles for health clinics, served as JSON.\n\n"
                "Delivery responses carry a strong `ETag` and `Cache-Control`; send the ETag back "
                "in `If-None-Match` to get `304 Not Modified`. Every error is an RFC 9457 problem "
                "document (`application/problem+json`) with `type`, `title`, `status`, `detail`, "
                "and `errors` listing each invalid field for `422`."
            ),
        },
    }
    OPENAPI_URL_PREFIX = "/"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    # Swagger UI's files are served by the service itself (see service/docs.py): no CDN.
    OPENAPI_SWAGGER_UI_URL = "/docs/assets/"
    OPENAPI_SWAGGER_UI_CONFIG = {
        "deepLinking": True,
        "displayRequestDuration": True,
        "persistAuthorization": True,  # "Authorize" once, then try out management calls
        "showExtensions": True,  # shows each operation's x-required-role
    }


# Pagination of delivery lists. Module-level because flask-smorest's decorators read them
# when the API modules are imported; a page is capped so one request stays cheap.
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

# The first article, loaded by `flask seed` when no file is named, and the spec's example.
SEED_PATH = Path(__file__).resolve().parents[1] / "seed" / "article.json"

# The most events one POST /v1/events may carry: a frontend flushes its queue in a few requests.
MAX_EVENTS_PER_BATCH = 500
# How far ahead of the server's clock an event's `at` may be: a visitor's device clock is
# rarely minutes off, and an event from the future would be counted before it happened.
# Module-level: the spec's description of `at` states it.
EVENT_CLOCK_SKEW_SECONDS = 300
# Times a batch is tried when PostgreSQL refuses it for a concurrent one (a deadlock or a
# serialisation failure): batches insert in event id order, so a second try is all but certain.
EVENT_BATCH_ATTEMPTS = 3

# How deeply a JSON body may nest: an article document needs six levels (a comparison's cells),
# an overlay seven (one cell of it).
MAX_JSON_DEPTH = 32
# Per article: children of each kind (sections, conditions, benefits, faqs), references,
# tags, and the items of one list (a section's bullets, a condition's points).
MAX_CHILDREN = 200
MAX_LIST_ITEMS = 100
# Documents in one import: a clinic's whole library fits in a few requests of 1 MiB each.
MAX_IMPORT_DOCUMENTS = 500
# Characters in one Markdown or plain text field without a tighter limit of its own.
MAX_TEXT_LENGTH = 50_000
# A comparison table (content.comparisons): the options side by side (more than a phone shows
# even scrolled sideways), its criteria, and the inline Markdown of one cell (a short phrase
# with a citation or a link; the longest of the examples is about 130 characters).
MAX_COMPARISON_COLUMNS = 8
MAX_COMPARISON_ROWS = 100
MAX_CELL_LENGTH = 1000
# What delivery attaches to every testimonial that has no disclosure of its own: a patient's
# words promise no one else a result (FTC endorsement guides; medical boards ask the same).
# Stored bodies keep the text they were published with: after changing it, `flask rerender`.
TESTIMONIAL_DISCLOSURE = os.environ.get(
    "TESTIMONIAL_DISCLOSURE",
    "Individual results vary. This is one patient's experience, not a promise of any outcome.",
)

# Experiments. The sequential test's tuning parameter (gbstats' default, per experiment on
# request): the total visitors at which its always-valid intervals are tightest.
SEQUENTIAL_TUNING = 5000
