"""Files below the configuration folder that are not configuration: which to leave out.

A security team keeps its policy files, and a pipeline its variable files, next to the
configuration. Loading them as configuration failed with "unknown key policies". So:

- reserved suffixes: `*.policy.yaml`, `*.policy.yml`, `*.vars.yaml`, `*.vars.yml` are
  never configuration (discover_files leaves them out, like `*.access-test.yaml`);
- every file `settings.policy_files` names (relative to the configuration folder) and
  every `--var-file` is left out, whatever its name.

`settings.policy_files` is read from the raw parsed data of the files, before any of
them is validated, so a policy file is never validated as configuration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

RESERVED_SUFFIXES = (".policy.yaml", ".policy.yml", ".vars.yaml", ".vars.yml")


def is_reserved(path: Path) -> bool:
    return path.name.endswith(RESERVED_SUFFIXES)


def named_policy_files(root: Path, documents: Iterable[object]) -> set[Path]:
    """The files any document's `settings.policy_files` names, resolved."""
    base = root if root.is_dir() else root.parent
    named: set[Path] = set()
    for document in documents:
        settings = document.get("settings") if isinstance(document, dict) else None
        entries = settings.get("policy_files") if isinstance(settings, dict) else None
        if not isinstance(entries, list):
            continue
        named.update(_resolved(base / entry) for entry in entries if isinstance(entry, str))
    return named


def var_file_paths(var_files: Sequence[str]) -> set[Path]:
    return {_resolved(Path(name)) for name in var_files}


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def keep(files: Sequence[Path], skipped: set[Path]) -> list[Path]:
    """`files` without those in `skipped` (compared resolved); PATH itself is never dropped."""
    return [file for file in files if _resolved(file) not in skipped]
