"""`fedctl plan` against the real emulator over loopback HTTP."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.api.connect import open_client
from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator, running_emulator
from fedctl.pipeline import plan_from_config
from fedctl.plan.plan import Plan
from tests.support.lint_counts import lint_counts, without_findings
from tests.support.unsafe_apply import unsafe_apply_for_tests

CONFIGS = Path(__file__).parents[1] / "plan" / "configs"
EVERY_FIELD = CONFIGS / "every-field"
QUICKSTART = Path(__file__).parents[2] / "examples" / "quickstart"


def run_plan(emulator: RunningEmulator, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["plan", *args, "--base-url", emulator.base_url, "--auth-token", emulator.admin_token],
    )
    return result.exit_code, result.stdout, result.stderr


def apply_config(emulator: RunningEmulator, path: Path, **options: object) -> None:
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
        plan, live, _ = plan_from_config(path, client=client, **options)  # type: ignore[arg-type]
        unsafe_apply_for_tests(client, plan, live)


def non_get_requests(emulator: RunningEmulator) -> list[tuple[str, str]]:
    return [(method, path) for method, path in emulator.requests() if method != "GET"]


# every-field sets check_jti: false and long lifetimes on purpose; lint says so on stderr.
# Plan shows each finding, then the count. The findings' wording is lint's (tests/lint).
EVERY_FIELD_LINT = {
    "FED005 warning": 1,
    "FED006 warning": 1,
    "FED023 warning": 1,
    "FED008 warning": 1,
}
EVERY_FIELD_LINT_SUMMARY = (
    f"lint: 4 findings (4 warning); run `fedctl lint {EVERY_FIELD}` for details.\n"
)


def lint_on_stderr(stderr: str) -> tuple[dict[str, int], str]:
    """The findings plan printed, counted, and the rest of stderr."""
    return lint_counts(stderr), without_findings(stderr)


def test_every_field_applied_then_planned_shows_no_changes(emulator: RunningEmulator) -> None:
    code, out, _ = run_plan(emulator, str(EVERY_FIELD), "--detailed-exitcode")
    assert code == 2
    assert out.endswith("Plan: 9 to create, 0 to update, 0 to replace, 0 to archive.\n")

    apply_config(emulator, EVERY_FIELD)
    emulator.reset_request_log()
    code, out, err = run_plan(emulator, str(EVERY_FIELD), "--detailed-exitcode")
    assert (code, lint_on_stderr(err)) == (0, (EVERY_FIELD_LINT, EVERY_FIELD_LINT_SUMMARY))
    assert out.endswith("\nNo changes.\n")
    assert non_get_requests(emulator) == []


def test_plan_never_writes(emulator: RunningEmulator, tmp_path: Path) -> None:
    apply_config(emulator, EVERY_FIELD)
    changed = tmp_path / "changed"
    shutil.copytree(QUICKSTART, changed)
    emulator.reset_request_log()

    for args in (
        [str(changed)],
        [str(changed), "--prune", "--format", "json"],
        [str(changed), "--prune", "--format", "markdown", "--out", str(tmp_path / "p.json")],
        [str(EVERY_FIELD), "--target", "rule/inline"],
    ):
        code, _, err = run_plan(emulator, *args)
        expected_err = (
            (EVERY_FIELD_LINT, EVERY_FIELD_LINT_SUMMARY)
            if args[0] == str(EVERY_FIELD)
            else ({}, "")
        )
        assert (code, lint_on_stderr(err)) == (0, expected_err), args
    requests = emulator.requests()
    assert requests, "the plans read the organization"
    assert non_get_requests(emulator) == []


def test_prune_output_and_saved_plan(emulator: RunningEmulator, tmp_path: Path) -> None:
    apply_config(emulator, EVERY_FIELD)
    out_file = tmp_path / "plan.json"
    code, out, _ = run_plan(emulator, str(QUICKSTART), "--prune", "--out", str(out_file))
    assert code == 0
    assert out.splitlines()[-3:] == [
        "Plan: 3 to create, 0 to update, 0 to replace, 9 to archive.",
        "",
        f"Saved the plan to {out_file}; apply it with: fedctl apply {out_file} "
        f"--config {os.path.relpath(QUICKSTART)} --prune --base-url {emulator.base_url}",
    ]
    saved = Plan.from_file(out_file)
    assert len(saved.steps) > 0
    assert set(saved.live_versions) >= {"rule/deploy-main", "issuer/github"}
    assert saved.config_digest


def test_json_format_is_valid(emulator: RunningEmulator) -> None:
    import jsonschema

    schema = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text())
    code, out, _ = run_plan(emulator, str(QUICKSTART), "--format", "json")
    assert code == 0
    document = json.loads(out)
    jsonschema.Draft202012Validator(schema).validate(document)
    assert [c["action"] for c in document["changes"]] == ["create"] * 3
    # The inline key is shown by kid only.
    assert "DFn5MzzFk2xkCHmXJyp04H3mprRKVagPp7n5L49_lG4" not in out
    assert emulator.admin_token not in out


def test_organization_guard(emulator: RunningEmulator, tmp_path: Path) -> None:
    config = tmp_path / "fedctl.yaml"
    text = (QUICKSTART / "fedctl.yaml").read_text()
    config.write_text(
        text.replace(
            "version: 1\n", "version: 1\norganization_id: 11111111-1111-1111-1111-111111111111\n"
        )
    )
    code, out, err = run_plan(emulator, str(config))
    assert (code, out) == (1, "")
    assert err == (
        "error: the configuration is for organization 11111111-1111-1111-1111-111111111111, "
        f"but the credential belongs to {emulator.organization_id} (Local Emulator Org); use "
        "a credential of that organization or fix organization_id in the configuration\n"
    )


@pytest.fixture
def seeded() -> Iterator[RunningEmulator]:
    with running_emulator(
        workspaces=("production", "staging"), seed_path=str(CONFIGS / "console-seed" / "seed.yaml")
    ) as running:
        yield running


def test_console_managed_rule_is_reported_not_changed(seeded: RunningEmulator) -> None:
    code, out, _ = run_plan(seeded, str(QUICKSTART))
    assert code == 0
    assert (
        "Unmanaged (live, declared in no file; archived only with prune, never if protected):\n"
        "  service_account/fedctl-admin\n\n"
        "Console-managed (never changed by fedctl):\n"
        "  issuer/bootstrap-idp\n"
        "  rule/fedctl-bootstrap\n"
    ) in out
    # Prune (the default since issue 30) never touches the rule, nor the service account
    # it mints as: archiving that would break the rule fedctl must leave alone.
    assert out.endswith("0 to archive.\n")
    code, out, err = run_plan(seeded, str(QUICKSTART), "--prune")
    assert (code, err) == (0, "")
    assert out.endswith("0 to archive.\n")


def test_changing_a_console_managed_rule_is_an_error(seeded: RunningEmulator) -> None:
    code, out, err = run_plan(seeded, str(CONFIGS / "console-change"))
    assert (code, out) == (1, "")
    assert err.startswith("error: rule/fedctl-bootstrap: is Console-managed")


def test_colour_only_on_request(emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    import fedctl.cli.plan as plan_command

    monkeypatch.setattr(plan_command.sys.stdout, "isatty", lambda: True, raising=False)
    assert plan_command.use_colour(no_color=False) is True
    assert plan_command.use_colour(no_color=True) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert plan_command.use_colour(no_color=False) is False
    code, out, _ = run_plan(emulator, str(QUICKSTART), "--no-color")
    assert code == 0 and "\033[" not in out


def test_template_needs_markdown(emulator: RunningEmulator, tmp_path: Path) -> None:
    code, _, err = run_plan(emulator, str(QUICKSTART), "--template", str(tmp_path / "x.j2"))
    assert (code, err) == (1, "error: --template applies to --format markdown only\n")


def test_settings_prune_and_protect_from_the_configuration(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    apply_config(emulator, EVERY_FIELD)
    config = tmp_path / "fedctl.yaml"
    config.write_text(
        (QUICKSTART / "fedctl.yaml").read_text()
        + "\nsettings:\n  prune: true\n  protect: [deploy-main, github, deployer]\n"
    )
    code, out, err = run_plan(emulator, str(config))
    assert (code, err) == (0, "")
    # Each heading now ends with the live ID; compare the addresses.
    archived = sorted(
        re.sub(r" \(\w+_01\w+\)$", "", line.strip())
        for line in out.splitlines()
        if line.startswith("    - ")
    )
    assert archived == [
        "- issuer/discovered",
        "- issuer/inline-keys",
        "- issuer/internal",
        "- rule/everywhere",
        "- rule/inline",
        "- service_account/reader",
    ]
    # The setting alone prunes; no --prune needed.
    code, out, _ = run_plan(emulator, str(config), "--format", "json")
    assert json.loads(out)["summary"]["archive"] == 6


def test_renames_and_replacements_apply_cleanly_then_plan_empty(
    emulator: RunningEmulator,
) -> None:
    apply_config(emulator, EVERY_FIELD)
    changed = CONFIGS / "every-field-changed"
    # every-field-changed holds lint errors on purpose; plan refuses them as apply does.
    code, out, _ = run_plan(emulator, str(changed), "--allow-lint-errors")
    assert code == 0
    assert re.search(r"\n  -/\+ service_account/reader-two \(svac_01\w+\)\n", out)
    assert re.search(r"\n  -/\+ rule/inline \(fdrl_01\w+\)\n", out)
    assert re.search(r"\n    ~ issuer/discovery \(fdis_01\w+\)\n", out)
    assert out.endswith("Plan: 0 to create, 4 to update, 2 to replace, 0 to archive.\n")

    apply_config(emulator, changed)
    code, out, _ = run_plan(
        emulator, str(changed), "--detailed-exitcode", "--prune", "--allow-lint-errors"
    )
    assert code == 0, out
    assert out.endswith("No changes.\n")


def test_lint_findings_are_counted_on_stderr(emulator: RunningEmulator, tmp_path: Path) -> None:
    config = tmp_path / "fedctl.yaml"
    text = (QUICKSTART / "fedctl.yaml").read_text()
    config.write_text(text.replace("max_jwt_lifetime_seconds: 900", "check_jti: false"))
    code, stdout, stderr = run_plan(emulator, str(config), "--format", "json")
    assert code == 0
    json.loads(stdout)  # stdout stays machine-readable
    assert lint_on_stderr(stderr) == (
        {"FED005 warning": 1},
        f"lint: 1 finding (1 warning); run `fedctl lint {config}` for details.\n",
    )


def test_lint_clean_configuration_prints_no_lint_line(emulator: RunningEmulator) -> None:
    code, _, stderr = run_plan(emulator, str(QUICKSTART))
    assert (code, stderr) == (0, "")
