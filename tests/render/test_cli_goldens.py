"""Plan, apply and show, whole, in every format, for one plan that carries every record the
gate and the guards add: a failing policy, an access test whose outcome changes, a held
(unmanageable) resource, lint findings and guardrail changes.

These goldens pin what the CLI prints while the orchestration behind it moves (issue 28):
the text, JSON and Markdown of `plan`, the same plan saved and shown again by `show`, and
`apply` of the saved plan. Emulator IDs, times and digests differ from run to run, so they
are numbered in order of appearance before the comparison.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import Result

from fedctl.emulator.server import RunningEmulator
from fedctl.emulator.unsafe import unsafe_patch_resource
from tests.guards.helpers import write
from tests.support.cli import k8s_org, k8s_rule, run_api
from tests.support.golden import assert_golden

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text())
POLICY = """\
policies:
  - name: short-tokens
    description: Tokens live at most a minute.
    severity: warn
    applies_to: rule
    require: rule.token_lifetime_seconds <= 60
"""
CASES = """\
cases:
  - name: another namespace is denied
    claims:
      iss: https://k8s.acme-corp.dev
      sub: "system:serviceaccount:other:app"
      aud: https://api.anthropic.com
    expect: denied
"""
MAIN_SETTINGS = "settings:\n  max_archives: 1\n  lint:\n    block_apply: false\n"
PR_SETTINGS = (
    "settings:\n  max_archives: 3\n  policy_files: [policies.yaml]\n"
    "  lint:\n    block_apply: false\n"
)
BROAD = k8s_rule("deploy", "deploy").replace(
    "system:serviceaccount:deploy:app", "system:serviceaccount:*"
)
VOLATILE = [
    (re.compile(r"\b(svac|fdis|fdrl|wrkspc|apikey|user)_01[0-9A-Za-z]{22}"), "id"),
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"), "time"),
    (re.compile(r"sha256:[0-9a-f]{12,64}"), "digest"),
]


def _stable(text: str, tmp_path: Path) -> str:
    """The output with its tmp folder, emulator IDs, times and digests numbered."""
    text = text.replace(os.path.relpath(tmp_path), "TMP").replace(str(tmp_path), "TMP")
    if text.startswith("{"):
        # Workspaces are listed by ID, and the emulator's IDs are random: by name instead.
        document = json.loads(text)
        document["workspaces"] = dict(sorted(document["workspaces"].items(), key=lambda i: i[1]))
        text = json.dumps(document, indent=2) + "\n"
    text = re.sub(r"http://127\.0\.0\.1:\d+", "http://127.0.0.1:PORT", text)
    for pattern, label in VOLATILE:
        seen: dict[str, str] = {}

        def number(match: re.Match[str], seen: dict[str, str] = seen, label: str = label) -> str:
            return seen.setdefault(match.group(0), f"<{label}-{len(seen) + 1}>")

        text = pattern.sub(number, text)
    return text


def _golden(name: str, result: Result, tmp_path: Path) -> None:
    assert_golden(f"cli/{name}.stdout", _stable(result.stdout, tmp_path))
    assert_golden(f"cli/{name}.stderr", _stable(result.stderr, tmp_path))


@pytest.fixture
def folders(emulator: RunningEmulator, tmp_path: Path) -> tuple[Path, Path]:
    """main applied (with a `legacy` rule then given attributes fedctl cannot represent),
    and a pull request that broadens `deploy`, raises a limit and adds a policy."""
    legacy = k8s_rule("legacy", "legacy")
    main = write(
        tmp_path / "main",
        {
            "fedctl.yaml": MAIN_SETTINGS + k8s_org(k8s_rule("deploy", "deploy"), legacy),
            "k8s.access-test.yaml": CASES,
        },
    )
    applied = run_api(emulator, "apply", str(main), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    rules = emulator.store.list_rules(include_archived=False, limit=100, page=None, issuer_id=None)
    legacy_id = next(item["id"] for item in rules["data"] if item["name"] == "legacy")
    unsafe_patch_resource(
        emulator.store, "federation_rule", legacy_id, {"attributes": {"team": "payments"}}
    )
    pr = write(
        tmp_path / "pr",
        {
            "fedctl.yaml": PR_SETTINGS + k8s_org(BROAD, legacy),
            "k8s.access-test.yaml": CASES,
            "policies.yaml": POLICY,
        },
    )
    return main, pr


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_plan_and_show_of_a_plan_with_every_record(
    emulator: RunningEmulator, folders: tuple[Path, Path], tmp_path: Path, output_format: str
) -> None:
    main, pr = folders
    saved = tmp_path / f"plan-{output_format}.json"
    planned = run_api(
        emulator,
        "plan",
        str(pr),
        "--guards-from",
        str(main),
        "--format",
        output_format,
        "--out",
        str(saved),
        "--no-color",
    )
    assert planned.exit_code == 0, planned.output
    _golden(f"plan.{output_format}", planned, tmp_path)
    if output_format == "json":
        jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(planned.stdout))

    shown = run_api(emulator, "show", str(saved), "--format", output_format, "--no-color")
    assert shown.exit_code == 0, shown.output
    _golden(f"show.{output_format}", shown, tmp_path)


def test_apply_of_the_saved_plan_with_every_record(
    emulator: RunningEmulator, folders: tuple[Path, Path], tmp_path: Path
) -> None:
    main, pr = folders
    saved = tmp_path / "plan.json"
    planned = run_api(
        emulator, "plan", str(pr), "--guards-from", str(main), "--out", str(saved), "--no-color"
    )
    assert planned.exit_code == 0, planned.output

    applied = run_api(
        emulator,
        "apply",
        str(saved),
        "--config",
        str(pr),
        "--guards-from",
        str(main),
        "--auto-approve",
        "--no-color",
    )
    assert applied.exit_code == 0, applied.output
    _golden("apply.text", applied, tmp_path)
