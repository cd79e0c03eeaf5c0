"""Which configuration files PATH names, in what order (the first step of loading).

discover_files(Path("prod"))   # [prod/issuers.yaml, prod/rules/deploy.yaml.j2, ...]
"""

from __future__ import annotations

import re
from pathlib import Path

from fedctl.config.skipped import is_reserved
from fedctl.core.errors import ConfigError, Diagnostic

CONFIG_SUFFIXES = (".yaml", ".yml", ".yaml.j2", ".yml.j2")
# Without PATH: this folder when it exists, else the path written in POINTER_FILE.
DEFAULT_FOLDER = "federation"
POINTER_FILE = ".fedctl-config"
# YAML files a repository root often holds that are never fedctl configuration.
_FOREIGN_FILES = {
    "action.yml": "the metadata of a GitHub Action",
    "action.yaml": "the metadata of a GitHub Action",
}


def default_path(cwd: Path | None = None) -> str:
    """What PATH means when it is not given (docs/configuration-discovery.md).

    The current folder is the default only when it is the configuration folder itself
    (`cd federation && fedctl plan`, as Terraform users work): it is not a repository
    root (no `.git`) and a file directly in it starts a fedctl configuration
    (`version: 1`). A repository root holds workflows, action metadata, hooks and test
    data in YAML, none of which is configuration.
    """
    here = cwd or Path.cwd()
    if (here / DEFAULT_FOLDER).is_dir():
        return DEFAULT_FOLDER
    pointer = here / POINTER_FILE
    if pointer.is_file():
        return _read_pointer(pointer)
    if _is_configuration_folder(here):
        return "."
    message = (
        "no configuration given: pass PATH (a YAML file or folder), create a "
        f"{DEFAULT_FOLDER}/ folder, or write the folder's path in {POINTER_FILE}"
    )
    raise ConfigError(Diagnostic(None, "", message, code="no-configuration"))


_VERSION_LINE = re.compile(r"^version:\s*1\s*(#.*)?$", re.MULTILINE)
# Only the start of a file is read: `version: 1` opens a configuration file.
_HEAD_CHARS = 4096


def _is_configuration_folder(folder: Path) -> bool:
    if (folder / ".git").exists():
        return False
    try:
        candidates = sorted(folder.iterdir())
    except OSError:
        return False
    for candidate in candidates:
        if candidate.name.startswith(".") or candidate.name in _FOREIGN_FILES:
            continue
        if not is_config_file(candidate) or not candidate.is_file():
            continue
        try:
            with candidate.open(encoding="utf-8", errors="replace") as handle:
                head = handle.read(_HEAD_CHARS)
        except OSError:
            continue
        if _VERSION_LINE.search(head):
            return True
    return False


def _read_pointer(pointer: Path) -> str:
    try:
        lines = pointer.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
        problem = "cannot be read as UTF-8 text"
    else:
        problem = "is empty"
    target = lines[0].strip() if lines else ""
    if not target:
        message = (
            f"{POINTER_FILE}: {problem}; write the configuration folder's path on its first line"
        )
        raise ConfigError(Diagnostic(None, "", message, code="no-configuration"))
    return target


def is_config_file(path: Path) -> bool:
    return path.name.endswith(CONFIG_SUFFIXES)


ACCESS_TEST_SUFFIXES = (".access-test.yaml", ".access-test.yml")


def is_template(path: Path) -> bool:
    return path.name.endswith(".j2")


def discover_files(path: Path) -> list[Path]:
    """PATH itself when it is a file; else every config file below it, sorted by relative path.

    Hidden folders and files (`.git`, `.fedctl`, `.pre-commit-hooks.yaml`, ...) are
    skipped, so a checkout's metadata and fedctl's own state never load as configuration;
    a GitHub Action's `action.yml` found in a folder is an error, never loaded silently.
    """
    if path.is_file():
        return [path]
    if not path.is_dir():
        problem = (
            "is not a regular file or folder" if path.exists() else "no such file or directory"
        )
        message = f"{path}: {problem}; give a YAML file or a folder"
        raise ConfigError(Diagnostic(None, "", message, code="no-configuration"))
    found = [
        candidate
        for candidate in path.rglob("*")
        if candidate.is_file()
        and is_config_file(candidate)
        and not _hidden(candidate.relative_to(path))
        # Access tests live beside the configuration but are read by `fedctl test`;
        # policy and variable files by `fedctl policy`/`plan` and --var-file.
        and not candidate.name.endswith(ACCESS_TEST_SUFFIXES)
        and not is_reserved(candidate)
    ]
    _refuse_foreign(found, path)
    if not found:
        suffixes = ", ".join(f"*{suffix}" for suffix in CONFIG_SUFFIXES)
        message = f"{path}: no configuration files ({suffixes})"
        raise ConfigError(Diagnostic(None, "", message, code="no-configuration"))
    return sorted(found, key=lambda candidate: candidate.relative_to(path).as_posix())


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _refuse_foreign(found: list[Path], root: Path) -> None:
    for candidate in sorted(found):
        what = _FOREIGN_FILES.get(candidate.name)
        if what is not None:
            message = (
                f"{candidate}: {what}, not fedctl configuration; give the configuration "
                "folder as PATH"
            )
            raise ConfigError(Diagnostic(None, "", message, code="not-configuration"))
