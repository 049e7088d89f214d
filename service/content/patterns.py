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


def _ipv6_address() -> str:
    """RFC 3986's IPv6address: eight groups of hex digits, the last two perhaps an IPv4
    address, or fewer groups around one "::" standing for the missing zeros."""
    h16 = "[0-9A-Fa-f]{1,4}"
    octet = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
    ls32 = rf"(?:{h16}:{h16}|{octet}(?:\.{octet}){{3}})"
    forms = [rf"(?:{h16}:){{6}}{ls32}"]
    for after in range(8):  # groups after the "::"; at most 7 - after before it
        before = rf"(?:{h16}(?::{h16}){{0,{6 - after}}})?" if after < 7 else ""
        rest = {0: "", 1: h16}.get(after, rf"(?:{h16}:){{{after - 2}}}{ls32}")
        forms.append(rf"{before}::{rest}")
    return "|".join(forms)


# An IPv6 literal in brackets, e.g. https://[2606:4700::1111]/hook (for webhooks).
IPV6_URL = rf"https?://\[(?:{_ipv6_address()})\]{_REST}"


def url_pattern(regex: str = WEB_URL, *alternatives: str) -> Pattern:
    either = "|".join((regex, *alternatives))
    return Pattern(f"^(?:{either})$", flags=re.ASCII, error="Not a valid URL.")
