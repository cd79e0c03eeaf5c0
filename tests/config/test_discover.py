from pathlib import Path

import pytest

from fedctl.config.discover import discover_files
from fedctl.core.errors import ConfigError


def test_directory_files_sorted_hidden_folders_skipped(tmp_path: Path) -> None:
    for relative in [
        "b.yml",
        "a.yaml",
        "sub/c.yaml.j2",
        "sub/d.yml.j2",
        "notes.txt",
        ".git/x.yaml",
        "sub/.hidden/y.yaml",
        "a.json",
    ]:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("")
    found = [path.relative_to(tmp_path).as_posix() for path in discover_files(tmp_path)]
    assert found == ["a.yaml", "b.yml", "sub/c.yaml.j2", "sub/d.yml.j2"]


def test_a_file_is_itself(tmp_path: Path) -> None:
    single = tmp_path / "any-name.conf"
    single.write_text("")
    assert discover_files(single) == [single]


def test_missing_path_and_empty_folder_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file or directory"):
        discover_files(tmp_path / "nope")
    with pytest.raises(ConfigError, match=r"no configuration files \(\*\.yaml, \*\.yml"):
        discover_files(tmp_path)


def test_a_device_is_not_called_missing() -> None:
    from fedctl.config.discover import discover_files
    from fedctl.core.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        discover_files(Path("/dev/null"))
    assert caught.value.render() == (
        "/dev/null: is not a regular file or folder; give a YAML file or a folder"
    )
