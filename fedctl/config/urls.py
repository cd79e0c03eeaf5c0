"""The Admin API's rules for URLs it dials (admin-api.md §5.3), checked offline.

The real service also resolves the host and refuses private addresses; that needs the
network, so this check stops at the shape: https, port 443, a DNS name with at least two
labels, no IP literal, no `localhost` and no obviously private suffix.

    dialled_url_problem("http://idp.example.com")   # 'must use https, not "http"; ...'
"""

from __future__ import annotations

import ipaddress
import json
from urllib.parse import urlsplit

# Suffixes that can never be public DNS names (RFC 6761/6762 and common private zones).
PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


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
    if lowered == "localhost" or lowered.endswith(PRIVATE_SUFFIXES):
        return f"host {host} is not a public DNS name; use a host Anthropic can reach"
    if "." not in lowered:
        return f"host {host} is a single-label name; use a fully qualified public DNS name"
    return None
