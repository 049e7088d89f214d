"""gunicorn's logger (gunicorn.conf.py names it as logger_class): its error lines as JSON
(service.logs), and without secrets. gunicorn's access log (off by default) prints the user
name of HTTP Basic credentials (`curl -u "$KEY:"` makes the key the user name) and each query
string; its error log quotes malformed request lines."""

import logging
from typing import Any

from gunicorn.glogging import Logger

from service.logs import HIDDEN, JsonLines, redact

# Request headers (as "{name}i") and WSGI variables ("{name}e") that hold credentials.
CREDENTIAL_ATOMS = ("{authorization}i", "{cookie}i", "{http_authorization}e", "{http_cookie}e")


def _redact_record(record: logging.LogRecord) -> bool:
    record.msg, record.args = redact(record.getMessage()), ()
    return True


class RedactingLogger(Logger):
    """Access and error lines pass `redact`; the Basic user name and credential headers are
    never written, whatever access_log_format asks for."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(_redact_record)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonLines())

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["u"] = "-"
        for name in CREDENTIAL_ATOMS:
            if name in atoms:
                atoms[name] = HIDDEN
        return atoms
