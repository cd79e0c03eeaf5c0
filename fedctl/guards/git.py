"""Files of the configuration as they are at a git revision, read through git only.

`--guards-from REF` must not read the working tree (the pull request's files): the
folder is listed with `git ls-tree` and each blob read with `git cat-file`, then written
to a private temporary folder that the usual (bounded) loaders read. Only regular files
are copied (no symlinks, no submodules), within a count and a size bound; REF and every
path go to git after `--end-of-options`/`--`, never as an option.

    tree = GitTree.at("origin/main", Path("federation"))
    tree.folder                      # the configuration folder's copy
    tree.read("policies/base.yaml")  # one more file of the same revision, or None
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from fedctl.core.errors import UsageError
from fedctl.core.safe_write import PRIVATE, write_file

MAX_FILES = 2000
MAX_FILE_BYTES = 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
GIT_TIMEOUT_SECONDS = 60
_REGULAR_MODES = ("100644", "100755")


@dataclass(frozen=True)
class GitTree:
    """A copy of one configuration folder at one commit."""

    ref: str
    commit: str
    toplevel: Path
    # The configuration's path inside the repository (POSIX, relative to the top level).
    inside: PurePosixPath
    copy_root: Path

    @property
    def folder(self) -> Path:
        return self.copy_root / self.inside

    @classmethod
    def at(cls, ref: str, config_path: Path) -> GitTree:
        """The folder `config_path` (inside a git work tree) as it is at `ref`."""
        if not ref or ref.startswith("-") or any(ch in ref for ch in "\0\n\r"):
            raise UsageError(f"--guards-from {ref!r}: not a git revision name")
        start = config_path if config_path.is_dir() else config_path.parent
        toplevel = Path(_git(start, "rev-parse", "--show-toplevel", what=ref).strip())
        commit = _git(
            toplevel,
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            f"{ref}^{{commit}}",
            what=ref,
        ).strip()
        inside = _inside(toplevel, config_path, ref)
        tree = cls(ref, commit, toplevel, inside, Path(tempfile.mkdtemp(prefix="fedctl-ref-")))
        tree._copy_folder()
        return tree

    def read(self, repository_path: PurePosixPath) -> str | None:
        """One file of the revision (e.g. a policy file outside the folder), or None."""
        listing = self._list(repository_path, recursive=False)
        if not listing:
            return None
        [data] = self._blobs(listing)
        return data.decode("utf-8", errors="replace")

    def remove(self) -> None:
        shutil.rmtree(self.copy_root, ignore_errors=True)

    def _copy_folder(self) -> None:
        entries = self._list(self.inside, recursive=True)
        if not entries:
            raise UsageError(
                f"--guards-from {self.ref}: no {self.inside} at that revision ({self.commit[:12]})"
            )
        if len(entries) > MAX_FILES:
            raise UsageError(
                f"--guards-from {self.ref}: {self.inside} holds over {MAX_FILES} files at "
                "that revision; point PATH at the configuration folder itself"
            )
        if sum(entry.size for entry in entries) > MAX_TOTAL_BYTES:
            raise UsageError(
                f"--guards-from {self.ref}: {self.inside} is over 64 MiB at that revision"
            )
        for entry, data in zip(entries, self._blobs(entries), strict=True):
            target = self.copy_root / entry.path
            target.parent.mkdir(parents=True, exist_ok=True)
            write_file(target, data, mode=PRIVATE)

    def _list(self, path: PurePosixPath, *, recursive: bool) -> list[_Entry]:
        """The regular files at `path` (symlinks and submodules are never followed)."""
        depth = ["-r"] if recursive else []
        args = ["ls-tree", "-z", "-l", "--full-tree", *depth, self.commit, "--", str(path)]
        found = []
        for record in _git(self.toplevel, *args, what=self.ref).split("\0"):
            if not record:
                continue
            meta, _, name = record.partition("\t")
            mode, kind, blob, size = meta.split()
            entry = PurePosixPath(name)
            if kind != "blob" or mode not in _REGULAR_MODES or ".." in entry.parts:
                continue
            if int(size) > MAX_FILE_BYTES:
                raise UsageError(
                    f"--guards-from {self.ref}: {entry} is over 1 MiB at that revision"
                )
            found.append(_Entry(entry, blob, int(size)))
        return found

    def _blobs(self, entries: list[_Entry]) -> list[bytes]:
        """Every entry's content, read by one `git cat-file --batch`."""
        request = "".join(f"{entry.blob}\n" for entry in entries).encode()
        output = _git_bytes(self.toplevel, "cat-file", "--batch", what=self.ref, stdin=request)
        contents, offset = [], 0
        for entry in entries:
            header_end = output.index(b"\n", offset)
            size = int(output[offset:header_end].split()[2])
            if size != entry.size:
                raise UsageError(f"--guards-from {self.ref}: git read {entry.path} inconsistently")
            contents.append(output[header_end + 1 : header_end + 1 + size])
            offset = header_end + 1 + size + 1
        return contents


@dataclass(frozen=True)
class _Entry:
    path: PurePosixPath
    blob: str
    size: int


def _inside(toplevel: Path, config_path: Path, ref: str) -> PurePosixPath:
    try:
        relative = config_path.resolve().relative_to(toplevel.resolve())
    except ValueError:
        raise UsageError(
            f"--guards-from {ref}: {config_path} is not inside the git repository {toplevel}"
        ) from None
    return PurePosixPath(relative.as_posix())


def repository_path(tree: GitTree, folder_inside: PurePosixPath, name: str) -> PurePosixPath | None:
    """settings.policy_files' `name` (relative to the folder, or absolute inside the work
    tree) as a path inside the repository; None when it leaves the repository."""
    if Path(name).is_absolute():
        try:
            relative = Path(os.path.normpath(name)).relative_to(tree.toplevel.resolve())
        except ValueError:
            return None
        return PurePosixPath(relative.as_posix())
    joined = os.path.normpath(str(folder_inside / name))
    if joined.startswith(".."):
        return None
    return PurePosixPath(joined)


def _git(cwd: Path, *args: str, what: str) -> str:
    return _git_bytes(cwd, *args, what=what).decode("utf-8", errors="replace")


def _git_bytes(cwd: Path, *args: str, what: str, stdin: bytes | None = None) -> bytes:
    # No pager, no prompts, no replace refs: the revision as committed.
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_NO_REPLACE_OBJECTS": "1",
        "GIT_PAGER": "cat",
    }
    try:
        result = subprocess.run(
            ["git", "-C", str(cwd), *args],
            input=stdin,
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        raise UsageError(
            f"--guards-from {what}: git is not installed; give a checkout folder instead"
        ) from None
    except subprocess.TimeoutExpired:
        raise UsageError(
            f"--guards-from {what}: git did not answer within {GIT_TIMEOUT_SECONDS} s"
        ) from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
        detail = message[-1] if message else f"git {args[0]} failed"
        raise UsageError(
            f"--guards-from {what}: not a revision of this repository ({detail}); give a "
            "branch, tag or commit, e.g. origin/main"
        )
    return result.stdout
