"""Validators whose documented JSON Schema `pattern` is exactly what they accept, so that
clients (and the fuzzer) generated from the spec agree with the service."""

import re

from marshmallow import ValidationError, validate


class Pattern(validate.Regexp):
    """validate.Regexp over the whole value, as JSON Schema's ^...$ means: Python's `$` also
    matches before a final newline, which would let "slug\\n" through."""

    def __call__(self, value: str) -> str:  # type: ignore[override]
        if not isinstance(value, str) or self.regex.fullmatch(value) is None:
            raise ValidationError(self.error.format(input=value, regex=self.regex.pattern))
        return value


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_REST = r"(?::[0-9]{1,5})?(?:[/?#][!-~]*)?"  # port, then path/query/fragment: printable ASCII
# A public web address: http(s), a host name with a top-level domain, no spaces or non-ASCII
# (percent-encode those).
WEB_URL = rf"https?://(?:{_LABEL}\.)+[A-Za-z]{{2,63}}{_REST}"
# Any host, a service name such as http://rebuilder:8080/hook included (for webhooks).
SERVICE_URL = rf"https?://{_LABEL}(?:\.{_LABEL})*{_REST}"


def url_pattern(regex: str = WEB_URL, *alternatives: str) -> Pattern:
    either = "|".join((regex, *alternatives))
    return Pattern(f"^(?:{either})$", flags=re.ASCII, error="Not a valid URL.")
