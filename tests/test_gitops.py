"""The shipped GitOps files parse, pass the GitHub schemas and zizmor, and pin every action."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "examples/github-actions/.github/workflows/fedctl.yml"
ACTION = ROOT / "action.yml"
PRE_COMMIT_HOOKS = ROOT / ".pre-commit-hooks.yaml"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def _tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        pytest.fail(f"{name} is not installed; it is part of the dev extra")
    return found


def _uses(document: dict[str, object]) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "uses" and isinstance(value, str):
                    found.append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document)
    return found


@pytest.mark.parametrize(
    ("path", "schema"),
    [(WORKFLOW, "vendor.github-workflows"), (ACTION, "vendor.github-actions")],
)
def test_file_matches_github_schema(path: Path, schema: str) -> None:
    result = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", [WORKFLOW, ACTION])
def test_zizmor_finds_nothing(path: Path) -> None:
    result = subprocess.run(
        [_tool("zizmor"), "--offline", "--no-progress", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


@pytest.mark.parametrize("path", [WORKFLOW, ACTION])
def test_every_action_is_pinned_by_commit(path: Path) -> None:
    uses = _uses(yaml.safe_load(path.read_text()))
    assert uses, "expected at least one `uses:`"
    unpinned = [u for u in uses if not PINNED.match(u)]
    assert unpinned == []


def test_drift_runs_unattended_on_schedule_with_its_own_rule() -> None:
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    drift = jobs["drift"]
    # Required reviewers of an environment would block every scheduled run.
    assert "environment" not in drift
    assert drift["if"] == "github.event_name == 'schedule' && github.ref == 'refs/heads/main'"
    rules = {step["with"].get("federation-rule-id") for step in drift["steps"] if "with" in step}
    assert "${{ vars.FEDCTL_DRIFT_RULE_ID }}" in rules
    assert "${{ vars.FEDCTL_RULE_ID }}" not in rules
    # The snapshot is uploaded before drift can "fail" the run.
    names = [step.get("with", {}).get("args", step.get("uses", "")) for step in drift["steps"]]
    upload = next(i for i, n in enumerate(names) if "upload-artifact" in n)
    assert upload < names.index("drift federation --format markdown")


def test_applies_have_their_own_never_cancelled_group() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert "concurrency" not in workflow  # a shared group let schedules cancel applies
    jobs = workflow["jobs"]
    assert jobs["apply"]["concurrency"] == {"group": "fedctl-apply", "cancel-in-progress": False}
    others = {name: job["concurrency"]["group"] for name, job in jobs.items() if name != "apply"}
    assert others["drift"] != "fedctl-apply" and others["review"] != "fedctl-apply"


def test_snapshot_lookup_uses_the_tested_script_not_the_newest_success() -> None:
    text = WORKFLOW.read_text()
    assert "--status success" not in text
    assert text.count("python -m fedctl.gitops.snapshot_run runs.json artifacts.json") == 2
    jobs = yaml.safe_load(text)["jobs"]
    for name in ("review", "apply"):
        steps = jobs[name]["steps"]
        lookup = next(i for i, s in enumerate(steps) if s.get("id") == "snapshot")
        # fedctl (which ships the script) is installed by an earlier step of the job.
        assert any(s.get("uses", "").startswith("OWNER/fedctl@") for s in steps[:lookup])


def test_action_installs_once_from_a_hash_checked_lock() -> None:
    steps = yaml.safe_load(ACTION.read_text())["runs"]["steps"]
    install = next(step for step in steps if step.get("name", "").startswith("Install fedctl"))
    script = install["run"]
    assert "--require-hashes" in script and "requirements/action.txt" in script
    assert '--no-deps \\\n  --no-build-isolation "$FEDCTL_SOURCE"' in script
    assert 'marker="$RUNNER_TEMP/fedctl-installed"' in script


def test_the_lock_pins_every_dependency_with_a_hash() -> None:
    import tomllib

    lock = (ROOT / "requirements" / "action.txt").read_text()
    entries = re.findall(r"^([a-z0-9-]+)==([^ ]+) \\\n    --hash=sha256:[0-9a-f]{64}$", lock, re.M)
    pinned = {name for name, _ in entries}
    assert len(entries) == lock.count("==")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # PEP 503 names: ruamel.yaml and ruamel-yaml are one project.
    direct = {
        re.sub(r"[-_.]+", "-", re.split(r"[<>=\[ ]", dep)[0].lower())
        for dep in project["dependencies"]
    }
    assert direct <= pinned
    assert "setuptools" in pinned  # the build backend, for --no-build-isolation


def test_workflow_grants_no_default_permissions_and_pr_job_gets_no_id_token() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow["permissions"] == {}
    review = workflow["jobs"]["review"]["permissions"]
    assert "id-token" not in review
    assert workflow["jobs"]["apply"]["permissions"]["id-token"] == "write"


def test_pre_commit_hooks_run_validate_and_lint() -> None:
    hooks = yaml.safe_load(PRE_COMMIT_HOOKS.read_text())
    assert [(h["id"], h["entry"]) for h in hooks] == [
        ("fedctl-validate", "fedctl validate"),
        ("fedctl-lint", "fedctl lint"),
    ]
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert re.search(hook["files"], "federation/rules.yaml.j2")


def _fedctl_invocations() -> list[list[str]]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    found = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("OWNER/fedctl@"):
                found.append(step["with"]["args"].split())
    return found


@pytest.mark.parametrize("argv", _fedctl_invocations(), ids=lambda argv: " ".join(argv))
def test_workflow_calls_commands_and_options_fedctl_has(argv: list[str]) -> None:
    import click

    from fedctl.cli.main import cli

    if argv == ["--version"]:
        return  # the install-only step
    with click.Context(cli) as parent:
        command = cli.get_command(parent, argv[0])
        assert command is not None, f"fedctl has no command {argv[0]!r}"
        # Parsing raises click.UsageError on an unknown option or a bad value.
        command.make_context(argv[0], argv[1:], parent=parent)


@pytest.mark.parametrize("path", [WORKFLOW, ROOT / "fedctl/starters/github-workflow.yml"])
def test_every_snapshot_records_the_configurations_protection_and_keys(path: Path) -> None:
    """`fedctl snapshot` records settings.protect (and, under api_keys.manage, the keys)
    only when given the configuration: a snapshot of main without it protects nothing."""
    steps = [
        step["with"]["args"]
        for job in yaml.safe_load(path.read_text())["jobs"].values()
        for step in job["steps"]
        if str(step.get("with", {}).get("args", "")).startswith("snapshot")
    ]
    assert steps and all(args == "snapshot federation --out snapshot.json" for args in steps)
