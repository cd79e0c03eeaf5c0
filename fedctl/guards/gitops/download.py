"""What a downloaded snapshot artifact may hold before a job reads it.

`actions/download-artifact` unpacks into a folder of the job's choosing ($RUNNER_TEMP,
never the workspace, so nothing lands next to the reviewed configuration). Even there,
the folder must hold exactly one regular file, `snapshot.json`: an artifact with extra
files, folders or a symbolic link is not one the trusted jobs made. When the review
recorded the snapshot's sha256, the file must have exactly that digest.
"""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path

from fedctl.core.errors import FedctlError

SNAPSHOT_FILE = "snapshot.json"
SHA256 = re.compile(r"^[0-9a-f]{64}$")


class UnsafeDownload(FedctlError):
    """The artifact is not one the trusted jobs made; the message says why."""


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def accept_snapshot_download(folder: Path, *, sha256: str | None = None) -> Path:
    """The path of the one regular `snapshot.json` in `folder`; raises UnsafeDownload."""
    if sha256 is not None and not SHA256.match(sha256):
        raise UnsafeDownload(f"--sha256 {sha256!r} is not 64 lowercase hex digits")
    try:
        entries = sorted(entry.name for entry in folder.iterdir())
    except OSError as exc:
        raise UnsafeDownload(f"{folder}: cannot list the download ({exc.strerror})") from exc
    if entries != [SNAPSHOT_FILE]:
        shown = ", ".join(repr(name) for name in entries[:5]) or "nothing"
        raise UnsafeDownload(
            f"{folder}: the artifact must hold exactly one file, {SNAPSHOT_FILE!r}; it holds "
            f"{shown}: not made by this workflow's trusted jobs, nothing was used"
        )
    path = folder / SNAPSHOT_FILE
    if not stat.S_ISREG(path.lstat().st_mode):
        raise UnsafeDownload(f"{path}: not a regular file (a link or a folder): refused")
    if sha256 is not None and (actual := file_sha256(path)) != sha256:
        raise UnsafeDownload(
            f"{path}: sha256 {actual} differs from the reviewed snapshot's {sha256}: "
            "this is not the snapshot the pull request was reviewed against"
        )
    return path
