"""Workloads -> SDK profile files (`<config dir>/configs/<rule>.json`).

The layout and keys are the official SDK's (`anthropic.lib.credentials.CredentialsFile`):
a non-secret config file with the `authentication` object (`type: oidc_federation`,
`federation_rule_id`, `service_account_id`, `identity_token: {source: file, path}`) and
top-level `organization_id` and `workspace_id`. No `base_url` is written: the workload's
client decides where it talks, as it would without fedctl. The file holds IDs only, no
secret, so it is written 0644 like the SDK's own; the token stays in the token file.

Both SDKs cache the access token of a profile in `<config dir>/credentials/<profile>.json`
(Python `_credentials_file_path`, TypeScript `getCredentialsPath`) and reuse it until it
expires, so a rewritten profile would keep acting in the old workspace or as the old
service account for up to the token's lifetime. When a profile's content changes, its
cached token is deleted; an unchanged profile keeps it (a single-use identity token may
not allow a second exchange).

    written = write_profiles(Path("~/.config/anthropic"), workloads, token_file="/run/token")
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fedctl.core.errors import UsageError
from fedctl.core.safe_write import SHARED, write_file
from fedctl.output.workloads import Workload

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


@dataclass(frozen=True)
class WrittenProfile:
    path: Path
    # The SDK's cached token deleted because the profile changed, if there was one.
    cleared_cache: Path | None


def write_profiles(
    config_dir: Path, workloads: Sequence[Workload], *, token_file: str
) -> list[WrittenProfile]:
    """Write one profile per rule, each replaced atomically, and clear the cached token
    of each profile whose content changed."""
    if not Path(token_file).is_absolute():
        # The SDK would read a relative path from whatever folder the workload runs in.
        raise UsageError(f"--token-file {token_file}: give an absolute path")
    folder = config_dir / "configs"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for workload in workloads:
        path = folder / f"{workload.rule_name}.json"
        text = json.dumps(profile_document(workload, token_file=token_file), indent=2) + "\n"
        changed = _current_text(path) != text
        _replace(path, text)
        cache = config_dir / "credentials" / f"{workload.rule_name}.json"
        cleared = cache if changed and _clear(cache) else None
        written.append(WrittenProfile(path, cleared))
    return written


def _current_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _clear(cache: Path) -> bool:
    """Delete the cached token (a link itself, never its target); True if one was there."""
    try:
        cache.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise UsageError(
            f"{cache}: the SDK's cached token for this profile could not be deleted "
            f"({exc.strerror}); delete it, or the SDK keeps using the old token until it "
            "expires"
        ) from exc
    return True


def _replace(path: Path, text: str) -> None:
    # NOTE: a new file renamed over the old one: a symlink planted at the target is
    # replaced, never followed, and a reader never sees half a file.
    write_file(path, text, mode=SHARED)
