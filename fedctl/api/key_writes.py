"""Switching a static API key off (docs/admin-api.md §9.1): the one key write fedctl makes.

fedctl never archives a key (terminal) and never re-activates one. Setting a status is
idempotent, so an unknown outcome is settled by reading the key back.

Who may call the key endpoints is open (§9.3): with `ANTHROPIC_ADMIN_API_KEY` set, these
calls use that Admin API key instead of the command's credential; it is read for these
endpoints only and never printed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from fedctl.api import wire
from fedctl.api.client import AdminClient
from fedctl.api.readback import resend_until_known
from fedctl.api.resources import API_KEYS, parse_reply, segment
from fedctl.api.secret import SecretStr

ADMIN_KEY_VARIABLE = "ANTHROPIC_ADMIN_API_KEY"
INACTIVE = "inactive"


@contextlib.contextmanager
def key_client(client: AdminClient, *, read_only: bool) -> Iterator[AdminClient]:
    """The client for the key endpoints: the Admin API key's when one is set."""
    admin_key = os.environ.get(ADMIN_KEY_VARIABLE)
    if not admin_key:
        yield client
        return
    from fedctl.api.auth import AdminApiKeyAuth
    from fedctl.api.connect import tls_context

    with AdminClient(
        base_url=client.base_url,
        auth=AdminApiKeyAuth(SecretStr(admin_key)),
        read_only=read_only,
        tls=tls_context(client.base_url),
    ) as keyed:
        yield keyed


def deactivate_api_key(client: AdminClient, key_id: str) -> wire.ApiKey:
    path = f"{API_KEYS}/{segment(key_id)}"
    resource = f"API key {key_id}"

    def send() -> wire.ApiKey:
        data = client.request(
            "POST", path, json={"status": INACTIVE}, resource=resource, resend_safe=True
        )
        return parse_reply(client, wire.ApiKey, data, what="API key")

    def read() -> wire.ApiKey:
        data = client.request("GET", path, resource=resource)
        return parse_reply(client, wire.ApiKey, data, what="API key")

    return resend_until_known(
        client,
        send,
        read,
        lambda key: key.status == INACTIVE,
        resource=resource,
        action="deactivate",
    )
