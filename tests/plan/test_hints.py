"""Hints in a plan must not send a person somewhere that breaks something else."""

from __future__ import annotations

from fedctl.plan.plan import compute_plan
from fedctl.state import Kind
from tests.support.states import GITHUB, PROD_WS, desired, issuer, live_from, rule, sa


def _moved_rule_change(*, other_rules_on_old_issuer: list[str]) -> str:
    account = sa("ci", memberships={PROD_WS: "workspace_developer"})
    old = [rule("deploy", "github")] + [rule(n, "github") for n in other_rules_on_old_issuer]
    before = desired([account], [issuer("github"), issuer("gitlab", "https://build.acme.example")], old)
    live = live_from(before)
    moved = [rule("deploy", "gitlab")] + [rule(n, "github") for n in other_rules_on_old_issuer]
    after = desired([account], [issuer("github", GITHUB), issuer("gitlab", "https://build.acme.example")], moved)
    plan = compute_plan(after, live)
    (change,) = [c for c in plan.changes if (c.kind, c.name) == (Kind.RULE, "deploy")]
    return change.in_place_alternative


def test_moving_a_rule_off_a_shared_issuer_does_not_suggest_editing_that_issuer() -> None:
    assert _moved_rule_change(other_rules_on_old_issuer=["release"]) == ""


def test_moving_the_only_rule_of_an_issuer_may_still_suggest_editing_it() -> None:
    assert _moved_rule_change(other_rules_on_old_issuer=[]).startswith(
        "keep issuer/github and update it in place (issuer_url, jwks)"
    )
