"""z3 is imported only when a question needs the solver: a plan whose rule matches do not
change (a lifetime change, no change at all) never loads it."""

from __future__ import annotations

import subprocess
import sys
import textwrap


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
