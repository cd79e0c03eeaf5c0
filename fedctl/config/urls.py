"""The Admin API's rules for URLs it dials (docs/admin-api.md §5.3), checked offline.

The real service also resolves the host and refuses private addresses; that needs the
network, so this check stops at the shape: https, port 443, no user name or password, a
plain ASCII DNS name with at least two labels, no IP address in any notation, no
`localhost`, a name under a public suffix of the Public Suffix List (`.svc`, `.corp`,
`.home`, `.lan` are none), and no wildcard-DNS name that embeds an IP address
(`127.0.0.1.nip.io`, `10-0-0-1.sslip.io`), since those resolve to any address an
attacker writes into them.

The list is the copy bundled with the `publicsuffixlist` package (updated with each of
its releases); nothing is fetched at run time. `.example` (RFC 2606, reserved for
documentation) is accepted so that documentation and tests can use it; it never resolves.

NOTE: a URL's user name and password are never shown: every message quotes the URL with
its userinfo replaced by `***`.

NOTE: URL parsers disagree about hosts. The WHATWG parser (browsers, many HTTP stacks)
reads a host whose last label is a number as IPv4, in decimal, octal or hex and with
fewer than four parts: `0x7f.0.0.1`, `0177.0.0.1`, `127.1` and `2130706433` are all
loopback. Such hosts are normalised the same way here and refused as IP addresses, and
anything outside lower-case letters, digits, `-` and `.` (percent escapes, Unicode that
IDNA would fold into digits) is refused rather than guessed at.

    dialled_url_problem("http://idp.example.com")   # 'must use https, not "http"; ...'
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
from typing import Any
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
DOCUMENTATION_SUFFIX = "example"  # RFC 2606: reserved for examples, never public
# Wildcard-DNS services: `<anything with an IP>.<service>` resolves to that IP.
WILDCARD_DNS_DOMAINS = frozenset(
    {
        "nip.io", "sslip.io", "xip.io", "traefik.me", "localtest.me", "lvh.me", "vcap.me",
        "lacolhost.com", "localho.st", "fuf.me",
    }
)  # fmt: skip
_USERINFO = re.compile(r"(?<=//)[^/?#]*@")
_DASHED_IPV4 = re.compile(r"(?:^|[^0-9])(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})(?:$|[^0-9])")
_HEX_IPV4 = re.compile(r"^[0-9a-f]{8}$")


def dialled_url_problem(url: str) -> str | None:
    """Why Anthropic would refuse to dial `url`, or None when it has an acceptable shape."""
    example = 'e.g. "https://idp.example.com"'
    shown = json.dumps(without_userinfo(url))
    if any(char.isspace() for char in url):
        return f"{shown} contains whitespace; {example}"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return f"{shown} is not a valid URL; {example}"
    if parts.scheme != "https":
        return f'must use https, not "{parts.scheme or "no scheme"}"; {example}'
    if "@" in parts.netloc:
        return f"{shown} holds a user name or password; drop the part before '@'"
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return f"{shown} has no host name; {example}"
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
    return _public_suffix_problem(lowered) or _wildcard_dns_problem(lowered)


def without_userinfo(url: str) -> str:
    """`url` with any user name and password replaced by `***` (for messages)."""
    return _USERINFO.sub("***@", url, count=1)


def _public_suffix_problem(host: str) -> str | None:
    if host.rsplit(".", 1)[-1] == DOCUMENTATION_SUFFIX:
        return None
    registrable = _public_suffix_list().privatesuffix(host)
    if registrable is not None:
        return None
    tld = host.rsplit(".", 1)[-1]
    if _public_suffix_list().publicsuffix(host) is None:
        return (
            f"host {host} is not a public DNS name (.{tld} is no public suffix); use a host "
            "Anthropic can reach"
        )
    return f"host {host} is a public suffix itself, not a host; use your own host name"


def _wildcard_dns_problem(host: str) -> str | None:
    registrable = _public_suffix_list().privatesuffix(host) or host
    embedded = _embedded_ipv4(host.removesuffix(registrable).rstrip("."))
    if registrable in WILDCARD_DNS_DOMAINS:
        shown = f" (it embeds {embedded})" if embedded else ""
        return (
            f"host {host} is a wildcard-DNS name{shown}: {registrable} resolves a name to any "
            "address written into it; use the identity provider's own host name"
        )
    if embedded is not None and not embedded.is_global:
        return (
            f"host {host} embeds the private address {embedded}, the pattern of wildcard "
            "DNS; use the identity provider's own host name"
        )
    return None


def _embedded_ipv4(labels: str) -> ipaddress.IPv4Address | None:
    """An IPv4 address written into host labels: `127.0.0.1.`, `127-0-0-1`, `7f000001`."""
    parts = labels.split(".")
    for start in range(len(parts) - 3):
        address = _ipv4_or_none(".".join(parts[start : start + 4]))
        if address is not None:
            return address
    for part in parts:
        dashed = _DASHED_IPV4.search(part)
        if dashed is not None:
            address = _ipv4_or_none(".".join(dashed.groups()))
            if address is not None:
                return address
        if _HEX_IPV4.match(part):
            return ipaddress.IPv4Address(int(part, 16))
    return None


def _ipv4_or_none(text: str) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        return None


@functools.cache
def _public_suffix_list() -> Any:
    # Imported here: loading the bundled list takes ~50 ms, paid only by URL checks.
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(accept_unknown=False)


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
