"""`--local`: plan and apply against the bundled emulator, started in this process.

The emulator is a development tool the CLI offers; the API client knows nothing of it and
is handed the emulator's address and admin token like any other endpoint's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from fedctl.api.client import AdminClient
from fedctl.api.connect import Limits, client_for
from fedctl.api.credentials import Credential
from fedctl.api.secret import SecretStr
from fedctl.core.errors import UsageError
from fedctl.core.safe_write import write_file

LOCAL_WORKSPACES = ("production", "staging")
# What `.fedctl/.gitignore` holds: the local state is scratch, never configuration.
_IGNORE_EVERYTHING = "*\n"


@contextlib.contextmanager
def open_local_client(
    state: str, workspaces: tuple[str, ...], limits: Limits
) -> Iterator[AdminClient]:
    """An AdminClient on a fresh in-process emulator keeping its state in `state`."""
    from fedctl.emulator.db import EmulatorStateError
    from fedctl.emulator.server import start_emulator

    _prepare_state_folder(Path(state))
    try:
        emulator = start_emulator(state_path=state, workspaces=workspaces or LOCAL_WORKSPACES)
    except EmulatorStateError as exc:
        reason = str(exc).removeprefix(f"{state}: ")
        raise UsageError(
            f"--local-state {state}: {reason}; give the path of a state file, new or made "
            "by --local"
        ) from None
    try:
        credential = Credential(
            source=f"bundled emulator ({state})",
            kind="token",
            token=SecretStr(emulator.admin_token),
        )
        with client_for(credential, emulator.base_url, {}, limits) as client:
            yield client
    finally:
        emulator.stop()


def _prepare_state_folder(state: Path) -> None:
    """Create the state's folder; a `.fedctl` folder gets a .gitignore of everything.

    Only `.fedctl` (the default's folder) is fedctl's own: a .gitignore written into a
    folder the user chose could hide their files from Git.
    """
    folder = state.parent
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if folder.name == ".fedctl" and not ignore.exists():
        write_file(ignore, _IGNORE_EVERYTHING)
