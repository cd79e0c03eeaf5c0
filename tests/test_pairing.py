"""The declared-to-live pairing through renames, shared by access, drift and the planner."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from fedctl.core.pairing import (
    claimed_names,
    live_counterpart,
    live_name_of,
    live_names_by_id,
    pending_renames,
    previous_names_of,
    renamed_to,
)
from fedctl.core.state import DesiredState, Kind
from fedctl.plan.match import match_kind
from fedctl.plan.problems import Problem
from tests.access.helpers import GITHUB, live_state, rule


def _renamed(**previous: tuple[str, ...]) -> DesiredState:
    return DesiredState(
        rules={name: rule(name=name) for name in previous},
        previous_names={(Kind.RULE, name): olds for name, olds in previous.items()},
    )


def test_a_namesake_wins_over_a_previous_name() -> None:
    desired = _renamed(deploy=("old",))
    live = live_state(rules=[rule(name="deploy"), rule(name="old")])
    assert live_name_of(desired, Kind.RULE, "deploy", live.rules) == "deploy"
    assert pending_renames(desired, Kind.RULE, live.rules) == {}


def test_a_rename_pairs_with_the_first_live_previous_name_and_keeps_its_id() -> None:
    desired = _renamed(deploy=("gone", "older", "old"))
    live = live_state(rules=[rule(name="old"), rule(name="older")])
    counterpart = live_counterpart(desired, Kind.RULE, "deploy", live.rules)
    assert counterpart is not None and counterpart.meta.id == "fdrl_older"
    assert pending_renames(desired, Kind.RULE, live.rules) == {"older": "deploy", "old": "deploy"}
    assert previous_names_of(desired, Kind.RULE, "deploy") == ("gone", "older", "old")


def test_nothing_live_pairs_with_nothing() -> None:
    desired = _renamed(deploy=("gone",))
    assert live_counterpart(desired, Kind.RULE, "deploy", live_state().rules) is None
    assert live_name_of(desired, Kind.ISSUER, "deploy", {"gone"}) is None  # another kind


def test_ids_follow_the_live_name_whatever_the_configuration_calls_it() -> None:
    live = live_state(rules=[rule(name="prod-deploy")])
    assert live_names_by_id(live) == {
        "fdrl_prod-deploy": "prod-deploy",
        f"fdis_{GITHUB.name}": GITHUB.name,
        "svac_ci": "ci",
    }


def test_a_finished_rename_names_what_is_left_over() -> None:
    desired = _renamed(deploy=("old",))
    assert renamed_to(desired, Kind.RULE, "old", {"deploy", "old"}) == "deploy"
    assert renamed_to(desired, Kind.RULE, "old", {"old"}) is None  # not renamed yet
    assert renamed_to(desired, Kind.SERVICE_ACCOUNT, "old", {"deploy", "old"}) is None


def test_claimed_names_are_the_declared_ones_and_every_previous_one() -> None:
    desired = _renamed(a=("x",), b=("y", "z"))
    assert claimed_names(desired, Kind.RULE, desired.rules) == {"a", "b", "x", "y", "z"}
    assert claimed_names(desired, Kind.ISSUER, {"i"}) == {"i"}


def test_an_ambiguous_previous_name_pairs_later_here_and_the_planner_refuses_it() -> None:
    desired = _renamed(a=("old",), b=("old",))
    live = live_state(rules=[rule(name="old")])
    assert pending_renames(desired, Kind.RULE, live.rules) == {"old": "b"}
    problems: list[Problem] = []
    match_kind(Kind.RULE, ["a", "b"], desired, live.rules, (), problems)
    assert [problem.render() for problem in problems] == [
        "rule/a, rule/b: both declare rule/old as a previous name; only one resource can "
        "take it over"
    ]


def test_a_previous_name_still_declared_is_refused_by_the_planner() -> None:
    desired = _renamed(a=("b",), b=())
    problems: list[Problem] = []
    match_kind(Kind.RULE, ["a", "b"], desired, live_state().rules, (), problems)
    assert [problem.resources for problem in problems] == [("rule/a", "rule/b")]


_NAMES = st.sampled_from(["a", "b", "c", "d", "e"])


@settings(max_examples=200, deadline=None)
@example(declared={"b", "c"}, previous={"b": ["a"], "c": ["d", "a"]}, live_names={"a", "d"})
@given(
    declared=st.sets(_NAMES, min_size=1),
    previous=st.dictionaries(_NAMES, st.lists(_NAMES, max_size=3, unique=True), max_size=5),
    live_names=st.sets(_NAMES),
)
def test_the_shared_pairing_is_the_planners_whenever_the_planner_accepts_the_renames(
    declared: set[str], previous: dict[str, list[str]], live_names: set[str]
) -> None:
    desired = DesiredState(
        rules={name: rule(name=name) for name in declared},
        previous_names={
            (Kind.RULE, name): tuple(olds) for name, olds in previous.items() if name in declared
        },
    )
    live = live_state(rules=[rule(name=name) for name in sorted(live_names)])
    problems: list[Problem] = []
    matching = match_kind(Kind.RULE, sorted(declared), desired, live.rules, (), problems)
    if problems:
        return  # refused: ambiguous or still-declared previous names never reach a plan
    for name in declared:
        pairing = matching.pairings[name]
        planned = pairing.live.spec.name if pairing.live is not None else None
        assert live_name_of(desired, Kind.RULE, name, live.rules) == planned
    renames = pending_renames(desired, Kind.RULE, live.rules)
    for name, pairing in matching.pairings.items():
        if pairing.renamed_from is not None:
            assert renames[pairing.renamed_from] == name
