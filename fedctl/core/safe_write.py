"""The one way fedctl writes a file: a new file in the target's folder, renamed over it.

Every file fedctl writes (saved plans, snapshots, exports, `fmt`, `init`, `schema`,
output profiles, the token cache) goes through `write_file`. Because the content goes to
a new file (created with O_EXCL, so nothing planted is reused) and `rename` replaces the
final path component rather than opening it, a symlink planted at the target is
replaced, never followed: fedctl never writes, truncates or chmods the file a link points
at. A reader sees the old file or the new one, never half of one.

    write_file(Path("plan.json"), text, mode=0o600)
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

PRIVATE = 0o600
SHARED = 0o644


def write_file(path: Path, text: str | bytes, *, mode: int = SHARED) -> None:
    """Write `text` (UTF-8, or bytes as they are) to `path` with `mode`, atomically and
    without following a symlink at `path`. Raises OSError (a folder at `path` included)
    like open() would."""
    if path.is_dir() and not path.is_symlink():
        raise IsADirectoryError(21, "Is a directory", str(path))
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(descriptor, "wb") as stream:
            os.fchmod(stream.fileno(), mode)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise
