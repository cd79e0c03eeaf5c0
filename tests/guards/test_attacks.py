"""Issue 25: a pull request cannot weaken the checks it is judged by.

Each test is one attack from the issue, performed the way the pull-request author would:
main's configuration is applied and snapshotted (`fedctl snapshot PATH`), the pull
request edits the guard together with the change it guards, and the review job (`plan
--snapshot`) or the main-branch job (`apply --snapshot`) must still hold main's guard.
Attacks that could write assert that nothing was written.
"""

from __future__ import annotations

import json
from pathlib import Path

from fedctl.emulator.server import RunningEmulator
from tests.guards.helpers import (
    POLICY,
    apply_with_snapshot,
    offline,
    take_snapshot,
    write,
    writes,
)
from tests.support.cli import k8s_org, k8s_rule, run_api

LONG_TOKENS = "workspaces: [production]\n    token_lifetime_seconds: 7200"


POLICY_SETTINGS = "settings:\n  policy_files: [../policies/base.yaml]\n"


def _policy_main(emulator: RunningEmulator, tmp_path: Path) -> tuple[Path, Path]:
    """Main: one rule and a policy file outside the configuration folder, applied; its
    snapshot records the policy."""
    files = {
        "federation/fedctl.yaml": POLICY_SETTINGS + k8s_org(k8s_rule("deploy", "deploy")),
        "policies/base.yaml": POLICY,
    }
    main = write(tmp_path / "main", files) / "federation"
    assert run_api(emulator, "apply", str(main), "--auto-approve").exit_code == 0
    return main, take_snapshot(emulator, main, tmp_path / "snapshot.json")


def test_policy_files_emptied_by_the_pr_still_judge_it(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    main, snapshot = _policy_main(emulator, tmp_path)

    pr = (
        write(
            tmp_path / "pr",
            {
                "federation/fedctl.yaml": "settings:\n  policy_files: []\n"
                + k8s_org(k8s_rule("deploy", "deploy", extra=LONG_TOKENS))
            },
        )
        / "federation"
    )
    # Without main's guards the policy is gone: this is the hole.
    assert offline("policy", str(pr)).exit_code == 0

    planned = offline("plan", str(pr), "--snapshot", str(snapshot))
    assert planned.exit_code == 1, planned.output
    assert "deny: policy short-lived-tokens: rule/deploy" in planned.output
    assert (
        "weakens settings.policy_files: policy file '../policies/base.yaml' removed from "
        "settings.policy_files"
    ) in planned.output
    assert (
        "error: rule/deploy: refused by the policy check apply runs: policy short-lived-tokens "
        "denies rule/deploy"
    ) in planned.output

    checked = offline("policy", str(pr), "--guards-from", str(main))
    assert checked.exit_code == 1, checked.output
    assert "short-lived-tokens" in checked.output


def test_an_edited_policy_runs_in_both_versions(emulator: RunningEmulator, tmp_path: Path) -> None:
    settings = POLICY_SETTINGS
    _main, snapshot = _policy_main(emulator, tmp_path)
    pr = (
        write(
            tmp_path / "pr",
            {
                "federation/fedctl.yaml": settings
                + k8s_org(k8s_rule("deploy", "deploy", extra=LONG_TOKENS)),
                "policies/base.yaml": POLICY.replace("<= 3600", "<= 86400"),
            },
        )
        / "federation"
    )
    planned = offline("plan", str(pr), "--snapshot", str(snapshot))
    assert planned.exit_code == 1, planned.output
    assert "deny: policy short-lived-tokens-snapshot: rule/deploy" in planned.output
    assert (
        "weakens settings.policy_files: policy file '../policies/base.yaml' edited"
        in planned.output
    )


LINT_MAIN = """\
service_accounts:
  - name: web-deployer
    workspaces:
      - workspace: production
        role: workspace_developer
issuers:
  - name: github
    issuer_url: https://token.actions.githubusercontent.com
rules:
  - name: web
    issuer: github
    service_account: web-deployer
    match:
      subject_prefix: "repo:acme/web:ref:refs/heads/main"
      audience: https://api.anthropic.com
      claims: {event_name: push}
    oauth_scope: workspace:inference
    workspaces: [production]
"""
WIDE = 'subject_prefix: "repo:acme/web:*"'


def _widened() -> str:
    """The pull request's rule: any ref and any event, so pull_request runs get in (FED001;
    with `event_name: push` kept they would not, and the solver-backed lint knows it)."""
    wide = LINT_MAIN.replace('subject_prefix: "repo:acme/web:ref:refs/heads/main"', WIDE)
    return wide.replace("      claims: {event_name: push}\n", "")


def _lint_main(emulator: RunningEmulator, tmp_path: Path) -> tuple[Path, Path]:
    main = write(tmp_path / "main", {"fedctl.yaml": LINT_MAIN})
    assert run_api(emulator, "apply", str(main), "--auto-approve").exit_code == 0
    return main, take_snapshot(emulator, main, tmp_path / "snapshot.json")


def test_lint_gate_switched_off_by_the_pr_still_blocks(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    _main, snapshot = _lint_main(emulator, tmp_path)
    widened = _widened()
    pr = write(
        tmp_path / "pr",
        {"fedctl.yaml": "settings:\n  lint:\n    block_apply: false\n" + widened},
    )
    applied = apply_with_snapshot(emulator, pr, snapshot)
    assert applied.exit_code == 1, applied.output
    assert (
        "refused by the lint check apply runs: 1 lint error (FED001 on rule/web) while "
        "settings.lint.block_apply is on"
    ) in applied.output
    assert writes(emulator) == []
    planned = offline("plan", str(pr), "--snapshot", str(snapshot))
    assert "weakens settings.lint.block_apply: turned off" in planned.output


def test_a_lint_ignore_added_by_the_pr_does_not_silence(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    _main, snapshot = _lint_main(emulator, tmp_path)
    widened = _widened()
    silenced = widened + "    lint: {ignore: [FED001], reason: trust me}\n"
    pr = write(tmp_path / "pr", {"fedctl.yaml": silenced})
    applied = apply_with_snapshot(emulator, pr, snapshot)
    assert applied.exit_code == 1, applied.output
    assert "1 lint error (FED001 on rule/web)" in applied.output
    assert writes(emulator) == []
    planned = offline("plan", str(pr), "--snapshot", str(snapshot))
    assert "weakens lint.ignore: rule/web now ignores FED001" in planned.output


def test_max_archives_raised_by_the_pr_still_holds(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    rules = [k8s_rule(name, name) for name in ("keep", "one", "two", "three")]
    main = write(
        tmp_path / "main", {"fedctl.yaml": "settings:\n  max_archives: 1\n" + k8s_org(*rules)}
    )
    assert run_api(emulator, "apply", str(main), "--auto-approve").exit_code == 0
    snapshot = take_snapshot(emulator, main, tmp_path / "snapshot.json")
    pr = write(
        tmp_path / "pr",
        {"fedctl.yaml": "settings:\n  max_archives: 1000\n" + k8s_org(rules[0])},
    )
    applied = apply_with_snapshot(emulator, pr, snapshot, "--prune")
    assert applied.exit_code == 1, applied.output
    assert "the plan archives 3 resources (replacements included), 2 over " in applied.output
    assert "settings.max_archives (1)" in applied.output
    assert writes(emulator) == []
    planned = offline("plan", str(pr), "--prune", "--snapshot", str(snapshot))
    assert "weakens settings.max_archives: raised from 1 to 1000" in planned.output


KEYS = [
    {"name": "ci-legacy", "status": "active", "workspace": "production"},
    {"name": "local-dev", "status": "active", "workspace": "staging"},
    {"name": "billing", "status": "active", "workspace": "staging"},
]
ALLOW_ALL = """\
api_keys:
  manage: true
  allow_active:
    - {name: ci-legacy, reason: until the migration}
    - {name: local-dev, reason: laptops}
    - {name: billing, reason: the export}
"""


def test_key_limit_and_allowances_from_the_pr_do_not_deactivate_every_key(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps(KEYS))
    org = k8s_org(k8s_rule("deploy", "deploy"))
    main = write(
        tmp_path / "main",
        {"fedctl.yaml": "settings:\n  max_key_deactivations: 1\n" + org, "keys.yaml": ALLOW_ALL},
    )
    assert run_api(emulator, "apply", str(main), "--auto-approve").exit_code == 0
    emulator.load_api_keys(str(keys))
    snapshot = take_snapshot(emulator, main, tmp_path / "snapshot.json")
    pr = write(
        tmp_path / "pr",
        {
            "fedctl.yaml": "settings:\n  max_key_deactivations: 1000\n" + org,
            "keys.yaml": "api_keys:\n  manage: true\n  allow_active:\n"
            "    - {name: billing, reason: the export}\n",
        },
    )
    applied = apply_with_snapshot(emulator, pr, snapshot)
    assert applied.exit_code == 1, applied.output
    assert "the plan deactivates 2 API keys, 1 over settings.max_key_deactivations (1)" in (
        applied.output
    )
    assert writes(emulator) == []
    planned = offline("plan", str(pr), "--snapshot", str(snapshot))
    assert "weakens settings.max_key_deactivations: raised from 1 to 1000" in planned.output
    assert "strengthens api_keys.allow_active: allowed active key name:ci-legacy removed" in (
        planned.output
    )


def test_an_allowance_added_by_the_pr_is_not_honoured_yet(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps(KEYS[:1]))
    org = k8s_org(k8s_rule("deploy", "deploy"))
    main = write(
        tmp_path / "main", {"fedctl.yaml": org, "keys.yaml": "api_keys:\n  manage: true\n"}
    )
    assert run_api(emulator, "apply", str(main), "--auto-approve").exit_code == 0
    emulator.load_api_keys(str(keys))
    snapshot = take_snapshot(emulator, main, tmp_path / "snapshot.json")
    pr = write(
        tmp_path / "pr",
        {
            "fedctl.yaml": org,
            "keys.yaml": "api_keys:\n  manage: true\n  allow_active:\n"
            "    - {name: ci-legacy, reason: please}\n",
        },
    )
    planned = offline("plan", str(pr), "--snapshot", str(snapshot))
    assert planned.exit_code == 0, planned.output
    assert "1 API key(s) to deactivate" in planned.output
    assert "weakens api_keys.allow_active: allowed active key name:ci-legacy added" in (
        planned.output
    )


def test_a_saved_plan_is_refused_under_the_snapshots_limits(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    # The plan runs every check apply runs (the gate), under the snapshot's limit: the
    # pull request's raised max_archives saves no plan, and apply refuses alike.
    rules = [k8s_rule(name, name) for name in ("keep", "one", "two")]
    main = write(
        tmp_path / "main", {"fedctl.yaml": "settings:\n  max_archives: 1\n" + k8s_org(*rules)}
    )
    assert run_api(emulator, "apply", str(main), "--auto-approve").exit_code == 0
    snapshot = take_snapshot(emulator, main, tmp_path / "snapshot.json")
    pr = write(
        tmp_path / "pr",
        {"fedctl.yaml": "settings:\n  max_archives: 1000\n" + k8s_org(rules[0])},
    )
    plan_file = tmp_path / "plan.json"
    saved = offline(
        "plan", str(pr), "--prune", "--snapshot", str(snapshot), "--out", str(plan_file)
    )
    assert saved.exit_code == 1, saved.output
    assert "2 resources (replacements included), 1 over settings.max_archives (1)" in (saved.output)
    assert not plan_file.exists()
    emulator.reset_request_log()
    applied = run_api(
        emulator, "apply", str(pr), "--prune", "--snapshot", str(snapshot), "--auto-approve"
    )
    assert applied.exit_code == 1, applied.output
    assert "2 resources (replacements included), 1 over settings.max_archives (1)" in (
        applied.output
    )
    assert writes(emulator) == []
