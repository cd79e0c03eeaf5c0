"""The Admin API's rules for URLs it dials (admin-api.md §5.3), checked offline.

The real service also resolves the host and refuses private addresses; that needs the
network, so this check stops at the shape: https, port 443, no user name or password, a
plain ASCII DNS name with at least two labels, no IP address in any notation, no
`localhost` and no obviously private suffix.

NOTE: URL parsers disagree about hosts. The WHATWG parser (browsers, many HTTP stacks)
reads a host whose last label is a number as IPv4, in decimal, octal or hex and with
fewer than four parts: `0x7f.0.0.1`, `0177.0.0.1`, `127.1` and `2130706433` are all
loopback. Such hosts are normalised the same way here and refused as IP addresses, and
anything outside lower-case letters, digits, `-` and `.` (percent escapes, Unicode that
IDNA would fold into digits) is refused rather than guessed at.

    dialled_url_problem("http://idp.example.com")   # 'must use https, not "http"; ...'
"""

from __future__ import annotations

import ipaddress
import json
import re
from urllib.parse import urlsplit

# Suffixes that can never be public DNS names (RFC 6761/6762 and common private zones).
PRIVATE_SUFFIXES = (
    ".localhost",
    ".local",
    ".localdomain",
    ".internal",
    ".lan",
    ".home.arpa",
)
_DNS_NAME = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*$")
_NUMBER = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


def dialled_url_problem(url: str) -> str | None:
    """Why Anthropic would refuse to dial `url`, or None when it has an acceptable shape."""
    example = 'e.g. "https://idp.example.com"'
    if any(char.isspace() for char in url):
        return f"{json.dumps(url)} contains whitespace; {example}"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return f"{json.dumps(url)} is not a valid URL; {example}"
    if parts.scheme != "https":
        return f'must use https, not "{parts.scheme or "no scheme"}"; {example}'
    if "@" in parts.netloc:
        return f"{json.dumps(url)} holds a user name or password; drop the part before '@'"
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return f"{json.dumps(url)} has no host name; {example}"
    if port not in (None, 443):
        return f"must use port 443 (Anthropic dials only 443), not {port}; drop the port"
    return _host_problem(host)


def _host_problem(host: str) -> str | None:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return f"host {host} is an IP literal; use a public DNS host name"
    lowered = host.lower()
    if not _DNS_NAME.match(lowered):
        return f"host {host} is not a plain DNS name; write it in ASCII (punycode for IDN)"
    address = whatwg_ipv4(lowered)
    if address is not None:
        return f"host {host} is an IP address ({address}); use a public DNS host name"
    if lowered == "localhost" or lowered.endswith(PRIVATE_SUFFIXES):
        return f"host {host} is not a public DNS name; use a host Anthropic can reach"
    if "." not in lowered:
        return f"host {host} is a single-label name; use a fully qualified public DNS name"
    return None


def whatwg_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a WHATWG URL parser reads `host` as, when its last label is a
    number (1-4 parts, each decimal, 0-prefixed octal or 0x hex); else None."""
    labels = host.split(".")
    if not _NUMBER.match(labels[-1]) or len(labels) > 4:
        return None
    try:
        numbers = [_ipv4_number(label) for label in labels]
    except ValueError:
        return None
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for index, number in enumerate(leading):
        value += number * 256 ** (3 - index)
    return ipaddress.IPv4Address(value)


def _ipv4_number(label: str) -> int:
    if label.startswith("0x"):
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        return int(label, 8)
    return int(label, 10)
