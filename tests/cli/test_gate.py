"""The gate (fedctl.apply.gate) as an attacker meets it, through the CLI against the
emulator (issue 25 items 5, 6, 8; issue 30 items 2, 3): protection follows the resource
through a rename, apply evaluates policies, a saved plan's options come from apply's
command line, limits fit small organizations, and plan refuses what apply would."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator
from tests.support.cli import run_api

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "plan.schema.json"
POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies" / "policies.yaml"

ISSUERS = """\
issuers:
  - name: k8s
    issuer_url: https://k8s.acme-corp.dev
  - name: k8s-new
    issuer_url: https://k8s-new.acme-corp.dev
"""


def account(name: str, previous: str = "") -> str:
    before = f"\n    previous_names: [{previous}]" if previous else ""
    return (
        f"  - name: {name}{before}\n    workspaces:\n"
        "      - {workspace: production, role: workspace_developer}\n"
    )


def rule(
    name: str,
    *,
    issuer: str = "k8s",
    account_name: str = "ci",
    previous: str = "",
    lifetime: int = 600,
) -> str:
    before = f"\n    previous_names: [{previous}]" if previous else ""
    return (
        f"  - name: {name}{before}\n    issuer: {issuer}\n    service_account: {account_name}\n"
        f'    match:\n      subject_prefix: "system:serviceaccount:{name}:app"\n'
        f"      audience: https://api.anthropic.com\n"
        f"    oauth_scope: workspace:developer\n    workspaces: [production]\n"
        f"    token_lifetime_seconds: {lifetime}\n"
    )


NO_PRUNE = "settings:\n  prune: false\n"


def write(folder: Path, *, accounts: list[str], rules: list[str], settings: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = settings + "service_accounts:\n" + "".join(accounts) + ISSUERS
    (folder / "fedctl.yaml").write_text(text + "rules:\n" + "".join(rules))
    return folder


def writes(emulator: RunningEmulator) -> list[tuple[str, str]]:
    return [call for call in emulator.requests() if call[0] != "GET"]


def main_and_snapshot(emulator: RunningEmulator, main: Path, tmp_path: Path) -> Path:
    applied = run_api(emulator, "apply", str(main), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    snapshot = tmp_path / "snapshot.json"
    assert run_api(emulator, "snapshot", str(main), "--out", str(snapshot)).exit_code == 0
    emulator.reset_request_log()
    return snapshot


def live_names(emulator: RunningEmulator, what: str) -> list[str]:
    store = emulator.store
    if what == "rules":
        data = store.list_rules(include_archived=False, limit=100, page=None, issuer_id=None)
    else:
        data = store.list_service_accounts(include_archived=False, limit=100, page=None)
    return sorted(item["name"] for item in data["data"])


# --- protection follows the resource (issue 25 item 5) ------------------------------


def test_renaming_a_protected_rule_and_moving_its_issuer_is_refused(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    protect = "settings:\n  protect: [rule/prod-*]\n"
    main = write(tmp_path / "main", accounts=[account("ci")], rules=[rule("prod-deploy")])
    (main / "fedctl.yaml").write_text(protect + (main / "fedctl.yaml").read_text())
    snapshot = main_and_snapshot(emulator, main, tmp_path)
    # The pull request: a new name (previous_names keeps the match) and another issuer,
    # which forces a replace: the live prod-deploy would be archived.
    change = write(
        tmp_path / "pr",
        accounts=[account("ci")],
        rules=[rule("x-deploy", previous="prod-deploy", issuer="k8s-new")],
        settings=protect,
    )
    planned = CliRunner().invoke(cli, ["plan", str(change), "--snapshot", str(snapshot)])
    assert planned.exit_code == 1
    assert re.search(
        r"rule/x-deploy \(live rule/prod-deploy, fdrl_\w+, matched by rule/prod-\*\) is "
        r"protected in snapshot sha256:",
        planned.stderr,
    )

    applied = run_api(emulator, "apply", str(change), "--snapshot", str(snapshot), "--auto-approve")

    assert applied.exit_code == 1
    assert "error: rule/x-deploy: refused by the protection check apply runs" in applied.stderr
    assert writes(emulator) == []
    assert live_names(emulator, "rules") == ["prod-deploy"]


def test_renaming_a_protected_service_account_is_refused(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    protect = "settings:\n  protect: [service_account/fedctl-admin]\n"
    main = write(
        tmp_path / "main",
        accounts=[account("fedctl-admin")],
        rules=[rule("deploy", account_name="fedctl-admin")],
        settings=protect,
    )
    snapshot = main_and_snapshot(emulator, main, tmp_path)
    change = write(
        tmp_path / "pr",
        accounts=[account("fedctl-admin-v2", previous="fedctl-admin")],
        rules=[rule("deploy", account_name="fedctl-admin-v2")],
    )

    applied = run_api(emulator, "apply", str(change), "--snapshot", str(snapshot), "--auto-approve")

    assert applied.exit_code == 1
    assert re.search(
        r"service_account/fedctl-admin-v2 \(live service_account/fedctl-admin, svac_\w+, "
        r"matched by service_account/fedctl-admin\) is protected in snapshot",
        applied.stderr,
    )
    assert writes(emulator) == []
    assert live_names(emulator, "accounts") == ["fedctl-admin"]


def test_a_protect_entry_may_name_a_live_id(emulator: RunningEmulator, tmp_path: Path) -> None:
    main = write(tmp_path / "main", accounts=[account("ci")], rules=[rule("deploy")])
    main_and_snapshot(emulator, main, tmp_path)
    listed = emulator.store.list_rules(include_archived=False, limit=10, page=None, issuer_id=None)
    (rule_id,) = [r["id"] for r in listed["data"] if r["name"] == "deploy"]
    change = write(
        tmp_path / "pr",
        accounts=[account("ci")],
        rules=[rule("renamed", previous="deploy", issuer="k8s-new")],
        settings=f"settings:\n  protect: [{rule_id}]\n",
    )

    applied = run_api(emulator, "apply", str(change), "--auto-approve")

    assert applied.exit_code == 1
    assert (
        f"rule/renamed (live rule/deploy, {rule_id}, matched by {rule_id}) is protected by "
        "settings.protect" in applied.stderr
    )
    assert writes(emulator) == []


# --- apply evaluates policies (issue 25 item 6) --------------------------------------


def shipped_policy(tmp_path: Path, name: str) -> Path:
    """A file holding only the shipped policy `name` (examples/policies/policies.yaml)."""
    policies = yaml.safe_load(POLICIES.read_text())["policies"]
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"policies": [p for p in policies if p["name"] == name]}))
    return path


def test_apply_refuses_what_the_policies_deny(emulator: RunningEmulator, tmp_path: Path) -> None:
    policy = shipped_policy(tmp_path, "short-lived-tokens")
    settings = f"settings:\n  policy_files: [{policy}]\n"
    config = write(tmp_path / "c", accounts=[account("ci")], rules=[rule("deploy", lifetime=7200)])
    (config / "fedctl.yaml").write_text(settings + (config / "fedctl.yaml").read_text())
    assert CliRunner().invoke(cli, ["policy", str(config)]).exit_code == 1

    applied = run_api(emulator, "apply", str(config), "--auto-approve")

    assert applied.exit_code == 1
    assert applied.stderr.splitlines()[-1] == (
        "error: rule/deploy: refused by the policy check apply runs: policy short-lived-tokens "
        "denies rule/deploy: No rule mints an Anthropic token that lives longer than 15 minutes."
    )
    assert writes(emulator) == []


# --- saved plans bind their options (issue 25 item 8) --------------------------------


def test_a_saved_plan_tampered_to_prune_is_refused(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    both = write(tmp_path / "both", accounts=[account("ci")], rules=[rule("a"), rule("b")])
    assert run_api(emulator, "apply", str(both), "--auto-approve").exit_code == 0
    # Prune off in the files (it is on by default), so --prune is what reshapes the plan.
    config = write(tmp_path / "c", accounts=[account("ci")], rules=[rule("a")], settings=NO_PRUNE)
    reviewed, pruning = tmp_path / "reviewed.json", tmp_path / "pruning.json"
    assert run_api(emulator, "plan", str(config), "--out", str(reviewed)).exit_code == 0
    made = run_api(emulator, "plan", str(config), "--prune", "--out", str(pruning))
    assert made.exit_code == 0, made.output
    # The attack: the reviewed file, with the shape and steps of the --prune plan.
    document = json.loads(reviewed.read_text())
    prune = json.loads(pruning.read_text())
    for key in ("shape", "steps", "changes", "live_versions"):
        document[key] = prune[key]
    reviewed.write_text(json.dumps(document))
    emulator.reset_request_log()

    applied = run_api(emulator, "apply", str(reviewed), "--config", str(config), "--auto-approve")

    assert applied.exit_code == 1
    assert "--prune (the plan: on; this apply: off)" in applied.stderr
    assert emulator.requests() == []
    assert live_names(emulator, "rules") == ["a", "b"]


def test_a_saved_plan_applies_with_the_options_it_was_made_with(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    both = write(tmp_path / "both", accounts=[account("ci")], rules=[rule("a"), rule("b")])
    assert run_api(emulator, "apply", str(both), "--auto-approve").exit_code == 0
    config = write(tmp_path / "c", accounts=[account("ci")], rules=[rule("a")], settings=NO_PRUNE)
    saved = tmp_path / "plan.json"
    made = run_api(emulator, "plan", str(config), "--prune", "--out", str(saved))
    assert made.exit_code == 0, made.output
    assert made.stdout.splitlines()[-1].startswith(
        f"Saved the plan to {saved}; apply it with: fedctl apply {saved} --config "
    )
    assert " --prune --base-url " in made.stdout.splitlines()[-1]
    without = run_api(emulator, "apply", str(saved), "--config", str(config), "--auto-approve")
    assert without.exit_code == 1
    assert "--prune (the plan: on; this apply: off)" in without.stderr
    applied = run_api(
        emulator, "apply", str(saved), "--config", str(config), "--prune", "--auto-approve"
    )
    assert applied.exit_code == 0, applied.output
    assert live_names(emulator, "rules") == ["a"]


# --- limits with a minimum, checked by plan (issue 30 item 2) ------------------------


def organization(folder: Path, rules: int, *, changed: int = 0) -> Path:
    """One service account, two issuers and `rules` rules, the first `changed` with a
    shorter token lifetime: `rules + 3` managed resources."""
    return write(
        folder,
        accounts=[account("ci")],
        rules=[rule(f"r{i:02d}", lifetime=300 if i < changed else 600) for i in range(rules)],
    )


def test_four_of_eleven_changes_apply_without_an_override(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    start = organization(tmp_path / "start", 8)
    assert run_api(emulator, "apply", str(start), "--auto-approve").exit_code == 0
    changed = organization(tmp_path / "changed", 8, changed=4)
    planned = run_api(emulator, "plan", str(changed), "--format", "json")
    assert planned.exit_code == 0, planned.output
    assert json.loads(planned.stdout)["gate"] == "passed"
    applied = run_api(emulator, "apply", str(changed), "--auto-approve")
    assert applied.exit_code == 0, applied.output


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_fifteen_of_forty_are_refused_by_plan_and_apply_alike(
    emulator: RunningEmulator, tmp_path: Path, command: str
) -> None:
    start = organization(tmp_path / "start", 37)
    assert run_api(emulator, "apply", str(start), "--auto-approve").exit_code == 0
    changed = organization(tmp_path / "changed", 37, changed=15)
    emulator.reset_request_log()
    extra = ["--auto-approve"] if command == "apply" else []

    refused = run_api(emulator, command, str(changed), *extra)

    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[-1].startswith(
        "error: rule/r00, rule/r01, rule/r02, rule/r03, rule/r04, rule/r05, rule/r06, rule/r07, "
        "rule/r08, rule/r09, and 5 more: refused by the safety-limits check apply runs: the "
        "plan updates or replaces 15 of 40 managed resources (38%), 8 points over "
        "settings.max_changes_percent (30%"
    )
    assert writes(emulator) == []
    allowed = run_api(emulator, command, str(changed), *extra, "--allow-large-changes")
    assert allowed.exit_code == 0, allowed.output


def test_the_json_plan_lists_refusals(emulator: RunningEmulator, tmp_path: Path) -> None:
    start = organization(tmp_path / "start", 37)
    assert run_api(emulator, "apply", str(start), "--auto-approve").exit_code == 0
    changed = organization(tmp_path / "changed", 37, changed=15)
    planned = run_api(emulator, "plan", str(changed), "--format", "json")
    assert planned.exit_code == 1
    document = json.loads(planned.stdout)
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(document)
    assert document["gate"] == "refused"
    (refusal,) = document["refusals"]
    assert (refusal["check"], refusal["override"], refusal["overridden"]) == (
        "safety-limits",
        "--allow-large-changes",
        False,
    )


# --- archived names (issue 30 item 3) ------------------------------------------------


def test_a_name_an_archived_rule_holds_is_refused_at_plan_time(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    both = write(tmp_path / "both", accounts=[account("ci")], rules=[rule("a"), rule("b")])
    assert run_api(emulator, "apply", str(both), "--auto-approve").exit_code == 0
    only_a = write(tmp_path / "a", accounts=[account("ci")], rules=[rule("a")])
    assert run_api(emulator, "apply", str(only_a), "--prune", "--auto-approve").exit_code == 0
    emulator.reset_request_log()

    for flags in ((), ("--recreate-archived",)):
        planned = run_api(emulator, "plan", str(both), *flags)
        assert planned.exit_code == 1
        assert re.search(
            r"error: rule/b: declared, but its only live copy fdrl_\w+ was archived by \S+ at "
            r"\S+, and an archived rule keeps its name \(the API refuses a new one under it "
            r"with 409, --recreate-archived included\): give it a new name in the "
            r"configuration, e.g. b-2, or remove it from the configuration",
            planned.stderr,
        )
        applied = run_api(emulator, "apply", str(both), *flags, "--auto-approve")
        assert applied.exit_code == 1
    assert writes(emulator) == []


def test_apply_evaluates_policy_files_given_on_its_command_line(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    policy = shipped_policy(tmp_path, "short-lived-tokens")
    config = write(tmp_path / "c", accounts=[account("ci")], rules=[rule("deploy", lifetime=7200)])

    applied = run_api(emulator, "apply", str(config), "--policy", str(policy), "--auto-approve")

    assert applied.exit_code == 1
    assert "policy short-lived-tokens denies rule/deploy" in applied.stderr
    assert writes(emulator) == []
