"""A downloaded snapshot artifact is accepted only as one regular snapshot.json."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from fedctl.guards.gitops.download import UnsafeDownload, accept_snapshot_download


def _folder(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "download"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_one_snapshot_is_accepted_with_its_digest(tmp_path: Path) -> None:
    folder = _folder(tmp_path, **{"snapshot.json": "{}"})
    digest = hashlib.sha256(b"{}").hexdigest()
    assert accept_snapshot_download(folder, sha256=digest) == folder / "snapshot.json"


def test_an_extra_file_is_refused(tmp_path: Path) -> None:
    # The forged artifact of issue 26: a rule file next to the snapshot.
    folder = _folder(tmp_path, **{"snapshot.json": "{}", "zz-backdoor.yaml": "rules: []"})
    with pytest.raises(UnsafeDownload, match=r"exactly one file, 'snapshot\.json'"):
        accept_snapshot_download(folder)


def test_a_folder_or_a_link_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "snapshot.json").mkdir()
    with pytest.raises(UnsafeDownload, match="not a regular file"):
        accept_snapshot_download(folder)
    linked = tmp_path / "linked"
    linked.mkdir()
    (tmp_path / "target.json").write_text("{}")
    os.symlink(tmp_path / "target.json", linked / "snapshot.json")
    with pytest.raises(UnsafeDownload, match="not a regular file"):
        accept_snapshot_download(linked)


def test_another_snapshot_than_the_reviewed_one_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, **{"snapshot.json": '{"newer": true}'})
    with pytest.raises(UnsafeDownload, match="not the snapshot the pull request was reviewed"):
        accept_snapshot_download(folder, sha256="0" * 64)
    with pytest.raises(UnsafeDownload, match="64 lowercase hex"):
        accept_snapshot_download(folder, sha256="../x")


def test_an_empty_or_missing_download_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsafeDownload, match="it holds nothing"):
        accept_snapshot_download(_folder(tmp_path))
    with pytest.raises(UnsafeDownload, match="cannot list"):
        accept_snapshot_download(tmp_path / "absent")
