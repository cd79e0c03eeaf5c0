"""`fedctl apply` through click, against the emulator over HTTP: confirm, saved plans, limits."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from fedctl.cli.main import cli
from fedctl.core.errors import ApiError
from fedctl.emulator.server import RunningEmulator

CONFIG = """\
version: 1
service_accounts:
  - name: ci
    description: {description}
    workspaces:
      - workspace: production
        role: workspace_developer
      - workspace: staging
        role: workspace_user
issuers:
  - name: build
    issuer_url: https://build.acme.example
    jwks:
      type: inline
      keys:
        - kty: EC
          crv: P-256
          x: DFn5MzzFk2xkCHmXJyp04H3mprRKVagPp7n5L49_lG4
          y: ufJ4xcj-TbzQ4IoHjDIVzJ_wAcAKU5erQb-kYqEUmn0
          kid: build-signer
rules:
  - name: deploy
    issuer: build
    service_account: ci
    match:
      subject_prefix: "pipeline:payments:ref:refs/heads/main"
    oauth_scope: workspace:inference
    workspaces: [production, staging]
"""


def _write_config(directory: Path, *, description: str = "deploys", extra: str = "") -> Path:
    directory.mkdir(exist_ok=True)
    (directory / "fedctl.yaml").write_text(CONFIG.format(description=description) + extra)
    return directory


def _run(emulator: RunningEmulator, *args: str, stdin: str | None = None) -> Result:
    api = ["--base-url", emulator.base_url, "--auth-token", emulator.admin_token]
    return CliRunner().invoke(cli, [*args, *api], input=stdin)


def _writes(emulator: RunningEmulator) -> list[tuple[str, str]]:
    return [(method, path) for method, path in emulator.requests() if method != "GET"]


def _api(emulator: RunningEmulator, method: str, path: str, body: object = None) -> object:
    response = httpx.request(
        method,
        emulator.base_url + path,
        headers={"authorization": f"Bearer {emulator.admin_token}"},
        json=body,
    )
    response.raise_for_status()
    return response.json()


def _account_id(emulator: RunningEmulator, name: str) -> str:
    listing = _api(emulator, "GET", "/v1/organizations/service_accounts")
    assert isinstance(listing, dict)
    return next(item["id"] for item in listing["data"] if item["name"] == name)


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return _write_config(tmp_path / "config")


def test_without_a_terminal_and_without_auto_approve_nothing_is_written(
    emulator: RunningEmulator, config_dir: Path
) -> None:
    result = _run(emulator, "apply", str(config_dir))
    assert result.exit_code == 1
    assert "Plan: 3 to create, 0 to update, 0 to replace, 0 to archive." in result.stdout
    assert result.stderr == (
        "error: refusing to apply without confirmation: stdin is not a terminal; nothing was "
        "changed; review the plan above and re-run with --auto-approve\n"
    )
    assert _writes(emulator) == []


def test_on_a_terminal_yes_applies_and_an_immediate_plan_is_empty(
    emulator: RunningEmulator, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("fedctl.cli.apply.stdin_is_interactive", lambda: True)
    result = _run(emulator, "apply", str(config_dir), stdin="yes\n")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Apply these changes? Only 'yes' is accepted: yes" in lines
    # Each created resource's ID follows its line.
    assert any(line.startswith("done    create issuer build (fdis_01") for line in lines)
    assert any(line.startswith("done    create rule deploy (fdrl_01") for line in lines)
    assert lines[-2:] == [
        "Apply complete: 3 resources created in 6 steps.",
        "The live organization matches the configuration.",
    ]
    replan = _run(emulator, "plan", str(config_dir))
    assert replan.exit_code == 0
    assert replan.stdout.splitlines()[-1] == "No changes."


def test_on_a_terminal_anything_but_yes_cancels(
    emulator: RunningEmulator, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("fedctl.cli.apply.stdin_is_interactive", lambda: True)
    result = _run(emulator, "apply", str(config_dir), stdin="y\n")
    assert result.exit_code == 1
    assert result.stderr == "error: apply cancelled; nothing was changed\n"
    assert _writes(emulator) == []


def test_auto_approve_applies_then_a_second_apply_has_nothing_to_do(
    emulator: RunningEmulator, config_dir: Path
) -> None:
    first = _run(emulator, "apply", str(config_dir), "--auto-approve")
    assert first.exit_code == 0, first.output
    emulator.reset_request_log()
    second = _run(emulator, "apply", str(config_dir), "--auto-approve")
    assert second.exit_code == 0
    assert second.stdout.splitlines()[-1] == "No changes."
    assert _writes(emulator) == []


def test_a_failed_step_is_summarised_with_request_id_and_a_rerun_converges(
    emulator: RunningEmulator, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: object, step: object) -> None:
        raise ApiError(
            "issuer_url: host does not resolve",
            status=400,
            error_type="invalid_request_error",
            request_id="req_0123",
            method="POST",
            url_path="/v1/organizations/federation_issuers",
        )

    with monkeypatch.context() as patch:
        patch.setattr("fedctl.apply.steps.StepRunner._create_issuer", refuse)
        failed = _run(emulator, "apply", str(config_dir), "--auto-approve")
    assert failed.exit_code == 1
    workspaces = _api(emulator, "GET", "/v1/organizations/workspaces")
    assert isinstance(workspaces, dict)
    # The rule is created in the first of its sorted workspace IDs, enabled in the other.
    names = {w["id"]: w["name"] for w in workspaces["data"]}
    enabled_later = names[max(i for i, n in names.items() if n in {"production", "staging"})]
    assert failed.stderr.splitlines() == [
        "error: Apply stopped: 3 done, 1 failed, 2 skipped.",
        "  failed  create issuer build: POST /v1/organizations/federation_issuers failed 400 "
        "invalid_request_error: issuer_url: host does not resolve (request-id req_0123)",
        "  skipped create rule deploy: not attempted: prerequisite step 1 (create issuer "
        "build) did not succeed",
        f"  skipped enable rule deploy in {enabled_later}: not attempted: prerequisite step 5 "
        "(create rule deploy) did not succeed",
        "Steps already done stay done. Fix the cause and run `fedctl apply` again; it plans "
        "from the live state and finishes the job.",
    ]
    rerun = _run(emulator, "apply", str(config_dir), "--auto-approve")
    assert rerun.exit_code == 0, rerun.output
    assert "Plan: 2 to create, 0 to update, 0 to replace, 0 to archive." in rerun.stdout
    assert _run(emulator, "plan", str(config_dir)).stdout.splitlines()[-1] == "No changes."


def _saved_plan(emulator: RunningEmulator, config_dir: Path, tmp_path: Path) -> Path:
    plan_file = tmp_path / "reviewed.plan"
    made = _run(emulator, "plan", str(config_dir), "--out", str(plan_file))
    assert made.exit_code == 0, made.output
    return plan_file


def test_saved_plan_applies_when_nothing_moved(
    emulator: RunningEmulator, config_dir: Path, tmp_path: Path
) -> None:
    plan_file = _saved_plan(emulator, config_dir, tmp_path)
    result = _run(emulator, "apply", str(plan_file), "--config", str(config_dir), "--auto-approve")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "The resources this plan changed match the configuration."
    )
    again = _run(emulator, "apply", str(plan_file), "--config", str(config_dir), "--auto-approve")
    assert again.exit_code == 1
    assert "exists now (the plan would create it)" in again.stderr


def test_saved_plan_is_refused_when_the_configuration_changed(
    emulator: RunningEmulator, config_dir: Path, tmp_path: Path
) -> None:
    plan_file = _saved_plan(emulator, config_dir, tmp_path)
    _write_config(config_dir, description="deploys payments")
    emulator.reset_request_log()
    result = _run(emulator, "apply", str(plan_file), "--config", str(config_dir), "--auto-approve")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: the configuration changed since this plan was made")
    assert result.stderr.endswith(
        "nothing was changed; run `fedctl plan` again and review the new plan\n"
    )
    assert _writes(emulator) == []


def _applied_then_planned_change(
    emulator: RunningEmulator, config_dir: Path, tmp_path: Path
) -> Path:
    assert _run(emulator, "apply", str(config_dir), "--auto-approve").exit_code == 0
    _write_config(config_dir, description="deploys payments")
    return _saved_plan(emulator, config_dir, tmp_path)


def test_saved_plan_is_refused_when_a_resource_was_updated_since(
    emulator: RunningEmulator, config_dir: Path, tmp_path: Path
) -> None:
    plan_file = _applied_then_planned_change(emulator, config_dir, tmp_path)
    account_id = _account_id(emulator, "ci")
    _api(emulator, "POST", f"/v1/organizations/service_accounts/{account_id}", {"description": "x"})
    emulator.reset_request_log()
    result = _run(emulator, "apply", str(plan_file), "--config", str(config_dir), "--auto-approve")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: service_account/ci: changed since the plan was made: service_account/ci was "
        "updated at "
    )
    assert _writes(emulator) == []


def test_saved_plan_is_refused_when_a_resource_was_archived_since(
    emulator: RunningEmulator, config_dir: Path, tmp_path: Path
) -> None:
    plan_file = _applied_then_planned_change(emulator, config_dir, tmp_path)
    rules = _api(emulator, "GET", "/v1/organizations/federation_rules")
    assert isinstance(rules, dict)
    for rule in rules["data"]:
        _api(emulator, "POST", f"/v1/organizations/federation_rules/{rule['id']}/archive")
    account_id = _account_id(emulator, "ci")
    _api(emulator, "POST", f"/v1/organizations/service_accounts/{account_id}/archive")
    emulator.reset_request_log()
    result = _run(emulator, "apply", str(plan_file), "--config", str(config_dir), "--auto-approve")
    assert result.exit_code == 1
    assert "service_account/ci was archived at " in result.stderr
    assert _writes(emulator) == []


def test_saved_plan_refuses_options_that_would_reshape_it(
    emulator: RunningEmulator, config_dir: Path, tmp_path: Path
) -> None:
    # Options come from apply's command line and are compared with the plan's (issue 25).
    plan_file = _saved_plan(emulator, config_dir, tmp_path)
    emulator.reset_request_log()
    result = _run(
        emulator,
        "apply",
        str(plan_file),
        "--config",
        str(config_dir),
        "--no-prune",
        "--auto-approve",
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "error: the saved plan was made with other options than this apply's: --prune (the "
        "plan: on; this apply: off); the options come from apply's command line and the "
        "configuration, never from the file: give apply the options the plan was reviewed "
        "with, or make and review a new plan; nothing was changed\n"
    )
    assert emulator.requests() == []


def test_a_file_that_is_not_a_plan_is_refused(emulator: RunningEmulator, tmp_path: Path) -> None:
    bogus = tmp_path / "plan.json"
    bogus.write_text(json.dumps({"hello": "world"}))
    result = _run(emulator, "apply", str(bogus), "--config", str(tmp_path), "--auto-approve")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {bogus}: not a fedctl plan file")


def test_archives_over_the_limit_are_refused_unless_allowed(
    emulator: RunningEmulator, config_dir: Path
) -> None:
    assert _run(emulator, "apply", str(config_dir), "--auto-approve").exit_code == 0
    (config_dir / "fedctl.yaml").write_text("version: 1\nsettings:\n  max_archives: 2\n")
    emulator.reset_request_log()
    refused = _run(emulator, "apply", str(config_dir), "--prune", "--auto-approve")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "error: rule/deploy, service_account/ci, issuer/build: refused by the safety-limits "
        "check apply runs: the plan archives 3 resources "
        "(replacements included), 1 over settings.max_archives (2); nothing was changed; "
        "review the plan and re-run with --allow-large-changes if it is intended\n"
    )
    assert _writes(emulator) == []
    allowed = _run(
        emulator, "apply", str(config_dir), "--prune", "--auto-approve", "--allow-large-changes"
    )
    assert allowed.exit_code == 0, allowed.output
    assert "Apply complete: 3 resources archived in 3 steps." in allowed.stdout


def test_on_a_terminal_a_progress_bar_follows_the_step_lines(
    emulator: RunningEmulator, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("fedctl.cli.apply.stdout_is_terminal", lambda: True)
    result = _run(emulator, "apply", str(config_dir), "--auto-approve", "--no-color")
    assert result.exit_code == 0, result.output
    # click drops the erase-line code off a real terminal; the carriage returns remain.
    assert (
        "[##############################] 6/6\rApply complete: 3 resources created in 6 steps"
        in result.stdout
    )
    assert result.stdout.count("\r") == 7  # before each of the 6 step lines, then cleared
    assert "] 1/6\rdone    " in result.stdout


def test_readme_main_job_plans_and_applies_the_quickstart_locally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quickstart = str(Path(__file__).resolve().parents[2] / "examples" / "quickstart")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    planned = runner.invoke(cli, ["plan", quickstart, "--local"])
    assert planned.exit_code == 0, planned.output
    applied = runner.invoke(cli, ["apply", quickstart, "--local", "--auto-approve"])
    assert applied.exit_code == 0, applied.output
    assert applied.stdout.splitlines()[-1] == "The live organization matches the configuration."
    assert (tmp_path / ".fedctl" / "local.db").is_file()
    again = runner.invoke(cli, ["plan", quickstart, "--local"])
    assert again.stdout.splitlines()[-1] == "No changes."


def test_target_applies_only_that_resource_and_what_it_needs(
    emulator: RunningEmulator, config_dir: Path
) -> None:
    result = _run(emulator, "apply", str(config_dir), "--target", "issuer/build", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "Plan: 1 to create, 0 to update, 0 to replace, 0 to archive." in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "The resources this plan changed match the configuration."
    )
    rest = _run(emulator, "plan", str(config_dir))
    assert "Plan: 2 to create, 0 to update, 0 to replace, 0 to archive." in rest.stdout


def test_ctrl_c_during_apply_says_what_stays_done_and_how_to_continue(
    emulator: RunningEmulator, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fedctl.cli.apply

    real_report = fedctl.cli.apply._Progress.report

    def interrupted_after_first(self: object, outcome: object) -> None:
        real_report(self, outcome)  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr(fedctl.cli.apply._Progress, "report", interrupted_after_first)
    result = _run(emulator, "apply", str(config_dir), "--auto-approve")
    assert result.exit_code == 130
    assert result.stderr == (
        "Interrupted: the 1 step(s) reported done above stay done, and steps already sent "
        "were let finish; run `fedctl plan` to see what is left, then `fedctl apply` again\n"
    )
    monkeypatch.undo()
    rerun = _run(emulator, "apply", str(config_dir), "--auto-approve")
    assert rerun.exit_code == 0, rerun.output
