"""z3 is imported only when a question needs the solver: a plan whose rule matches do not
change (a lifetime change, no change at all) never loads it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from fedctl.emulator.server import RunningEmulator
from tests.cli.access_fixtures import copy_quickstart
from tests.support.modules import loaded, run_fedctl

REPO = Path(__file__).parents[2]


def test_a_plan_with_no_match_change_does_not_import_z3():
    script = textwrap.dedent(
        """
        import sys
        from fedctl.access.diff import compute_access_diff
        from fedctl.render.access import render_access_text
        from tests.access.helpers import desired_state, live_state, rule

        live = live_state(rules=[rule(condition='claims.event_name == "push"')])
        for after in (rule(condition='claims.event_name == "push"', token_lifetime_seconds=60),
                      rule(condition='claims.event_name == "push"')):
            render_access_text(compute_access_diff(desired_state(rules=[after]), live))
        print("z3" in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_a_condition_change_the_classes_do_not_cover_does_import_z3():
    """The check above can fail: the same script with a changed condition the class
    search does not decide (endsWith) loads z3."""
    script = textwrap.dedent(
        """
        import sys
        from fedctl.access.diff import compute_access_diff
        from tests.access.helpers import desired_state, live_state, rule

        live = live_state(rules=[rule(condition='claims.event_name == "push"')])
        after = rule(condition='claims.event_name.endsWith("tag")')
        compute_access_diff(desired_state(rules=[after]), live)
        print("z3" in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"


GITHUB_RULE = """
  - name: {name}
    issuer: github
    service_account: payments-inference
    match:
      subject_prefix: "repo:acme/payments:*"
      audience: https://api.anthropic.com
      claims: {{repository_owner_id: "91234567"}}
      condition: '{condition}'
    oauth_scope: workspace:inference
    workspaces: [production]
"""
GITHUB_ISSUER = """
  - name: github
    issuer_url: https://token.actions.githubusercontent.com
    jwks: {type: discovery}
"""


def _conditions_config(folder: Path, *, description: str) -> Path:
    """The quickstart with CEL conditions on its rule and on two GitHub Actions rules."""
    config = copy_quickstart(folder)
    file = config / "fedctl.yaml"
    text = file.read_text().replace(
        "        project: payments\n",
        "        project: payments\n"
        '      condition: \'claims.event_name in ["push", "workflow_dispatch"]\'\n',
    )
    text = text.replace("Main-branch builds of the payments service", description)
    text = text.replace("\nrules:\n", f"{GITHUB_ISSUER}\nrules:\n")
    for name, condition in (
        ("github-main", 'claims.ref == "refs/heads/main" && claims.event_name == "push"'),
        ("github-tags", 'claims.ref.startsWith("refs/tags/v") && claims.event_name == "push"'),
    ):
        text += GITHUB_RULE.format(name=name, condition=condition)
    file.write_text(text)
    return config


def test_a_plan_over_http_that_changes_no_condition_does_not_import_z3(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """Lint (which plan runs) and the access diff answer their questions about these
    conditions by the class search, so only a plan the search cannot decide loads z3."""
    applied = run_fedctl(
        emulator,
        "apply",
        str(_conditions_config(tmp_path / "a", description="v1")),
        "--auto-approve",
    )
    assert "Apply complete" in applied.stdout, applied.stdout + applied.stderr

    edited = _conditions_config(tmp_path / "b", description="v2")
    planned = run_fedctl(emulator, "plan", str(edited))

    assert "description" in planned.stdout, planned.stdout + planned.stderr
    assert "z3" not in loaded(planned), planned.stdout
