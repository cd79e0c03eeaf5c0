"""Workloads -> SDK profile files (`<config dir>/configs/<rule>.json`).

The layout and keys are the official SDK's (`anthropic.lib.credentials.CredentialsFile`):
a non-secret config file with the `authentication` object (`type: oidc_federation`,
`federation_rule_id`, `service_account_id`, `identity_token: {source: file, path}`) and
top-level `organization_id` and `workspace_id`. No `base_url` is written: the workload's
client decides where it talks, as it would without fedctl. The file holds IDs only, no
secret, so it is written 0644 like the SDK's own; the token stays in the token file.

    paths = write_profiles(Path("~/.config/anthropic"), workloads, token_file="/run/token")
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fedctl.errors import UsageError
from fedctl.output.workloads import Workload
from fedctl.safe_write import SHARED, write_file

CONFIG_FILE_VERSION = "1.0"


def profile_document(workload: Workload, *, token_file: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "version": CONFIG_FILE_VERSION,
        "organization_id": workload.organization_id,
        "authentication": {
            "type": "oidc_federation",
            "federation_rule_id": workload.federation_rule_id,
            "service_account_id": workload.service_account_id,
            "identity_token": {"source": "file", "path": token_file},
        },
    }
    if workload.workspace_id is not None:
        document["workspace_id"] = workload.workspace_id
    return document


def write_profiles(
    config_dir: Path, workloads: Sequence[Workload], *, token_file: str
) -> list[Path]:
    """Write one profile per rule, each replaced atomically; returns the paths."""
    if not Path(token_file).is_absolute():
        # The SDK would read a relative path from whatever folder the workload runs in.
        raise UsageError(f"--token-file {token_file}: give an absolute path")
    folder = config_dir / "configs"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for workload in workloads:
        path = folder / f"{workload.rule_name}.json"
        text = json.dumps(profile_document(workload, token_file=token_file), indent=2) + "\n"
        _replace(path, text)
        written.append(path)
    return written


def _replace(path: Path, text: str) -> None:
    # NOTE: a new file renamed over the old one: a symlink planted at the target is
    # replaced, never followed, and a reader never sees half a file.
    write_file(path, text, mode=SHARED)
