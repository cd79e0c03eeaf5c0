from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl import __version__
from fedctl.cli.main import cli
from fedctl.core.state import LiveState
from fedctl.live.snapshot import take_snapshot, write_snapshot
from tests.support.states import ORG, WORKSPACES


def test_version_prints_package_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"fedctl, version {__version__}\n"


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command 'no-such-command'" in result.output


def test_shell_completion_lists_the_lazy_commands() -> None:
    result = CliRunner().invoke(
        cli,
        [],
        prog_name="fedctl",
        env={"_FEDCTL_COMPLETE": "bash_complete", "COMP_WORDS": "fedctl pl", "COMP_CWORD": "1"},
    )
    assert result.exit_code == 0
    assert result.output == "plain,plan\n"


def test_bash_completion_script_is_printed() -> None:
    result = CliRunner().invoke(
        cli, [], prog_name="fedctl", env={"_FEDCTL_COMPLETE": "bash_source"}
    )
    assert result.exit_code == 0
    assert "_fedctl_completion()" in result.output


def test_an_unexpected_exception_is_one_line_without_its_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("sk-ant-oat01-would-leak")

    monkeypatch.setattr("fedctl.config.load_config", broken)
    result = CliRunner().invoke(cli, ["validate", "."])
    assert result.exit_code == 70
    assert result.stdout == ""
    assert result.stderr == (
        "error: internal error (RuntimeError); this is a fedctl bug: run the command again "
        "with --debug to see the traceback, and report it\n"
    )


def test_debug_shows_the_traceback_of_an_unexpected_exception(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("fedctl.config.load_config", broken)
    result = CliRunner().invoke(cli, ["--debug", "validate", "."])
    assert isinstance(result.exception, RuntimeError)


def test_an_os_error_is_one_line_naming_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/srv/conf/a.yaml")

    monkeypatch.setattr("fedctl.config.load_config", denied)
    result = CliRunner().invoke(cli, ["validate", "."])
    assert result.exit_code == 1
    assert result.stderr == "error: /srv/conf/a.yaml: Permission denied\n"


def test_plan_out_into_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    snapshot = tmp_path / "snapshot.json"
    write_snapshot(take_snapshot(LiveState(organization=ORG, workspaces=WORKSPACES)), snapshot)
    config = tmp_path / "fedctl.yaml"
    config.write_text("version: 1\n")
    out = tmp_path / "missing" / "plan.json"
    result = CliRunner().invoke(
        cli, ["plan", str(config), "--snapshot", str(snapshot), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"error: --out {out}: cannot write the plan: No such file or directory; give a path "
        "in an existing, writable folder\n"
    )


def test_local_state_that_is_not_sqlite_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "fedctl.yaml"
    config.write_text("version: 1\n")
    state = tmp_path / "notes.txt"
    state.write_text("not a database\n" * 100)
    result = CliRunner().invoke(cli, ["plan", str(config), "--local-state", str(state)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: --local-state {state}: ")
    assert result.stderr.endswith("; give the path of a state file, new or made by --local\n")
    assert len(result.stderr.splitlines()) == 1


def test_timeout_must_be_a_finite_number_of_seconds() -> None:
    for value in ("nan", "inf"):
        result = CliRunner().invoke(cli, ["whoami", "--timeout", value])
        assert result.exit_code == 2
        assert result.stderr.endswith(
            f"Error: Invalid value for '--timeout': {value} is not a finite number of seconds.\n"
        )
