"""Writes exported files into a directory, refusing one that already holds configuration.

The loader merges every `*.yaml`/`*.yml`(`.j2`) file below a directory, so exporting
next to existing files would declare resources twice; an empty or new directory is
required instead.

Usage:
    written = write_files(Path("exported"), render_files(export))
"""

from __future__ import annotations

from pathlib import Path

from fedctl.core.errors import UsageError
from fedctl.core.safe_write import write_file

CONFIG_SUFFIXES = (".yaml", ".yml", ".yaml.j2", ".yml.j2")


def write_files(directory: Path, files: dict[str, str]) -> list[Path]:
    """Create `directory` if needed and write each file; return the paths written."""
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"--out {directory}: is a file; give a directory")
    existing = _configuration_files(directory)
    if existing:
        listed = ", ".join(str(path) for path in existing[:3])
        more = f" and {len(existing) - 3} more" if len(existing) > 3 else ""
        raise UsageError(
            f"--out {directory}: already holds configuration files ({listed}{more}); "
            "export into an empty or new directory, then move the files you want"
        )
    try:
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in sorted(files.items()):
            path = directory / name
            write_file(path, text)
            written.append(path)
    except OSError as exc:
        raise UsageError(f"--out {directory}: cannot write: {exc.strerror or exc}") from exc
    return written


def _configuration_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(
        path
        for path in directory.rglob("*")
        if path.is_file() and path.name.endswith(CONFIG_SUFFIXES)
    )
