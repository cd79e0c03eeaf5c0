"""`fedctl fmt`: one canonical style, comments kept, values unchanged; --check for CI;
templates left alone; export output already canonical."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.config import load_config
from fedctl.config.fmt import format_text
from fedctl.emulator.server import running_emulator

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEED = Path(__file__).parent / "data" / "console-seed.yaml"

MESSY = """\
rules:
    - oauth_scope: workspace:inference   # least scope
      match:
          audience: https://api.anthropic.com
          subject_prefix: "system:serviceaccount:ci:runner"
      service_account: ci
      issuer: k8s
      name: deploy
      workspaces: [production]
# the cluster
issuers:
    - issuer_url: https://k8s.acme-corp.dev
      name: k8s
service_accounts:
    - workspaces:
          - {workspace: production, role: workspace_developer}
      name: ci
version: 1
"""


def test_check_flags_a_misformatted_file_and_fmt_fixes_it_keeping_comments(
    tmp_path: Path,
) -> None:
    config = tmp_path / "fedctl.yaml"
    config.write_text(MESSY)
    before = load_config(tmp_path)
    checked = CliRunner().invoke(cli, ["fmt", str(tmp_path), "--check"])
    assert (checked.exit_code, checked.output) == (1, f"{config}: would be reformatted\n")
    assert config.read_text() == MESSY  # --check changes nothing
    fixed = CliRunner().invoke(cli, ["fmt", str(tmp_path)])
    assert (fixed.exit_code, fixed.output) == (0, f"{config}: reformatted\n")
    text = config.read_text()
    assert text.startswith("version: 1\n")
    assert text.index("service_accounts:") < text.index("issuers:") < text.index("rules:")
    assert "# least scope" in text and "# the cluster" in text
    assert "  - name: deploy\n    issuer: k8s\n    service_account: ci\n" in text
    after = load_config(tmp_path)
    assert (after.service_accounts, after.issuers, after.rules) == (
        before.service_accounts,
        before.issuers,
        before.rules,
    )
    again = CliRunner().invoke(cli, ["fmt", str(tmp_path), "--check"])
    assert (again.exit_code, again.output) == (0, "")


def test_templates_are_left_alone_with_a_note(tmp_path: Path) -> None:
    template = tmp_path / "fedctl.yaml.j2"
    template.write_text("version: 1\nservice_accounts:\n    - name: {{ name }}\n")
    result = CliRunner().invoke(cli, ["fmt", str(tmp_path), "--var", "name=ci"])
    assert result.exit_code == 0
    assert result.output == (
        f"{template}: a template; left as it is (format its rendered output)\n"
    )


def test_fmt_of_export_output_is_a_no_op(tmp_path: Path) -> None:
    out = tmp_path / "exported"
    with running_emulator(workspaces=("production", "staging"), seed_path=str(SEED)) as emulator:
        api = ["--base-url", emulator.base_url, "--auth-token", emulator.admin_token]
        assert CliRunner().invoke(cli, ["export", "--out", str(out), *api]).exit_code == 0
    result = CliRunner().invoke(cli, ["fmt", str(out), "--check"])
    assert (result.exit_code, result.output) == (0, "")


@pytest.mark.parametrize(
    "example", sorted(p for p in EXAMPLES.rglob("*.yaml") if p.parent.name != "policies")
)
def test_fmt_is_idempotent_and_keeps_comments(example: Path) -> None:
    text = example.read_text()
    once = format_text(text) or text
    assert format_text(once) is None
    comments = [
        line.split("#", 1)[1] for line in text.splitlines() if line.lstrip().startswith("#")
    ]
    assert all(comment in once for comment in comments)
