"""gunicorn settings for `make run`; production overrides them with GUNICORN_CMD_ARGS."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
# gunicorn's largest request line: long filtered list URLs fit; beyond it gunicorn answers 414.
limit_request_line = 8190
# Access and error lines without secrets: no Basic user name, query keys or tokens hidden.
logger_class = "service.gunicorn_logger.RedactingLogger"
