"""The live state a read-only command works on: the API, or a `fedctl snapshot` file.

Not a command (COMMANDS does not list it): shared by `output` and `graph`; `plan` uses its
refusal of API options given with --snapshot.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from fedctl.cli.options import ApiSettings

if TYPE_CHECKING:
    from fedctl.core.state import LiveState


def read_live_state(api: ApiSettings, snapshot_path: str | None) -> LiveState:
    """The snapshot's state when one is given (no network, no credential), else the API's."""
    if snapshot_path is not None:
        from fedctl.live.snapshot import read_snapshot

        refuse_api_options(api)
        return read_snapshot(Path(snapshot_path)).state
    from fedctl.live.read import read_live

    with api.open(read_only=True) as client:
        return read_live(client)


def refuse_api_options(api: ApiSettings, *, without_api: str = "reads no API") -> None:
    """--snapshot with an explicit API option is a contradiction the user should hear of."""
    from fedctl.core.errors import UsageError

    ctx = click.get_current_context()
    # ANTHROPIC_BASE_URL in the environment is harmless (never used).
    base_url_given = api.base_url is not None and ctx.get_parameter_source("base_url") not in (
        click.core.ParameterSource.ENVIRONMENT,
        click.core.ParameterSource.DEFAULT,
    )
    conflicting = [
        flag
        for flag, given in (
            ("--local", api.local_state is not None),
            ("--base-url", base_url_given),
            ("--auth-token", api.auth_token is not None),
        )
        if given
    ]
    if conflicting:
        raise UsageError(
            f"--snapshot {without_api}; drop {', '.join(conflicting)} "
            "(or drop --snapshot to read the live organization)"
        )
