"""`fedctl test`: access tests with exact output for pass and fail, JUnit, live rules, and
located errors for a bad test file."""

from __future__ import annotations

import shutil
from pathlib import Path
from xml.etree import ElementTree

from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.config import load_config
from fedctl.emulator.server import running_emulator
from tests.support.cli import run_api

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def copy_quickstart(tmp_path: Path) -> Path:
    target = tmp_path / "quickstart"
    shutil.copytree(EXAMPLES / "quickstart", target)
    return target


def test_the_examples_pass(tmp_path: Path) -> None:
    for example in ("github-actions", "quickstart"):
        result = CliRunner().invoke(cli, ["test", str(EXAMPLES / example)])
        assert result.exit_code == 0, result.output
        assert result.output.endswith(" passed, 0 failed.\n")


def test_a_failing_case_says_what_matched_instead_and_why(tmp_path: Path) -> None:
    config = copy_quickstart(tmp_path)
    tests = config / "quickstart.access-test.yaml"
    tests.write_text(tests.read_text().replace("pull_request:fork/7", "ref:refs/heads/main"))
    result = CliRunner().invoke(cli, ["test", str(config)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "pass a main-branch build of payments gets a token",
        f"{tests}:11:5: FAIL a fork's pull-request build is denied: expected denied, got rule "
        "payments-main",
        "    rule payments-main: issuer match: iss equals issuer_url",
        "    rule payments-main: subject_prefix match: sub is exactly the value",
        "    rule payments-main: audience match: aud contains the audience",
        "    rule payments-main: claims.project match: equal",
        "2 cases: 1 passed, 1 failed.",
    ]


def test_junit_output_is_a_test_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["test", str(EXAMPLES / "quickstart"), "--format", "junit"])
    suite = ElementTree.fromstring(result.output)
    assert (suite.get("tests"), suite.get("failures")) == ("2", "0")


def test_access_test_files_are_not_configuration() -> None:
    config = load_config(EXAMPLES / "quickstart")
    assert [Path(file).name for file in config.files] == ["fedctl.yaml"]


def test_live_rules_are_tested_with_live(tmp_path: Path) -> None:
    config = copy_quickstart(tmp_path)
    with running_emulator(workspaces=("production",)) as emulator:
        denied_live = run_api(emulator, "test", str(config), "--live")
        assert denied_live.exit_code == 1  # nothing applied yet: no live rule accepts it
        assert run_api(emulator, "apply", str(config), "--auto-approve").exit_code == 0
        passed = run_api(emulator, "test", str(config), "--live")
    assert passed.exit_code == 0, passed.output


def test_a_bad_test_file_is_a_located_error(tmp_path: Path) -> None:
    config = copy_quickstart(tmp_path)
    (config / "quickstart.access-test.yaml").write_text(
        "cases:\n  - name: x\n    expect: allowed\n"
    )
    result = CliRunner().invoke(cli, ["test", str(config)])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {config / 'quickstart.access-test.yaml'}:3:13: ")


def test_plan_reports_the_access_tests_it_changes(tmp_path: Path) -> None:
    config = copy_quickstart(tmp_path)
    with running_emulator(workspaces=("production",)) as emulator:
        planned = run_api(emulator, "plan", str(config), "--no-color")
        failed = run_api(emulator, "plan", str(config), "--fail-on", "test-change")
        assert run_api(emulator, "apply", str(config), "--auto-approve").exit_code == 0
        again = run_api(emulator, "plan", str(config), "--fail-on", "test-change")
    assert planned.exit_code == 0, planned.output
    assert (
        "Access tests whose outcome this plan changes:\n"
        "  a main-branch build of payments gets a token: denied (no rule accepts it) -> rule "
        "payments-main\n"
    ) in planned.stdout
    assert failed.exit_code == 4
    assert again.exit_code == 0, again.output


def test_apply_prints_the_plan_sections_plan_prints(tmp_path: Path) -> None:
    # Issue 30: what review shows equals what apply shows, access-test section included.
    config = copy_quickstart(tmp_path)
    with running_emulator(workspaces=("production",)) as emulator:
        planned = run_api(emulator, "plan", str(config), "--no-color")
        applied = run_api(emulator, "apply", str(config), "--auto-approve", "--no-color")
    assert applied.exit_code == 0, applied.output
    assert planned.exit_code == 0, planned.output
    assert applied.stdout.startswith(planned.stdout)
    assert "Access tests whose outcome this plan changes:\n" in applied.stdout


def test_a_case_failing_on_the_workspace_says_the_workspace_differs(tmp_path: Path) -> None:
    """Issue 31 item 7: "expected rule X, got rule X" hid which field differed."""
    config = copy_quickstart(tmp_path)
    tests = config / "quickstart.access-test.yaml"
    tests.write_text(tests.read_text().replace("workspace: production}", "workspace: staging}"))
    result = CliRunner().invoke(cli, ["test", str(config)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{tests}:3:5: FAIL a main-branch build of payments gets a token: expected rule "
        "payments-main, workspace staging, got rule payments-main, workspace production "
        "(workspace differs)"
    )


def test_a_case_failing_on_scope_and_account_names_both(tmp_path: Path) -> None:
    config = copy_quickstart(tmp_path)
    tests = config / "quickstart.access-test.yaml"
    tests.write_text(
        tests.read_text().replace(
            "workspace: production}",
            "workspace: production, scope: workspace:developer, service_account: other}",
        )
    )
    result = CliRunner().invoke(cli, ["test", str(config), "--format", "json"])
    assert result.exit_code == 1
    import json

    first = json.loads(result.output)[0]
    assert first["expected"] == (
        "rule payments-main, service account other, scope workspace:developer, workspace production"
    )
    assert first["got"] == (
        "rule payments-main, service account payments-inference, scope workspace:inference "
        "(service account and scope differ)"
    )
