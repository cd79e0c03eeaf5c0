from click.testing import CliRunner

from fedctl import __version__
from fedctl.cli.main import cli


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
