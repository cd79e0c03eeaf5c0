"""Issue 29's cases with exact outputs: rule changes judged by the tokens they admit."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from fedctl.access import Effect
from fedctl.access.diff import compute_access_diff
from fedctl.cli.main import cli
from fedctl.emulator.server import running_emulator
from fedctl.render.access import access_json, render_access_text
from tests.access.helpers import desired_state, live_state, rule
from tests.access.test_diff import ACCOUNTS
from tests.cli.access_fixtures import build_quickstart, copy_quickstart

IN = 'claims.event_name in ["push", "workflow_dispatch"]'
EQ = 'claims.event_name == "push"'
ISS = "https://token.actions.githubusercontent.com"
SUB = "repo:acme/app:ref:refs/heads/main"
HEAD = "Access changes (who can mint what, where): "


def access_text(before: list, after: list) -> str:
    desired = desired_state(rules=after, accounts=ACCOUNTS, prune=True)
    diff = compute_access_diff(desired, live_state(rules=before, accounts=ACCOUNTS))
    return render_access_text(diff)


def test_in_tightened_to_equals_is_narrowing_with_a_witness():
    desired = desired_state(rules=[rule(condition=EQ)], accounts=ACCOUNTS)
    diff = compute_access_diff(desired, live_state(rules=[rule(condition=IN)], accounts=ACCOUNTS))

    assert render_access_text(diff) == (
        f"{HEAD}1 narrowing; this plan does not broaden access.\n"
        "  - narrowing rule/deploy: match narrowed: no longer admits some tokens; e.g. no "
        f"longer admits sub={SUB}, event_name=workflow_dispatch, repository_owner=acme"
    )
    assert access_json(diff)["changes"][0]["witnesses"] == [
        {
            "admitted_by": "before",
            "claims": {
                "iss": ISS,
                "sub": SUB,
                "aud": "https://api.anthropic.com",
                "repository_owner": "acme",
                "event_name": "workflow_dispatch",
            },
        }
    ]


def test_equals_widened_to_in_is_broadening_with_a_workflow_dispatch_witness():
    assert access_text([rule(condition=EQ)], [rule(condition=IN)]) == (
        f"{HEAD}1 broadening; this plan BROADENS ACCESS.\n"
        "  + broadening rule/deploy: match widened: admits tokens it did not; e.g. admits "
        f"sub={SUB}, event_name=workflow_dispatch, repository_owner=acme"
    )


def test_a_pin_moved_from_claims_to_the_condition_is_neutral():
    before = rule(claims={"repository_owner": "acme", "event_name": "push"})
    assert access_text([before], [rule(condition=EQ)]) == (
        f"{HEAD}1 neutral; this plan does not broaden access.\n"
        "  = neutral rule/deploy: match rewritten: admits exactly the tokens it did"
    )


def test_a_rule_split_in_two_is_neutral():
    halves = [
        rule(name="deploy-push", condition=EQ),
        rule(name="deploy-dispatch", condition='claims.event_name == "workflow_dispatch"'),
    ]
    text = access_text([rule(condition=IN)], halves)

    assert text.splitlines()[0] == f"{HEAD}3 neutral; this plan does not broaden access."
    assert [line.split(":")[0] for line in text.splitlines()[1:]] == [
        "  = neutral rule/deploy",
        "  = neutral rule/deploy-dispatch",
        "  = neutral rule/deploy-push",
    ]
    assert "rule archived: other rules still admit every token it admitted (" in text
    assert "new rule admits no token its grants' rules did not already admit (" in text


def test_a_rename_without_previous_names_under_prune_is_neutral():
    text = access_text([rule()], [rule(name="ship")])

    assert text.splitlines()[:1] == [f"{HEAD}2 neutral; this plan does not broaden access."]
    assert text.count("  = neutral rule/") == 2


def test_an_unsupported_construct_is_possibly_broadening_and_named():
    after = rule(condition='claims.ref.lowerAscii() == "refs/heads/main"')
    assert access_text([rule()], [after]) == (
        f"{HEAD}1 possibly broadening; this plan MAY broaden access (fedctl could not "
        "decide: lowerAscii() in the condition of rule/deploy).\n"
        "  ? possibly broadening rule/deploy: fedctl could not decide what the match admits: "
        "lowerAscii() in the condition of rule/deploy"
    )


def test_possibly_broadening_counts_as_broadening_but_not_as_proven():
    desired = desired_state(rules=[rule(condition="size(claims.ref) + 1 > 2")], accounts=ACCOUNTS)
    diff = compute_access_diff(desired, live_state(rules=[rule()], accounts=ACCOUNTS))

    assert (diff.changes[0].effect, diff.broadens, diff.proven_broadening) == (
        Effect.POSSIBLY_BROADENING,
        True,
        False,
    )
    assert diff.undecided == ("arithmetic (+, -) in the condition of rule/deploy",)


def _with_condition(tmp_path: Path, name: str, condition: str) -> Path:
    """The quickstart (in its own folder `name`) with `condition` on its rule."""
    config = copy_quickstart(tmp_path / name)
    file = config / "fedctl.yaml"
    file.write_text(
        file.read_text().replace(
            "        project: payments\n",
            f"        project: payments\n      condition: '{condition}'\n",
        )
    )
    return config


def _run(emulator: object, *args: str) -> object:
    api = ["--base-url", emulator.base_url]  # type: ignore[attr-defined]
    env = {"ANTHROPIC_AUTH_TOKEN": emulator.admin_token}  # type: ignore[attr-defined]
    return CliRunner().invoke(cli, [*args, *api], env=env)


def test_fail_on_broadening_exits_0_on_the_tightening_and_4_on_its_reverse(tmp_path):
    with running_emulator(workspaces=("production", "staging")) as emulator:
        build_quickstart(emulator)
        wide = _with_condition(tmp_path, "wide", IN)
        narrow = _with_condition(tmp_path, "narrow", EQ)
        applied = _run(emulator, "apply", str(wide), "--auto-approve")
        assert applied.exit_code == 0, applied.output

        tightened = _run(emulator, "plan", str(narrow), "--fail-on", "broadening")
        assert tightened.exit_code == 0, tightened.output
        assert f"{HEAD}1 narrowing; this plan does not broaden access." in tightened.output

        applied = _run(emulator, "apply", str(narrow), "--auto-approve")
        assert applied.exit_code == 0, applied.output
        widened = _run(emulator, "plan", str(wide), "--fail-on", "broadening")
        assert widened.exit_code == 4, widened.output
        assert "event_name=workflow_dispatch" in widened.output
        proven = _run(emulator, "plan", str(wide), "--fail-on", "proven-broadening")
        assert proven.exit_code == 4, proven.output


def test_fail_on_proven_broadening_passes_what_fedctl_could_not_decide(tmp_path):
    with running_emulator(workspaces=("production", "staging")) as emulator:
        build_quickstart(emulator)
        undecidable = _with_condition(tmp_path, "undecidable", 'claims.ref.lowerAscii() == "main"')

        either = _run(emulator, "plan", str(undecidable), "--fail-on", "broadening")
        proven = _run(emulator, "plan", str(undecidable), "--fail-on", "proven-broadening")

    assert either.exit_code == 4, either.output
    assert proven.exit_code == 0, proven.output
    assert "this plan MAY broaden access (fedctl could not decide: lowerAscii()" in proven.output
