"""Where webhooks may be sent: public internet addresses only, unless the receivers are on
premises (WEBHOOK_ALLOW_PRIVATE_TARGETS). Otherwise a webhook would make the service call
into its own network: a database's HTTP port, the cloud's metadata at 169.254.169.254.

A host is judged by every address it stands for, read as the resolver reads it (`127.1` and
`2130706433` are loopback), and the sender connects to the very addresses judged: no second
lookup lets DNS answer otherwise in between."""

import ipaddress
import re
import socket
from dataclasses import dataclass

import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# inet_aton's numbers: 0x-hex, 0-octal or decimal (Python's int() would also take "1_0", "+1").
_NUMBER = re.compile(r"0[xX](?P<hex>[0-9A-Fa-f]+)|(?P<oct>0[0-7]*)|(?P<dec>[1-9][0-9]*)")
# NAT64's well-known prefix (RFC 6052): 64:ff9b::a.b.c.d reaches a.b.c.d through a gateway.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class TargetRefused(Exception):
    """A webhook URL whose host does not resolve, or stands for an address that is not public."""


@dataclass(frozen=True)
class Target:
    """A webhook URL and the addresses its host stood for when resolved, to connect to."""

    url: httpx.URL
    addresses: tuple[Address, ...]

    @property
    def is_named(self) -> bool:
        """True when the host is a name (to present in TLS SNI), not an IP literal."""
        return _literal(self.url.host) is None


def _number(part: str) -> int | None:
    if (number := _NUMBER.fullmatch(part)) is None:
        return None
    if number["hex"] is not None:
        return int(number["hex"], 16)
    return int(part, 8 if number["oct"] else 10)


def ipv4_literal(host: str) -> ipaddress.IPv4Address | None:
    """The address inet_aton (and so getaddrinfo) reads in `host`: one to four numbers
    separated by dots, each decimal, 0x-hex or 0-octal, the last filling the bytes left
    ("127.1", "2130706433", "0x7f000001", "017700000001" are all 127.0.0.1)."""
    numbers = [_number(part) for part in host.split(".")]
    if None in numbers:
        return None
    *leading, last = numbers
    if len(numbers) > 4 or any(n > 0xFF for n in leading) or last >= 1 << 8 * (5 - len(numbers)):
        return None
    value = last
    for position, number in enumerate(leading):
        value |= number << 8 * (3 - position)
    return ipaddress.IPv4Address(value)


def _literal(host: str) -> Address | None:
    """The address `host` spells, if it is an IP literal (httpx gives IPv6 without brackets)."""
    if (ipv4 := ipv4_literal(host)) is not None:
        return ipv4
    try:
        return ipaddress.IPv6Address(host)
    except ValueError:
        return None


def is_public(address: Address) -> bool:
    """Globally reachable unicast. An IPv6 address standing for an IPv4 one (::ffff:a.b.c.d,
    NAT64, 6to4) is judged as that one."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64:
            return is_public(ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF))
        if (embedded := address.ipv4_mapped or address.sixtofour) is not None:
            return is_public(embedded)
    return address.is_global and not (address.is_multicast or address.is_reserved)


def resolve(url: str) -> Target:
    """`url` with every address its host stands for: the literal itself, or what DNS answers
    now. TargetRefused if it does not resolve."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise TargetRefused("Not a valid URL.") from error
    if (literal := _literal(parsed.host)) is not None:
        return Target(parsed, (literal,))
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        answers = socket.getaddrinfo(parsed.host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise TargetRefused(f"The host {parsed.host} does not resolve.") from error
    addresses = dict.fromkeys(ipaddress.ip_address(sockaddr[0]) for *_, sockaddr in answers)
    return Target(parsed, tuple(addresses))


def check(target: Target) -> Target:
    """`target` if every address it stands for is public; TargetRefused if any is not (a name
    answering a public and a private address could be made to reach either)."""
    if all(is_public(address) for address in target.addresses):
        return target
    host = target.url.host
    if not target.is_named:
        raise TargetRefused(f"{host} is not a public internet address.")
    # Which address, and what it is, stays unsaid: that would map internal names.
    raise TargetRefused(f"The host {host} resolves to an address that is not public.")
