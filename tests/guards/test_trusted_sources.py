"""Where trusted guards come from: a snapshot whose digest covers them, a git revision read
through git (never the working tree), a separate checkout; and the two-step way to change a
guard (merge the guard change, snapshot, then the change it allows)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from fedctl.core.state import LiveState
from fedctl.emulator.server import RunningEmulator
from fedctl.live.snapshot import snapshot_digest
from tests.guards.helpers import POLICY, apply_with_snapshot, offline, take_snapshot, write, writes
from tests.support.cli import k8s_org, k8s_rule, run_api

PROTECTED = "settings:\n  protect: [rule/prod-*]\n"
RULES = (k8s_rule("prod-deploy", "deploy"), k8s_rule("build", "build"))


def _protected_main(emulator: RunningEmulator, tmp_path: Path) -> tuple[Path, Path]:
    main = write(tmp_path / "main", {"fedctl.yaml": PROTECTED + k8s_org(*RULES)})
    assert run_api(emulator, "apply", str(main), "--auto-approve").exit_code == 0
    return main, take_snapshot(emulator, main, tmp_path / "snapshot.json")


def _live_rules(emulator: RunningEmulator, tmp_path: Path) -> set[str]:
    out = tmp_path / "live.json"
    assert run_api(emulator, "snapshot", "--out", str(out)).exit_code == 0
    return set(json.loads(out.read_text())["state"]["rules"])


def test_a_snapshot_edited_to_drop_protection_is_refused(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    _main, snapshot = _protected_main(emulator, tmp_path)
    document = json.loads(snapshot.read_text())
    document["guards"]["settings.protect"] = []
    snapshot.write_text(json.dumps(document))
    pr = write(tmp_path / "pr", {"fedctl.yaml": k8s_org(RULES[1])})

    applied = apply_with_snapshot(emulator, pr, snapshot, "--prune")
    assert applied.exit_code == 1, applied.output
    assert "snapshot digest mismatch: the file records sha256:" in applied.output
    assert "its state and guards hash to sha256:" in applied.output
    assert writes(emulator) == []
    assert "prod-deploy" in _live_rules(emulator, tmp_path)


def test_a_forged_snapshot_cannot_loosen_below_guards_from(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    """A forger who also recomputes the digest: --guards-from main still protects."""
    main, snapshot = _protected_main(emulator, tmp_path)
    document = json.loads(snapshot.read_text())
    document["guards"]["settings.protect"] = []
    state = LiveState.model_validate(document["state"])
    document["digest"] = snapshot_digest(state, document["guards"])
    snapshot.write_text(json.dumps(document))
    pr = write(tmp_path / "pr", {"fedctl.yaml": k8s_org(RULES[1])})

    forged_alone = offline("plan", str(pr), "--prune", "--snapshot", str(snapshot))
    assert forged_alone.exit_code == 0  # a forged snapshot alone is the documented limit
    applied = apply_with_snapshot(emulator, pr, snapshot, "--prune", "--guards-from", str(main))
    assert applied.exit_code == 1, applied.output
    assert f"rule/prod-deploy is protected in {main} and this plan would archive" in (
        applied.output
    )
    assert writes(emulator) == []


def test_a_format_1_snapshot_is_refused_with_the_reason(tmp_path: Path) -> None:
    snapshot = tmp_path / "old.json"
    snapshot.write_text(json.dumps({"format": "fedctl-snapshot", "format_version": 1}))
    config = write(tmp_path / "c", {"fedctl.yaml": k8s_org(RULES[1])})
    result = offline("plan", str(config), "--snapshot", str(snapshot))
    assert result.exit_code == 1
    assert (
        f"{snapshot}: snapshot format_version 1 is not 2 (format 1 kept settings.protect and "
        "policy digests outside its digest, so they could be edited unseen); take a new "
        "snapshot with this fedctl"
    ) in result.output


@pytest.mark.parametrize(
    ("guards", "message"),
    [
        ({"settings.max_archives": -1}, "settings.max_archives: -1 is outside 0..1000"),
        ({"settings.protect": ["x y"]}, "settings.protect.0: String should match pattern"),
        ({"settings.unprotect": []}, "guards: 'settings.unprotect' is no guard this fedctl"),
        (
            {"access_tests": [{"name": "a", "definition": {"name": "a", "expect": "maybe"}}]},
            "access_tests",
        ),
    ],
)
def test_hostile_guards_in_a_snapshot_are_refused(
    emulator: RunningEmulator, tmp_path: Path, guards: dict[str, object], message: str
) -> None:
    _main, snapshot = _protected_main(emulator, tmp_path)
    document = json.loads(snapshot.read_text())
    document["guards"] = guards
    document["digest"] = snapshot_digest(LiveState.model_validate(document["state"]), guards)
    snapshot.write_text(json.dumps(document))
    result = offline("plan", str(tmp_path / "main"), "--snapshot", str(snapshot))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_two_step_guard_change_unprotect_then_archive(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    _main, before = _protected_main(emulator, tmp_path)
    # Step 1: the pull request that only drops the protection; shown, gated on request.
    step1 = write(tmp_path / "step1", {"fedctl.yaml": k8s_org(*RULES)})
    reviewed = offline("plan", str(step1), "--snapshot", str(before))
    assert reviewed.exit_code == 0, reviewed.output
    assert "weakens settings.protect: pattern 'rule/prod-*' removed" in reviewed.output
    gated = offline("plan", str(step1), "--snapshot", str(before), "--fail-on", "guardrail-change")
    assert gated.exit_code == 4
    assert apply_with_snapshot(emulator, step1, before).exit_code == 0
    # Archiving in the same run as the unprotect is still refused against the old snapshot.
    step2 = write(tmp_path / "step2", {"fedctl.yaml": k8s_org(RULES[1])})
    early = apply_with_snapshot(emulator, step2, before, "--prune")
    assert early.exit_code == 1
    assert "rule/prod-deploy is protected in snapshot sha256:" in early.output
    assert writes(emulator) == []
    # Step 2: after the merge, main's new snapshot no longer protects it.
    after = take_snapshot(emulator, step1, tmp_path / "after.json")
    planned = offline("plan", str(step2), "--prune", "--snapshot", str(after))
    assert planned.exit_code == 0, planned.output
    assert "- rule/prod-deploy" in planned.output
    applied = apply_with_snapshot(emulator, step2, after, "--prune")
    assert applied.exit_code == 0, applied.output
    assert "prod-deploy" not in _live_rules(emulator, tmp_path)


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _repository(tmp_path: Path) -> Path:
    """main: federation/ with a policy in policies/; branch pr deletes the policy file and
    its setting and ships a 7200 s rule. The work tree is left on pr."""
    repo = tmp_path / "repo"
    write(
        repo,
        {
            "federation/fedctl.yaml": "settings:\n  policy_files: [../policies/base.yaml]\n"
            + k8s_org(k8s_rule("deploy", "deploy")),
            "policies/base.yaml": POLICY,
        },
    )
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "main")
    _git(repo, "checkout", "-qb", "pr")
    (repo / "policies" / "base.yaml").unlink()
    long_lived = "workspaces: [production]\n    token_lifetime_seconds: 7200"
    (repo / "federation" / "fedctl.yaml").write_text(
        k8s_org(k8s_rule("deploy", "deploy", extra=long_lived))
    )
    _git(repo, "commit", "-qam", "pr")
    return repo


def test_guards_from_a_git_revision_keep_a_deleted_policy(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    repo = _repository(tmp_path)
    federation = repo / "federation"
    assert offline("policy", str(federation)).exit_code == 0  # the hole, on the PR alone

    checked = offline("policy", str(federation), "--guards-from", "main")
    assert checked.exit_code == 1, checked.output
    assert "short-lived-tokens" in checked.output

    planned = run_api(emulator, "plan", str(federation), "--guards-from", "main")
    assert planned.exit_code == 1, planned.output
    assert "deny: policy short-lived-tokens: rule/deploy" in planned.output
    commit = _git(repo, "rev-parse", "main").strip()[:12]
    assert f"the strictest of configuration, main ({commit})" in planned.output
    assert (
        "weakens settings.policy_files: policy file '../policies/base.yaml' removed"
        in planned.output
    )


def test_guards_from_a_revision_ignore_the_working_tree(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    """An uncommitted edit of main's files in the work tree is not what main says."""
    repo = _repository(tmp_path)
    # Where main's policy file was, the work tree now holds a loosened, uncommitted copy.
    (repo / "policies" / "base.yaml").write_text(POLICY.replace("<= 3600", "<= 86400"))
    checked = offline("policy", str(repo / "federation"), "--guards-from", "main")
    assert checked.exit_code == 1, checked.output


def test_guards_from_a_folder_of_the_same_work_tree_is_refused(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    result = offline("policy", str(repo / "federation"), "--guards-from", str(repo / "federation"))
    assert result.exit_code == 1
    assert "is in the same git work tree as" in result.output


def test_guards_from_an_unknown_revision_says_so(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    result = offline("policy", str(repo / "federation"), "--guards-from", "origin/nope")
    assert result.exit_code == 1
    assert "error: --guards-from origin/nope: not a revision of this repository" in result.output
    assert "Traceback" not in result.output


def test_guards_from_a_folder_inside_the_configuration_is_refused_without_git(
    tmp_path: Path,
) -> None:
    config = write(tmp_path / "c", {"fedctl.yaml": k8s_org(RULES[1])})
    result = offline("policy", str(config), "--guards-from", str(config))
    assert result.exit_code == 1
    assert "the change under review could have written it" in result.output


def test_apply_on_main_with_guards_from_the_first_parent_holds_the_old_protection(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    """The main-branch job after a merge that unprotects and archives in one change:
    `apply --guards-from HEAD^1` reads main before the merge, so nothing is archived."""
    repo = tmp_path / "repo"
    write(repo, {"federation/fedctl.yaml": PROTECTED + k8s_org(*RULES)})
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "main")
    federation = repo / "federation"
    assert run_api(emulator, "apply", str(federation), "--auto-approve").exit_code == 0
    (federation / "fedctl.yaml").write_text(k8s_org(RULES[1]))
    _git(repo, "commit", "-qam", "unprotect and archive")
    emulator.reset_request_log()
    applied = run_api(
        emulator, "apply", str(federation), "--prune", "--auto-approve", "--guards-from", "HEAD^1"
    )
    assert applied.exit_code == 1, applied.output
    assert "rule/prod-deploy is protected in HEAD^1 (" in applied.output
    assert writes(emulator) == []


def test_a_revision_whose_configuration_does_not_load_is_located_at_the_revision(
    tmp_path: Path,
) -> None:
    repo = _repository(tmp_path)
    _git(repo, "checkout", "-q", "main")
    (repo / "federation" / "extra.yaml").write_text("bogus: 1\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "broken")
    _git(repo, "checkout", "-q", "pr")
    result = offline("policy", str(repo / "federation"), "--guards-from", "main")
    assert result.exit_code == 1
    assert result.output.startswith(
        'error: main:federation/extra.yaml:1:1: bogus: unknown key "bogus"'
    )
