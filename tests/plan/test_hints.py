"""Hints in a plan must not send a person somewhere that breaks something else."""

from __future__ import annotations

from fedctl.core.state import Kind
from fedctl.plan.plan import compute_plan
from tests.support.states import GITHUB, PROD_WS, desired, issuer, live_from, rule, sa


def _moved_rule_change(*, other_rules_on_old_issuer: list[str]) -> str:
    account = sa("ci", memberships={PROD_WS: "workspace_developer"})
    old = [rule("deploy", "github")] + [rule(n, "github") for n in other_rules_on_old_issuer]
    before = desired(
        [account], [issuer("github"), issuer("gitlab", "https://build.acme.example")], old
    )
    live = live_from(before)
    moved = [rule("deploy", "gitlab")] + [rule(n, "github") for n in other_rules_on_old_issuer]
    after = desired(
        [account], [issuer("github", GITHUB), issuer("gitlab", "https://build.acme.example")], moved
    )
    plan = compute_plan(after, live)
    (change,) = [c for c in plan.changes if (c.kind, c.name) == (Kind.RULE, "deploy")]
    return change.in_place_alternative


def test_moving_a_rule_off_a_shared_issuer_does_not_suggest_editing_that_issuer() -> None:
    assert _moved_rule_change(other_rules_on_old_issuer=["release"]) == ""


def test_moving_the_only_rule_of_an_issuer_may_still_suggest_editing_it() -> None:
    assert _moved_rule_change(other_rules_on_old_issuer=[]).startswith(
        "keep issuer/github and update it in place (issuer_url, jwks)"
    )


def _key(x: str) -> dict[str, str]:
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": x,
        "y": "ufJ4xcj-TbzQ4IoHjDIVzJ_wAcAKU5erQb-kYqEUmn0",
        "kid": "k1",
    }


def test_a_key_replaced_under_the_same_kid_shows_its_thumbprints() -> None:
    from fedctl.core.jwk import key_label

    account = sa("ci", memberships={PROD_WS: "workspace_developer"})
    old_key, new_key = _key("DFn5MzzFk2xkCHmXJyp04H3mprRKVagPp7n5L49_lG4"), _key("AAAA")
    url = "https://build.acme.example"
    before = desired([account], [issuer("b", url, jwks={"type": "inline", "keys": [old_key]})])
    after = desired([account], [issuer("b", url, jwks={"type": "inline", "keys": [new_key]})])
    plan = compute_plan(after, live_from(before))
    (change,) = plan.changes
    assert change.before["jwks"]["keys"] == [key_label(old_key)]
    assert change.after["jwks"]["keys"] == [key_label(new_key)]
    assert key_label(old_key) != key_label(new_key)
    (access,) = [f.reason for entry in plan.access.changes for f in entry.findings]
    assert access == (
        f"jwks: adds key {key_label(new_key)}; removes key {key_label(old_key)}: tokens signed "
        "by different keys are accepted"
    )
