"""The shipped GitHub integration (issue 26): the files parse, pass GitHub's schemas and
zizmor, pin every action, run every Python isolated, download only into $RUNNER_TEMP,
review from a trusted context with the pull request as data only, apply only what was
reviewed, and never lose an apply silently. No network: the workflow is read, not run."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "examples/github-actions/.github/workflows/fedctl.yml"
STARTER = ROOT / "fedctl/config/starters/github-workflow.yml"
ACTION = ROOT / "action.yml"
EXAMPLE = ROOT / "examples/github-actions"
PRE_COMMIT_HOOKS = ROOT / ".pre-commit-hooks.yaml"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
FEDCTL_ACTION = "OWNER/fedctl@"


def _tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        pytest.fail(f"{name} is not installed; it is part of the dev extra")
    return found


def _load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(path.read_text())
    return document


def _jobs() -> dict[str, dict[str, Any]]:
    jobs: dict[str, dict[str, Any]] = _load(WORKFLOW)["jobs"]
    return jobs


def _steps(job: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _jobs()[job]["steps"]
    return steps


def _all_steps() -> list[tuple[str, dict[str, Any]]]:
    found = [(name, step) for name, job in _jobs().items() for step in job["steps"]]
    return found + [("action", step) for step in _load(ACTION)["runs"]["steps"]]


def _scripts() -> list[tuple[str, str]]:
    return [(job, step["run"]) for job, step in _all_steps() if "run" in step]


def _uses(document: object) -> list[str]:
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


def _argv(step: dict[str, Any]) -> list[str]:
    """The action's arguments: one per line, blank lines skipped (as action.yml does)."""
    args = step.get("with", {}).get("args", "")
    return [line for line in str(args).splitlines() if line.strip()]


# --- the files parse, validate and pass zizmor ---------------------------------------


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


def test_zizmor_ignores_only_the_deliberate_pull_request_target() -> None:
    ignores = re.findall(r"zizmor: ignore\[([^\]]+)\]", WORKFLOW.read_text() + ACTION.read_text())
    assert ignores == ["dangerous-triggers"]


def test_init_writes_the_example_workflow_byte_for_byte() -> None:
    assert STARTER.read_bytes() == WORKFLOW.read_bytes()


@pytest.mark.parametrize("path", [WORKFLOW, ACTION])
def test_every_action_is_pinned_by_commit(path: Path) -> None:
    uses = _uses(_load(path))
    assert uses, "expected at least one `uses:`"
    assert [u for u in uses if not PINNED.match(u)] == []


# --- no code from the checkout on the path (issue 26, item 1) -------------------------

PYTHON_CALL = re.compile(
    r'(?P<exe>"\$FEDCTL_PYTHON"|"\$venv/bin/python"|(?<![\w/$-])python3?)(?P<rest>[^\n]*)'
)


def test_every_python_call_is_isolated() -> None:
    calls = [
        (job, found["exe"], found["rest"])
        for job, script in _scripts()
        for found in PYTHON_CALL.finditer(script)
    ]
    # Not calls: `python=...` (an output), `python-version`, prose in comments.
    code_calls = [call for call in calls if call[2].startswith(" ")]
    assert len(code_calls) > 20
    not_isolated = [call for call in code_calls if not call[2].startswith(" -I ")]
    assert not_isolated == []


def test_no_script_runs_a_console_script_or_pip_outside_the_venv() -> None:
    for job, script in _scripts():
        for line in script.splitlines():
            code = line.split("#", 1)[0]
            if code.lstrip().startswith("echo "):
                continue
            # `fedctl ...` (a console script) and `pip ...` would skip -I.
            assert not re.search(r"(^|[\s;|&(])(?<!-m )(fedctl|pip3?)\s", code), (job, line)


def test_the_action_installs_into_runner_temp_from_a_hash_checked_lock() -> None:
    steps = _load(ACTION)["runs"]["steps"]
    install = next(step for step in steps if step.get("id") == "install")["run"]
    assert 'venv="$RUNNER_TEMP/fedctl-venv"' in install and 'cd "$RUNNER_TEMP"' in install
    assert "python -I -m venv" in install and "--require-hashes" in install
    assert '--no-build-isolation "$FEDCTL_SOURCE"' in install
    assert install.index('cd "$RUNNER_TEMP"') < install.index("-m pip install")
    run = next(step for step in steps if step.get("name") == "Run fedctl")["run"]
    assert '"$FEDCTL_PYTHON" -I -m fedctl "${argv[@]}"' in run


def test_a_module_in_the_checkout_runs_without_isolation_and_not_with_it(tmp_path: Path) -> None:
    """The attack of issue 26 item 1: a merged fedctl/__init__.py in the repository root."""
    planted = tmp_path / "fedctl"
    planted.mkdir()
    marker = tmp_path / "pwned"
    planted.joinpath("__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    planted.joinpath("__main__.py").write_text("")
    subprocess.run([sys.executable, "-m", "fedctl"], cwd=tmp_path, check=False)
    assert marker.exists()  # the attack works on `python -m`...
    marker.unlink()
    result = subprocess.run(
        [sys.executable, "-I", "-m", "fedctl", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and not marker.exists()  # ...and not on `python -I -m`


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


# --- no step downloads into the workspace (item 4) ------------------------------------


def test_every_download_lands_in_runner_temp() -> None:
    downloads = [s for _, s in _all_steps() if "download-artifact" in s.get("uses", "")]
    assert len(downloads) == 3
    assert all(s["with"]["path"] == "${{ runner.temp }}/snapshot" for s in downloads)
    for job, script in _scripts():
        assert "gh run download" not in script and "curl " not in script, job
        code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))
        for target in re.findall(r"(?<![-=])>>?\s*(\"?[^\s|;]+)", code):
            assert target.startswith(
                (
                    '"$RUNNER_TEMP',
                    '"$gh_dir',
                    '"$GITHUB_OUTPUT"',
                    '"$GITHUB_STEP_SUMMARY"',
                    '"$marker"',
                    '"$body"',
                    '"$STDOUT_FILE"',
                    "/dev/null",
                    "&",
                )
            ), (job, target)


def test_snapshots_are_verified_before_use() -> None:
    for job in ("review", "route", "apply"):
        scripts = "\n".join(step.get("run", "") for step in _steps(job))
        assert "gitops check-download" in scripts
        verify = re.search(r"gh attestation verify [^\n]*\n[^\n]*\n[^\n]*\n[^\n]*", scripts)
        assert verify is not None, job
        for flag in (
            '--signer-workflow "$GITHUB_REPOSITORY/.github/workflows/fedctl.yml"',
            "--source-ref refs/heads/main",
            '--source-digest "$SNAPSHOT_SHA"',
            "--deny-self-hosted-runners",
        ):
            assert flag in verify[0], (job, flag)
    apply_scripts = "\n".join(step.get("run", "") for step in _steps("apply"))
    assert 'git status --porcelain --untracked-files=all --ignored -- "$CONFIG"' in apply_scripts
    assert '--sha256 "$SNAPSHOT_SHA256"' in apply_scripts


def test_runs_are_queried_by_event_and_paginated() -> None:
    for job in ("review", "route"):
        script = "\n".join(step.get("run", "") for step in _steps(job))
        if "actions/workflows/fedctl.yml/runs" not in script:
            continue
        assert "for event in push schedule workflow_dispatch" in script
        assert "runs?branch=main&event=$event&status=completed&per_page=100" in script
        for call in re.findall(r"gh api [^\n]*(?:\\\n[^\n]*)*", script):
            if "-X " not in call and (
                "/runs?" in call
                or "/artifacts?" in call
                or "check-runs" in call
                or "/events?" in call
            ):
                assert "--paginate --slurp" in call, call


def test_every_snapshot_is_attested_and_uploaded_after_it_is_taken() -> None:
    for job in ("apply", "bootstrap", "drift"):
        steps = _steps(job)
        kinds = [
            "snapshot" if _argv(s)[:1] == ["snapshot"] else s["uses"].split("@")[0]
            for s in steps
            if "with" in s
            and (
                "args" in s["with"]
                or "attest" in s.get("uses", "")
                or "upload" in s.get("uses", "")
            )
        ]
        snapshot = kinds.index("snapshot")
        assert kinds[snapshot + 1 : snapshot + 3] == [
            "actions/attest-build-provenance",
            "actions/upload-artifact",
        ], job
        assert _jobs()[job]["permissions"]["attestations"] == "write"
        # With the configuration: the snapshot records its guards.
        snap = next(s for s in steps if "with" in s and _argv(s)[:1] == ["snapshot"])
        assert _argv(snap) == [
            "snapshot",
            "federation",
            "--out",
            "${{ runner.temp }}/new-snapshot/snapshot.json",
        ]


# --- review from a trusted context (item 2) -------------------------------------------


def test_the_review_runs_mains_workflow_with_the_pull_request_as_data_only() -> None:
    workflow = _load(WORKFLOW)
    triggers = workflow[True]  # YAML 1.1 reads `on` as true
    assert "pull_request" not in triggers and "pull_request_target" in triggers
    review = _jobs()["review"]
    assert review["if"] == "github.event_name == 'pull_request_target'"
    assert review["permissions"] == {
        "contents": "read",
        "actions": "read",
        "attestations": "read",
        "checks": "write",
        "pull-requests": "write",
    }
    text = yaml.safe_dump(review)
    assert "secrets." not in text and "id-token" not in text
    checkouts = [s for s in review["steps"] if "actions/checkout" in s.get("uses", "")]
    assert [c["with"].get("path") for c in checkouts] == ["main", "pull-request"]
    assert all(c["with"]["persist-credentials"] is False for c in checkouts)
    assert checkouts[1]["with"]["ref"] == "${{ github.event.pull_request.head.sha }}"
    for step in review["steps"]:
        assert "working-directory" not in step
        assert not step.get("uses", "").startswith("./")


ALLOWED_PR_USES = re.compile(
    r'^\s*("\$FEDCTL_PYTHON" -I -m fedctl (validate|policy|test|plan) "pull-request/\$CONFIG"'
    r"|tree=\$\(git -C pull-request rev-parse \"HEAD:\$CONFIG\"\))"
)


def test_the_pull_requests_files_are_only_read_by_fedctl_and_git() -> None:
    for step in _steps("review"):
        for line in step.get("run", "").splitlines():
            if "pull-request" in line:
                assert ALLOWED_PR_USES.match(line), line


def test_the_review_passes_valid_plans_and_records_its_snapshot() -> None:
    steps = {step.get("id"): step for step in _steps("review")}
    plan = steps["plan"]["run"]
    assert '--snapshot "$SNAPSHOT"' in plan and '--guards-from "main/$CONFIG"' in plan
    assert "--fail-on broadening" in plan and '${LARGE_FLAG:+"$LARGE_FLAG"}' in plan
    report = next(s for s in _steps("review") if s.get("name", "").startswith("Comment"))["run"]
    assert "0) conclusion=success" in report and "4) conclusion=success" in report
    assert "labels[]=$BROADENING_LABEL" in report
    assert "gitops review-record" in report and "check-runs" in report
    assert "<!-- fedctl-review -->" in report and "-X PATCH" in report


# --- apply runs what was reviewed, and is never silently lost (items 5, 6) ------------


def test_apply_uses_the_reviewed_snapshot_and_routes_broadening() -> None:
    route = _jobs()["route"]
    assert "id-token" not in route["permissions"]
    scripts = "\n".join(step.get("run", "") for step in route["steps"])
    assert "gitops merged-pr" in scripts and "gitops reviewed-snapshot" in scripts
    assert 'find-snapshot --run-id "$RUN_ID"' in scripts
    assert "--fail-on broadening --detailed-exitcode" in scripts
    assert "4) printf 'apply=true\\nenvironment=fedctl-broadening\\n'" in scripts
    assert "2) printf 'apply=true\\nenvironment=fedctl\\n'" in scripts
    assert '0) echo "apply=false"' in scripts
    apply = _jobs()["apply"]
    assert apply["if"] == "needs.route.outputs.apply == 'true'"
    assert apply["environment"] == "${{ needs.route.outputs.environment }}"
    step = next(s for s in apply["steps"] if "with" in s and _argv(s)[:1] == ["apply"])
    assert _argv(step) == [
        "apply",
        "federation",
        "--auto-approve",
        "--snapshot",
        "${{ runner.temp }}/snapshot/snapshot.json",
        "--guards-from",
        "HEAD^1",
        "${{ needs.route.outputs.large-changes-flag }}",
    ]


def test_only_main_head_is_applied() -> None:
    for job in ("route", "apply"):
        script = "\n".join(step.get("run", "") for step in _steps(job))
        assert 'if [ "$head" != "$GITHUB_SHA" ]; then' in script, job
    assert (
        _jobs()["route"]["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    )


def test_applies_and_bootstraps_have_their_own_never_cancelled_groups() -> None:
    workflow = _load(WORKFLOW)
    assert "concurrency" not in workflow  # a shared group let schedules cancel applies
    groups = {name: job.get("concurrency") for name, job in _jobs().items()}
    assert groups["apply"] == {
        "group": "fedctl-apply-main-serial-do-not-reuse",
        "cancel-in-progress": False,
    }
    assert groups["bootstrap"] == {
        "group": "fedctl-bootstrap-main-serial-do-not-reuse",
        "cancel-in-progress": False,
    }
    names = [g["group"] for g in groups.values() if g]
    assert len(names) == len(set(names))


def test_drift_fails_when_a_merged_change_is_pending_too_long() -> None:
    drift = _jobs()["drift"]
    assert drift["environment"] == "fedctl-drift"
    assert drift["if"] == "github.event_name == 'schedule' && github.ref == 'refs/heads/main'"
    rules = {s["with"].get("federation-rule-id") for s in drift["steps"] if "with" in s}
    assert "${{ vars.FEDCTL_DRIFT_RULE_ID }}" in rules and "${{ vars.FEDCTL_RULE_ID }}" not in rules
    pending = drift["steps"][-1]
    assert pending["env"]["MAX_MINUTES"] == "${{ vars.FEDCTL_PENDING_MAX_MINUTES || '120' }}"
    assert "--detailed-exitcode" in pending["run"] and '-gt "$MAX_MINUTES"' in pending["run"]


def test_each_run_type_uses_its_own_rule() -> None:
    rule_of = {
        name: {
            s["with"]["federation-rule-id"]
            for s in job["steps"]
            if "federation-rule-id" in s.get("with", {})
        }
        for name, job in _jobs().items()
    }
    assert rule_of["apply"] == {"${{ vars.FEDCTL_RULE_ID }}"}
    assert rule_of["bootstrap"] == {"${{ vars.FEDCTL_BOOTSTRAP_RULE_ID }}"}
    assert rule_of["review"] == rule_of["route"] == set()


# --- the workflow calls what fedctl has -----------------------------------------------


def _fedctl_invocations() -> list[list[str]]:
    found = [_argv(s) for _, s in _all_steps() if s.get("uses", "").startswith(FEDCTL_ACTION)]
    for _, script in _scripts():
        for line in re.findall(r'"\$FEDCTL_PYTHON" -I -m fedctl ([^\n]*)', script):
            found.append(line.replace("\\", "").split())
    return found


@pytest.mark.parametrize("argv", _fedctl_invocations(), ids=lambda argv: " ".join(argv))
def test_workflow_calls_commands_and_options_fedctl_has(argv: list[str]) -> None:
    import click

    from fedctl.cli.main import cli

    if argv == ["--version"] or argv[0].startswith('"${argv'):
        return
    with click.Context(cli) as parent:
        command = cli.get_command(parent, argv[0])
        assert command is not None, f"fedctl has no command {argv[0]!r}"
        args = argv[1:]
        if isinstance(command, click.Group):
            command = command.get_command(parent, args[0])
            assert command is not None, f"fedctl {argv[0]} has no {args[0]!r}"
            args = args[1:]
        names = {opt for param in command.params for opt in getattr(param, "opts", [])}
        if "--guards-from" in args and "--guards-from" not in names:
            # Added by the guards branch (issue 25 item 2); parsed once both are merged.
            at = args.index("--guards-from")
            args = args[:at] + args[at + 2 :]
        for flag in [arg for arg in args if arg.startswith("--")]:
            assert flag in names or flag.startswith("${"), f"{argv[0]}: no option {flag}"


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


# --- the shipped admin rules pass fedctl's own checks (item 3) ------------------------


def _fedctl(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-m", "fedctl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_example_lints_clean_and_passes_its_access_tests() -> None:
    lint = _fedctl("lint", str(EXAMPLE))
    assert (lint.returncode, lint.stdout) == (0, "No lint findings.\n"), lint.stderr
    tested = _fedctl("test", str(EXAMPLE), "--format", "json")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    cases = json.loads(tested.stdout)
    hostile = [case for case in cases if case["name"].startswith("hostile ")]
    assert len(hostile) == 9 and all(case["outcome"] == "pass" for case in cases)


DOCUMENTED_BEFORE = """\
service_accounts:
  - name: fedctl-admin
    organization_role: admin
rules:
  - name: fedctl-apply
    issuer: github-actions
    service_account: fedctl-admin
    match:
      subject_prefix: "repo:acme/federation:environment:fedctl"
      audience: https://api.anthropic.com
      claims: {repository_owner: acme}
    oauth_scope: org:admin
    workspaces: [default]
    token_lifetime_seconds: 900
"""


def test_the_previously_documented_rule_accepts_the_hostile_tokens(tmp_path: Path) -> None:
    """The attack of issue 26 item 3, on the rule the docs used to recommend."""
    copy = tmp_path / "example"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns(".github"))
    (copy / "admin.yaml").write_text(DOCUMENTED_BEFORE)
    # A repository from before immutable subjects: its tokens carry the name-only sub.
    text = (copy / "admin.access-test.yaml").read_text()
    for immutable in ("acme@91234567/federation@823456789", "acme@66600666/federation@966600666"):
        text = text.replace(immutable, "acme/federation")
    tests = yaml.safe_load(text)
    tests["cases"] = [case for case in tests["cases"] if case["name"].startswith("hostile ")]
    (copy / "admin.access-test.yaml").write_text(yaml.safe_dump(tests))
    tested = _fedctl("test", str(copy), "--format", "json")
    cases = json.loads(tested.stdout)
    accepted = [case["name"] for case in cases if case["outcome"] != "pass"]
    assert tested.returncode == 1 and len(accepted) >= 7, accepted
    lint = _fedctl("lint", str(copy))
    assert lint.returncode == 1 and "FED029" in lint.stdout and "FED021" in lint.stdout


# --- the composite action passes each line as one argument (issue 30 item 6) ----------


def _run_action_script(
    tmp_path: Path, args: str, stdout_file: str = ""
) -> subprocess.CompletedProcess[str]:
    """Runs the action's own `Run fedctl` script with a stand-in Python that records argv."""
    steps = _load(ACTION)["runs"]["steps"]
    script = next(step for step in steps if step.get("name") == "Run fedctl")["run"]
    recorder = tmp_path / "python"
    recorder.write_text(f"#!{sys.executable}\nimport json, sys\nprint(json.dumps(sys.argv[1:]))\n")
    recorder.chmod(0o755)
    env = {
        "PATH": "/usr/bin:/bin",
        "FEDCTL_ARGS": args,
        "STDOUT_FILE": stdout_file,
        "FEDCTL_PYTHON": str(recorder),
    }
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_action_passes_each_line_as_one_argument(tmp_path: Path) -> None:
    # What `args: |` gives the action: several lines, a trailing newline, quotes, spaces,
    # globs and shell syntax that must all arrive untouched.
    args = (
        "plan\nfederation\n--snapshot\n/tmp/my snapshots/snapshot.json\n--fail-on\n"
        "broadening\n--var\nowner='acme corp' \"x\"\n\n*.yaml\n$(touch pwned);`id`\n"
    )
    result = _run_action_script(tmp_path, args)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "-I",
        "-m",
        "fedctl",
        "plan",
        "federation",
        "--snapshot",
        "/tmp/my snapshots/snapshot.json",
        "--fail-on",
        "broadening",
        "--var",
        "owner='acme corp' \"x\"",
        "*.yaml",
        "$(touch pwned);`id`",
    ]
    assert not (tmp_path / "pwned").exists()


def test_the_action_handles_crlf_a_missing_final_newline_and_stdout_file(tmp_path: Path) -> None:
    result = _run_action_script(tmp_path, "lint\r\nfederation\r\n--format\r\nsarif", "out.sarif")
    assert result.returncode == 0, result.stderr
    written = json.loads((tmp_path / "out.sarif").read_text())
    assert written == ["-I", "-m", "fedctl", "lint", "federation", "--format", "sarif"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("plan federation --fail-on broadening", "holds spaces; give one argument per line"),
        ("\n  \n", "args is empty"),
    ],
)
def test_the_action_refuses_arguments_it_would_lose(
    tmp_path: Path, args: str, message: str
) -> None:
    result = _run_action_script(tmp_path, args)
    assert (result.returncode, result.stdout) == (2, "")
    assert message in result.stderr


def test_the_docs_walk_the_set_up_and_map_each_attack_to_its_stop() -> None:
    text = (ROOT / "docs/github-actions.md").read_text()
    for heading in (
        "### 2. The Console",
        "### 3. Environments",
        "### 4. Rulesets",
        "### 5. CODEOWNERS for the whole repository",
        "### 6. Up to date, or a merge queue",
        "## Threat model",
        "never be added",
    ):
        assert heading in text, heading
    table = text.split("## Threat model", 1)[1]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    # Issue 26's attacks: each is a row, with the step that stops it.
    for attack in (
        "pip/__main__.py",
        "fakes the plan",
        "org:admin",
        "tag named `main`",
        "zz-backdoor",
        "Flooding",
        "newer snapshot",
        "Cancelling",
        "Re-running",
        "loses or splits arguments",
    ):
        assert any(attack in row.split(" | ")[0] for row in rows), attack
    assert all(row.count(" | ") == 1 and row.split(" | ")[1].strip() for row in rows[1:])
