"""Which base URLs fedctl talks to: https anywhere, plain http to loopback only."""

from __future__ import annotations

import ipaddress
import re

import httpx

from fedctl.core.errors import UsageError


def check_base_url(url: str) -> str:
    """The base URL without a trailing slash; https, or plain http to loopback only."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        # The URL is shown without user info: it may hold a password.
        shown = re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", r"\1***@", url)
        reason = str(exc).replace(url, shown)
        raise UsageError(
            f"base URL {shown!r} is not a URL ({reason}); give one like https://api.anthropic.com"
        ) from None
    if parsed.userinfo:
        raise UsageError("base URL must not carry a user name or password")
    if parsed.scheme == "http" and not is_loopback_host(parsed.host):
        raise UsageError(
            f"base URL {url!r} uses plain http; only https is allowed, except to loopback "
            "(127.0.0.0/8, localhost, ::1) for a local emulator"
        )
    if parsed.scheme not in {"http", "https"} or not parsed.host:
        raise UsageError(f"base URL {url!r} must be an https:// URL with a host")
    return str(parsed).rstrip("/")


def is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
