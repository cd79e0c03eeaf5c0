"""Open an AdminClient the way every command does: credential chain, base URL, TLS.

with open_client(base_url=None, auth_token=None) as client:
    organization = resources.get_organization(client)
"""

from __future__ import annotations

import contextlib
import os
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import httpx

from fedctl.api.auth import build_auth
from fedctl.api.client import (
    ATTEMPT_TIMEOUT,
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT_SECONDS,
    AdminClient,
    RetryPolicy,
    check_base_url,
    clip_timeout,
)
from fedctl.api.credentials import Credential, resolve_credential


@contextlib.contextmanager
def open_client(
    *,
    base_url: str | None,
    auth_token: str | None,
    parallelism: int = 8,
    read_only: bool = False,
    environ: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> Iterator[AdminClient]:
    """An AdminClient for the credential the chain resolves.

    `base_url` is `--base-url` (click already folds in ANTHROPIC_BASE_URL); a profile's
    base_url applies only when it is None (docs/admin-api.md §1.1). `timeout` bounds every API
    call, retries included, and the token exchange.
    """
    env = os.environ if environ is None else environ
    limits = Limits(parallelism=parallelism, read_only=read_only, timeout=timeout)
    credential = resolve_credential(auth_token=auth_token, environ=env)
    chosen = check_base_url(
        base_url or env.get("ANTHROPIC_BASE_URL") or credential.base_url or DEFAULT_BASE_URL
    )
    with client_for(credential, chosen, env, limits) as client:
        yield client


@dataclass(frozen=True)
class Limits:
    """How a command's client behaves: concurrency, read-only, the time bound of a call."""

    parallelism: int
    read_only: bool
    timeout: float


@contextlib.contextmanager
def client_for(
    credential: Credential, base_url: str, environ: Mapping[str, str], limits: Limits
) -> Iterator[AdminClient]:
    """An AdminClient for a credential already chosen (the bundled emulator's, for one)."""
    attempt_timeout = clip_timeout(ATTEMPT_TIMEOUT, limits.timeout)
    tls = tls_context(base_url)
    # The exchange goes to the profile's base_url when it has one (§7.8), held to the same
    # scheme rules as the API's: https, or http to loopback only.
    token_base_url = check_base_url(credential.base_url) if credential.base_url else base_url
    token_tls = tls if token_base_url == base_url else tls_context(token_base_url)
    # The exchange has its own small client: it must not carry the API's auth flow.
    with httpx.Client(timeout=attempt_timeout, verify=token_tls) as exchange_http:
        auth = build_auth(credential, base_url=base_url, http=exchange_http, environ=environ)
        client = AdminClient(
            base_url=base_url,
            auth=auth,
            parallelism=limits.parallelism,
            read_only=limits.read_only,
            credential=credential,
            retry=RetryPolicy(max_total_seconds=limits.timeout),
            timeout=attempt_timeout,
            tls=tls,
        )
        with client:
            yield client


def tls_context(base_url: str) -> ssl.SSLContext:
    """One TLS context for both clients of a command: loading the CA bundle costs ~30 ms.

    Both clients talk only to `base_url` and follow no redirects. Plain http is allowed to
    loopback only (`check_base_url`), where no TLS is ever spoken, so the CA bundle is not
    loaded at all: a verifying context that trusts no CA stands in and would fail closed.
    Otherwise it is httpx's own default (certifi, SSL_CERT_FILE / SSL_CERT_DIR honoured).
    """
    if httpx.URL(base_url).scheme == "http":
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED, check_hostname
    return httpx.create_ssl_context()
