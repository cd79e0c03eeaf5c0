"""The class search against the solver and the evaluator: for random rules of the usual
matches (string literals, prefixes, `has`, pins, subjects, audiences, issuers), the
search's answer equals z3's, every token it finds is one the evaluator judges as the
question asks, and outside its fragment it answers None rather than guess."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fedctl.access.proof import exhaustion
from fedctl.access.proof.answers import NONE, Found, Undecided
from fedctl.access.proof.concrete import admits
from fedctl.access.proof.exhaustion import decide
from fedctl.access.proof.solve import find_token
from fedctl.core.resolved import ResolvedRule
from tests.proof.test_differential import conditions, quoted

ISSUERS = ["https://issuer.example", "https://other.example"]
AUDIENCES = [None, "https://api.anthropic.com", "aud-2"]
# "x" and "x0" collide with the values the search extends prefixes with.
STRINGS = ["", "a", "ab", "abc", "b", "push", "x", "x0", "A1"]
CLAIM = st.sampled_from(["claims.a", "claims.b", "claims.sub", 'claims["a"]'])
STRING_LIT = st.sampled_from(STRINGS).map(quoted)


@st.composite
def usual_atoms(draw: st.DrawFn) -> str:
    claim = draw(CLAIM)
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return f"{claim} {draw(st.sampled_from(['==', '!=']))} {draw(STRING_LIT)}"
    if choice == 1:
        return f"{draw(STRING_LIT)} == {claim}"
    if choice == 2:
        items = draw(st.lists(STRING_LIT, min_size=1, max_size=3))
        return f"{claim} in [{', '.join(items)}]"
    if choice == 3:
        return f"{claim}.startsWith({draw(STRING_LIT)})"
    if choice == 4:
        return "has(claims.a)" if "[" in claim else f"has({claim})"
    return draw(st.sampled_from(["true", "false"]))


USUAL_CONDITIONS = st.recursive(
    usual_atoms(),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["&&", "||"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        inner.map(lambda e: f"!({e})"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
    ),
    max_leaves=4,
)


@st.composite
def rules(draw: st.DrawFn, condition: st.SearchStrategy[str] = USUAL_CONDITIONS) -> ResolvedRule:
    pins = draw(st.dictionaries(st.sampled_from(["a", "b"]), st.sampled_from(STRINGS), max_size=2))
    return ResolvedRule(
        name=f"r{draw(st.integers(0, 99))}",
        issuer_name="idp",
        issuer_url=draw(st.sampled_from(ISSUERS)),
        service_account_name="sa",
        description="",
        subject_prefix=draw(st.sampled_from([None, "a", "ab", "ab*", "a*", "*", "x*", "x"])),
        audience=draw(st.sampled_from(AUDIENCES)),
        claims=tuple(sorted(pins.items())),
        condition=draw(st.one_of(st.none(), condition)),
        oauth_scope="workspace:developer",
        workspace_ids=(),
        workspace_names=(),
        applies_to_all_workspaces=False,
        token_lifetime_seconds=600,
    )


def _check(answer: object, admit: list[ResolvedRule], deny: list[ResolvedRule]) -> None:
    """The search's answer is the solver's; a token it finds is one the question asks for."""
    solver = find_token(admit, deny)
    if isinstance(solver, Undecided):
        return
    assert isinstance(answer, Found) == isinstance(solver, Found), (answer, solver)
    if isinstance(answer, Found):
        assert any(admits(rule, answer.claims) for rule in admit)
        assert not any(admits(rule, answer.claims) for rule in deny)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(admit=st.lists(rules(), min_size=1, max_size=2), deny=st.lists(rules(), max_size=2))
def test_the_search_decides_the_usual_matches_as_the_solver_does(
    admit: list[ResolvedRule], deny: list[ResolvedRule]
) -> None:
    # The bound is about cost, not correctness: lifted, so every question is searched.
    with patch.object(exhaustion, "MAX_TOKENS", 10**6):
        answer = decide(admit, deny)
    assert answer is not None, (admit, deny)  # every usual match is inside the fragment
    _check(answer, admit, deny)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(admit=rules(conditions()), deny=rules(conditions()))
def test_outside_its_fragment_the_search_answers_none_or_what_the_solver_does(
    admit: ResolvedRule, deny: ResolvedRule
) -> None:
    answer = decide([admit], [deny])
    if answer is not None:
        _check(answer, [admit], [deny])


def rule_with(condition: str | None, **fields: object) -> ResolvedRule:
    base = ResolvedRule(
        name="r",
        issuer_name="idp",
        issuer_url=ISSUERS[0],
        service_account_name="sa",
        description="",
        subject_prefix="repo:acme/app:*",
        audience=None,
        claims=(("repository_owner_id", "91234567"),),
        condition=condition,
        oauth_scope="workspace:developer",
        workspace_ids=(),
        workspace_names=(),
        applies_to_all_workspaces=False,
        token_lifetime_seconds=600,
    )
    return ResolvedRule(**{**base.__dict__, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "condition",
    [
        'claims.ref.endsWith("main")',
        'claims.ref.matches("^refs/")',
        "claims.google.project == 'p'",  # a nested claim: its parent's type matters too
        'claims.aud == "x"',  # the envelope is judged apart
        "claims.run_attempt > 1",
        "claims.flag",
    ],
)
def test_a_construct_outside_the_classes_is_left_to_the_solver(condition: str) -> None:
    assert decide([rule_with(condition)], [rule_with(None)]) is None


def test_a_widened_condition_is_found_with_the_new_value_and_the_rule_s_own_pins() -> None:
    narrow = rule_with('claims.ref == "refs/heads/main"')
    wide = rule_with('claims.ref in ["refs/heads/main", "refs/heads/release"]')

    assert decide([wide], [narrow]) == Found(
        {
            "iss": ISSUERS[0],
            "aud": "https://api.anthropic.com",
            "sub": "repo:acme/app:",
            "repository_owner_id": "91234567",
            "ref": "refs/heads/release",
        }
    )
    assert decide([narrow], [wide]) is NONE


@pytest.mark.parametrize(
    ("admit", "deny", "value"),
    [
        # Another JSON type: present for has(), not a string for startsWith.
        ("has(claims.a)", 'claims.a.startsWith("")', None),
        # A prefix extended past a longer prefix and a literal.
        ('claims.a.startsWith("a")', 'claims.a == "a" || claims.a.startsWith("ab")', "ax"),
        # The empty prefix extended past the characters the search tries first.
        ('claims.a.startsWith("")', 'claims.a in ["", "x"] || claims.a.startsWith("x")', "0"),
        # Absence: an error, which `!` does not turn into true.
        ('claims.a != "b" || !has(claims.a)', 'claims.a != "b"', "absent"),
    ],
)
def test_each_class_of_values_is_tried(admit: str, deny: str, value: object) -> None:
    question = ([rule_with(admit)], [rule_with(deny)])
    answer = decide(*question)

    assert isinstance(answer, Found)
    assert answer.claims.get("a", "absent") == value
    assert isinstance(find_token(*question), Found)
    assert decide(question[1], question[1]) is NONE


GITHUB_STRINGS = ["pull_request", "push", "refs/pull/1/merge", "123", "1", "acme", "", "x"]
GITHUB_STRINGS += ["repo:acme/app:pull_request", "repo:acme/", "repo:x"]
GITHUB_CLAIM = st.sampled_from(
    [f"claims.{name}" for name in ("event_name", "ref", "sub", "environment")]
    + ["claims.repository_owner", "claims.repository_owner_id"]
)


@st.composite
def github_atoms(draw: st.DrawFn) -> str:
    claim, value = draw(GITHUB_CLAIM), quoted(draw(st.sampled_from(GITHUB_STRINGS)))
    return draw(
        st.sampled_from(
            [
                f"{claim} == {value}",
                f"{claim} != {value}",
                f"{claim}.startsWith({value})",
                f"has({claim})",
                f'{claim} in [{value}, "push"]',
            ]
        )
    )


GITHUB_CONDITIONS = st.recursive(
    github_atoms(),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["&&", "||"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        inner.map(lambda e: f"!({e})"),
    ),
    max_leaves=3,
)
GITHUB_SUBJECTS = [None, "*", "re*", "repo:*", "repo:acme/*", "repo:acme/app:*", "repo:x"]
GITHUB_SUBJECTS += ["repo:acme/app:pull_request", "repo:acme/app:ref:refs/heads/main"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    subject=st.sampled_from(GITHUB_SUBJECTS),
    pins=st.dictionaries(st.sampled_from(["event_name", "ref"]), st.sampled_from(GITHUB_STRINGS)),
    condition=st.one_of(st.none(), GITHUB_CONDITIONS),
)
def test_lint_s_questions_by_classes_answer_as_the_solver_does(
    subject: str | None, pins: dict[str, str], condition: str | None
) -> None:
    from fedctl.access.proof import questions, solver_questions

    rule = rule_with(condition, subject_prefix=subject, claims=tuple(sorted(pins.items())))
    for by_classes, by_solver in (
        (questions.pull_request_run(rule), solver_questions.pull_request_run(rule)),
        (
            questions.other_tenant(rule, "github-actions"),
            solver_questions.other_tenant(rule, questions.TENANT_CLAIMS["github-actions"]),
        ),
    ):
        if not isinstance(by_solver, Undecided):
            assert isinstance(by_classes, Found) == isinstance(by_solver, Found), (
                by_classes,
                by_solver,
            )
