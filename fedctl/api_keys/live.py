"""The API keys a plan works on: read only when the configuration manages them.

A plan never runs on an unknown set of keys: when `api_keys.manage` is true the keys are
read (a refusal stops the command, `read_keys`), and a snapshot without keys is refused.

    live = with_managed_keys(config, live, client=client)
"""

from __future__ import annotations

from fedctl.api.client import AdminClient
from fedctl.api.wire import ApiKey
from fedctl.config.validated import Config
from fedctl.core.errors import UsageError
from fedctl.core.state import LiveApiKey, LiveState


def manages_keys(config: Config) -> bool:
    return config.api_keys is not None and config.api_keys.manage


def live_api_key(key: ApiKey) -> LiveApiKey:
    return LiveApiKey(
        id=key.id,
        name=key.name,
        status=key.status,
        workspace_id=key.workspace,
        partial_key_hint=key.partial_key_hint,
        created_at=key.created_at,
        expires_at=key.expires_at,
    )


def read_live_keys(client: AdminClient) -> tuple[LiveApiKey, ...]:
    from fedctl.api_keys.inventory import read_keys

    return tuple(live_api_key(key) for key in read_keys(client))


def with_managed_keys(
    config: Config, live: LiveState, *, client: AdminClient | None, from_snapshot: bool = False
) -> LiveState:
    """`live` with its API keys when the configuration manages them; else unchanged."""
    if not manages_keys(config):
        return live
    if from_snapshot or client is None:
        if live.api_keys is None:
            raise UsageError(
                "api_keys.manage is true but the snapshot holds no API keys, so the keys "
                "to deactivate are unknown; take the snapshot with `fedctl snapshot PATH` "
                "of this configuration"
            )
        return live
    return live.model_copy(update={"api_keys": read_live_keys(client)})
