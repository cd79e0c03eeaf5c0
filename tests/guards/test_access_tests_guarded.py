"""Issue 25: access tests are main's too. A pull request that broadens a rule and edits the
case that would catch it is caught: main's case runs (snapshot, --guards-from), the edit
is a guardrail change, and `plan --tests FILE` runs cases kept outside the configuration."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from fedctl.emulator.server import RunningEmulator
from tests.guards.helpers import offline, take_snapshot, write
from tests.support.cli import k8s_org, k8s_rule, run_api

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text())
CASES = """\
cases:
  - name: another namespace is denied
    claims:
      iss: https://k8s.acme-corp.dev
      sub: "system:serviceaccount:other:app"
      aud: https://api.anthropic.com
    expect: denied
"""
EDITED = CASES.replace("system:serviceaccount:other:app", "system:serviceaccount:deploy:app")
EDITED = EDITED.replace("expect: denied", "expect: {rule: deploy}")
BROAD = k8s_rule("deploy", "deploy").replace(
    "system:serviceaccount:deploy:app", "system:serviceaccount:*"
)


def _main(emulator: RunningEmulator, tmp_path: Path) -> tuple[Path, Path]:
    main = write(
        tmp_path / "main",
        {"fedctl.yaml": k8s_org(k8s_rule("deploy", "deploy")), "k8s.access-test.yaml": CASES},
    )
    assert run_api(emulator, "apply", str(main), "--auto-approve").exit_code == 0
    return main, take_snapshot(emulator, main, tmp_path / "snapshot.json")


def _pr(tmp_path: Path) -> Path:
    return write(tmp_path / "pr", {"fedctl.yaml": k8s_org(BROAD), "k8s.access-test.yaml": EDITED})


def test_an_access_test_edited_by_the_pr_still_runs_as_on_main(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    main, snapshot = _main(emulator, tmp_path)
    pr = _pr(tmp_path)
    # The hole: the PR's own cases pass.
    assert offline("test", str(pr)).exit_code == 0

    tested = offline("test", str(pr), "--guards-from", str(main))
    assert tested.exit_code == 1, tested.output
    assert (
        "FAIL another namespace is denied (as in " in tested.output
        and "expected denied, got rule deploy" in tested.output
    )

    planned = offline("plan", str(pr), "--snapshot", str(snapshot), "--fail-on", "test-change")
    assert planned.exit_code == 4, planned.output
    assert (
        "another namespace is denied (as in snapshot): denied (no rule accepts it) -> rule "
        "deploy" in planned.output
    )
    assert "weakens access_tests: case 'another namespace is denied' edited" in planned.output


def test_a_deleted_access_test_is_a_weakening_and_fails_broadening(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    _main_folder, snapshot = _main(emulator, tmp_path)
    pr = write(tmp_path / "pr", {"fedctl.yaml": k8s_org(k8s_rule("deploy", "deploy"))})
    planned = offline(
        "plan", str(pr), "--snapshot", str(snapshot), "--fail-on", "broadening", "--format", "json"
    )
    assert planned.exit_code == 4, planned.output
    assert "error: --fail-on broadening: this plan weakens a guard." in planned.stderr
    document = json.loads(planned.stdout)
    jsonschema.validate(document, SCHEMA)
    assert document["guardrail_changes"] == [
        {
            "guard": "access_tests",
            "effect": "weakens",
            "detail": "case 'another namespace is denied' deleted",
        }
    ]
    assert document["guard_sources"][0] == "configuration"
    assert document["guard_sources"][1].startswith("snapshot sha256:")


def test_plan_tests_runs_cases_kept_outside_the_configuration(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    config = write(tmp_path / "pr", {"fedctl.yaml": k8s_org(k8s_rule("deploy", "deploy"))})
    assert run_api(emulator, "apply", str(config), "--auto-approve").exit_code == 0
    security = write(tmp_path / "security", {"k8s.access-test.yaml": CASES})
    (config / "fedctl.yaml").write_text(k8s_org(BROAD))
    planned = run_api(
        emulator,
        "plan",
        str(config),
        "--tests",
        str(security / "k8s.access-test.yaml"),
        "--fail-on",
        "test-change",
    )
    assert planned.exit_code == 4, planned.output
    assert (
        "another namespace is denied: denied (no rule accepts it) -> rule deploy" in planned.output
    )


def test_a_snapshot_records_tests_files_and_an_edit_of_one_is_shown(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    config = write(tmp_path / "main", {"fedctl.yaml": k8s_org(k8s_rule("deploy", "deploy"))})
    assert run_api(emulator, "apply", str(config), "--auto-approve").exit_code == 0
    tests = write(tmp_path / "security", {"k8s.access-test.yaml": CASES}) / "k8s.access-test.yaml"
    snapshot = tmp_path / "snapshot.json"
    taken = run_api(
        emulator, "snapshot", str(config), "--tests", str(tests), "--out", str(snapshot)
    )
    assert taken.exit_code == 0, taken.output
    tests.write_text(EDITED)
    planned = offline(
        "plan",
        str(config),
        "--snapshot",
        str(snapshot),
        "--tests",
        str(tests),
        "--fail-on",
        "guardrail-change",
    )
    assert planned.exit_code == 4, planned.output
    assert "weakens access_tests: case 'another namespace is denied' edited" in planned.output
    assert "error: --fail-on guardrail-change: this plan changes a guard." in planned.stderr
