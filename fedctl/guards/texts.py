"""What a source says about its guard files: each policy file's text and each access-test
case, read with the same bounded loaders as the configuration.

`origin` names the source a text came from; it takes no part in comparisons, so the same
policy read from main and from the pull request is one policy.

    view = view_of(config, tests=(Path("security.access-test.yaml"),), origin="configuration")
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from fedctl.config.modelfile import MAX_FILE_BYTES
from fedctl.config.validated import Config


@dataclass(frozen=True, order=True)
class PolicyText:
    """One entry of settings.policy_files, as written there, and the file's text (None:
    the file is missing)."""

    file: str
    text: str | None
    origin: str = field(default="", compare=False)


@dataclass(frozen=True, order=True)
class CaseText:
    """One access-test case: its name and its definition as canonical JSON."""

    name: str
    definition: str
    origin: str = field(default="", compare=False)


@dataclass(frozen=True)
class ConfigView:
    """A loaded configuration with the guard files it names, as one source of guards."""

    config: Config
    policies: tuple[PolicyText, ...]
    cases: tuple[CaseText, ...]
    origin: str


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def config_folder(config: Config) -> Path:
    return config.root if config.root.is_dir() else config.root.parent


def view_of(config: Config, *, tests: tuple[Path, ...] = (), origin: str) -> ConfigView:
    """The configuration's guard files, read from disk (policy files relative to its folder,
    access tests under it plus `tests`)."""
    root = config_folder(config)
    policies = tuple(
        PolicyText(name, read_bounded(root / name), origin) for name in config.settings.policy_files
    )
    return ConfigView(config, policies, read_cases(config.root, tests, origin), origin)


def read_bounded(path: Path) -> str | None:
    """The file's text, None when it is missing; a file too large or not UTF-8 is kept as
    a marker so it still differs from every real policy (the loader then names the error)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return f"<unreadable: over {MAX_FILE_BYTES} bytes>"
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return "<unreadable>"


def read_cases(root: Path, tests: tuple[Path, ...], origin: str) -> tuple[CaseText, ...]:
    """Every access-test case under `root` and in `tests` (ValidationFailed on a bad file)."""
    from fedctl.guards.accesstest.run import access_test_files, load_cases

    files = [*access_test_files(root), *tests]
    if not files:
        return ()
    return tuple(
        CaseText(loaded.case.name, canonical(loaded.case.model_dump(mode="json")), origin)
        for loaded in load_cases(files)
    )
