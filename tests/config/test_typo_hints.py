"""Warnings for what is probably a slip (issue 31 item 16): two issuers for one provider,
and a workspace name written once beside a close one."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator

QUICKSTART = Path(__file__).parents[2] / "examples" / "quickstart" / "fedctl.yaml"

SECOND_ISSUER = """  - name: acme-build-2
    issuer_url: https://build.acme.example/
    jwks: {type: discovery}
"""


def validate(folder: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    return result.exit_code, result.output


def test_two_issuers_with_one_issuer_url_get_a_warning(tmp_path: Path) -> None:
    text = QUICKSTART.read_text().replace("\nrules:\n", "\n" + SECOND_ISSUER + "\nrules:\n")
    (tmp_path / "fedctl.yaml").write_text(text)
    code, out = validate(tmp_path)
    assert code == 0, out
    assert (
        f"{tmp_path}/fedctl.yaml:32:17: warning: issuer/acme-build-2: issuers[1].issuer_url: "
        'issuer_url "https://build.acme.example/" is also the URL of issuer "acme-build" '
        f"({tmp_path}/fedctl.yaml:18): tokens of that provider are trusted through both"
    ) in out


def test_a_workspace_written_once_beside_a_close_name_gets_a_did_you_mean(
    tmp_path: Path,
) -> None:
    text = QUICKSTART.read_text().replace(
        "      - workspace: production\n        role: workspace_developer\n",
        "      - workspace: production\n        role: workspace_developer\n"
        "      - workspace: staging\n        role: workspace_developer\n",
    )
    text = text.replace("workspaces: [production]", "workspaces: [production, stagin]")
    text += (
        "  - name: payments-staging\n    issuer: acme-build\n"
        "    service_account: payments-inference\n    match:\n"
        '      subject_prefix: "pipeline:payments:ref:refs/heads/staging"\n'
        "      audience: https://api.anthropic.com\n"
        "      claims: {project: payments}\n"
        "    oauth_scope: workspace:inference\n    workspaces: [staging]\n"
        "    token_lifetime_seconds: 600\n"
    )
    (tmp_path / "fedctl.yaml").write_text(text)
    code, out = validate(tmp_path)
    assert code == 0, out
    assert (
        'rule/payments-main: rules[0].workspaces[1]: workspace "stagin" is named only here, '
        'and "staging" elsewhere; did you mean "staging"?'
    ) in out


def test_plan_suggests_the_live_workspace_a_typo_meant(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    text = QUICKSTART.read_text().replace("workspace: production", "workspace: stagin")
    text = text.replace("workspaces: [production]", "workspaces: [stagin]")
    (tmp_path / "fedctl.yaml").write_text(text)
    result = CliRunner().invoke(
        cli,
        [
            "plan",
            str(tmp_path),
            "--base-url",
            emulator.base_url,
            "--auth-token",
            emulator.admin_token,
        ],
    )
    assert result.exit_code == 1
    assert (
        'no workspace has the name "stagin" (workspaces: production, staging); '
        'did you mean "staging"?'
    ) in result.stderr
