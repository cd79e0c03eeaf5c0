"""Which configuration files PATH names, in what order (the first step of loading).

discover_files(Path("prod"))   # [prod/issuers.yaml, prod/rules/deploy.yaml.j2, ...]
"""

from __future__ import annotations

from pathlib import Path

from fedctl.errors import ConfigError, Diagnostic

CONFIG_SUFFIXES = (".yaml", ".yml", ".yaml.j2", ".yml.j2")


def is_config_file(path: Path) -> bool:
    return path.name.endswith(CONFIG_SUFFIXES)


def is_template(path: Path) -> bool:
    return path.name.endswith(".j2")


def discover_files(path: Path) -> list[Path]:
    """PATH itself when it is a file; else every config file below it, sorted by relative path.

    Hidden folders (`.git`, `.fedctl`, ...) are skipped, so a checkout's metadata and
    fedctl's own state never load as configuration.
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
        and not _under_hidden_folder(candidate.relative_to(path))
    ]
    if not found:
        suffixes = ", ".join(f"*{suffix}" for suffix in CONFIG_SUFFIXES)
        message = f"{path}: no configuration files ({suffixes})"
        raise ConfigError(Diagnostic(None, "", message, code="no-configuration"))
    return sorted(found, key=lambda candidate: candidate.relative_to(path).as_posix())


def _under_hidden_folder(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts[:-1])
