"""`fedctl render`: templates expanded file by file; every undefined variable named at once."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from fedctl.cli.main import cli

TEMPLATE = """\
service_accounts:
  - name: {{ account }}
    description: {{ purpose }}
    workspaces:
{%- for workspace in workspaces %}
      - {workspace: {{ workspace }}, role: workspace_user}
{%- endfor %}
"""


def test_two_undefined_variables_are_both_named(tmp_path: Path) -> None:
    (tmp_path / "fedctl.yaml.j2").write_text(TEMPLATE)
    result = CliRunner().invoke(cli, ["render", str(tmp_path), "--var-json", "workspaces=[]"])
    assert result.exit_code == 1
    assert result.output == (
        f"error: {tmp_path / 'fedctl.yaml.j2'}:2:1: template variables 'account', 'purpose' "
        "are undefined; pass them with --var or --var-file\n1 error found; nothing was changed.\n"
    )


def test_var_stays_a_string_and_var_json_is_typed(tmp_path: Path) -> None:
    (tmp_path / "fedctl.yaml.j2").write_text(TEMPLATE)
    result = CliRunner().invoke(
        cli,
        [
            "render",
            str(tmp_path),
            "--var",
            "account=ci",
            "--var",
            "purpose=123",
            "--var-json",
            'workspaces=["production", "staging"]',
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"# --- {tmp_path / 'fedctl.yaml.j2'} ---\n"
        "service_accounts:\n  - name: ci\n    description: 123\n    workspaces:\n"
        "      - {workspace: production, role: workspace_user}\n"
        "      - {workspace: staging, role: workspace_user}\n"
    )


def test_bad_json_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "fedctl.yaml").write_text("version: 1\n")
    result = CliRunner().invoke(cli, ["render", str(tmp_path), "--var-json", "n=[1,"])
    assert result.exit_code != 0
    assert result.output == ('error: --var-json n: not JSON; quote strings ("x") or use --var\n')
