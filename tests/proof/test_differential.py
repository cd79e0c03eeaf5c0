"""The solver against the concrete evaluator: for random conditions of the supported
constructs and random claim sets, z3's verdict equals cel-python's, and every witness the
solver produces is one the evaluator admits."""

from __future__ import annotations

import pytest
import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fedctl.access.proof.answers import Found
from fedctl.access.proof.concrete import admits
from fedctl.access.proof.formula import Token, admission
from fedctl.access.proof.solve import find_token, token_equals
from fedctl.config.cel import evaluate_condition
from fedctl.core.resolved import ResolvedRule

# cel-python raises the recursion limit on first use; do it before hypothesis watches.
evaluate_condition("claims.a == 1", {})

ISS = "https://issuer.example"
AUD = "https://api.anthropic.com"
NAMES = ["a", "b", "m"]
STRINGS = ["", "a", "ab", "b", "push", "A1"]
PATTERNS = ["a", "^a", "b$", "a.b", "[ab]+", "^(a|b)*$", "\\d", "^[^a]"]


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\") + '"'


CLAIM = st.sampled_from(["claims.a", "claims.b", "claims.m", "claims.m.k", 'claims["a"]'])
STRING_LIT = st.sampled_from(STRINGS).map(quoted)
INT_LIT = st.sampled_from(["-1", "0", "1", "2"])
BOOL_LIT = st.sampled_from(["true", "false"])
LITERAL = st.one_of(STRING_LIT, INT_LIT, BOOL_LIT)


@st.composite
def atoms(draw: st.DrawFn) -> str:
    claim = draw(CLAIM)
    choice = draw(st.integers(0, 12))
    if choice == 0:
        return f"{claim} {draw(st.sampled_from(['==', '!=']))} {draw(LITERAL)}"
    if choice == 1:
        return f"{draw(LITERAL)} == {claim}"
    if choice == 2:
        op = draw(st.sampled_from(["<", "<=", ">", ">="]))
        return f"{claim} {op} {draw(LITERAL)}"
    if choice == 3:
        items = draw(
            st.one_of(
                st.lists(STRING_LIT, min_size=1, max_size=3),
                st.lists(INT_LIT, min_size=1, max_size=3),
            )
        )
        return f"{claim} in [{', '.join(items)}]"
    if choice == 4:
        return f"{draw(STRING_LIT)} in {claim}"
    if choice == 5:
        method = draw(st.sampled_from(["startsWith", "endsWith", "contains"]))
        return f"{claim}.{method}({draw(STRING_LIT)})"
    if choice == 6:
        return f"{claim}.matches({quoted(draw(st.sampled_from(PATTERNS)))})"
    if choice == 7:
        return f"size({claim}) {draw(st.sampled_from(['==', '>']))} {draw(INT_LIT)}"
    if choice == 8:
        return f"has({claim})" if "[" not in claim else "has(claims.a)"
    if choice == 9:
        return claim
    if choice == 10:
        bounds = draw(st.sampled_from(["0, 1", "1", "1, 2"]))
        return f"{claim}.substring({bounds}) == {draw(STRING_LIT)}"
    if choice == 11:
        return f"{claim}.size() == {draw(INT_LIT)}"
    return draw(BOOL_LIT)


def conditions() -> st.SearchStrategy[str]:
    return st.recursive(
        atoms(),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["&&", "||"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda e: f"!({e})"),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
        ),
        max_leaves=5,
    )


SCALAR = st.one_of(st.sampled_from(STRINGS), st.integers(-2, 3), st.booleans(), st.none())
VALUE = st.one_of(
    SCALAR,
    st.lists(st.sampled_from(STRINGS), max_size=3),
    st.dictionaries(st.sampled_from(["k", "z"]), SCALAR, max_size=2),
)
CLAIM_SETS = st.dictionaries(st.sampled_from(NAMES), VALUE, max_size=3)


def rule_with(condition: str) -> ResolvedRule:
    return ResolvedRule(
        name="r",
        issuer_name="idp",
        issuer_url=ISS,
        service_account_name="sa",
        description="",
        subject_prefix=None,
        audience=AUD,
        claims=(),
        condition=condition,
        oauth_scope="workspace:developer",
        workspace_ids=(),
        workspace_names=(),
        applies_to_all_workspaces=False,
        token_lifetime_seconds=600,
    )


def solver_admits(rule: ResolvedRule, claims: dict[str, object]) -> bool:
    token = Token()
    formula = admission(rule, token)
    solver = z3.Solver()
    solver.add(token.well_formed(), formula, token_equals(token, claims))
    verdict = solver.check()
    assert verdict != z3.unknown
    return verdict == z3.sat


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(condition=conditions(), claims=CLAIM_SETS)
def test_solver_verdict_equals_the_evaluator(condition: str, claims: dict[str, object]) -> None:
    rule = rule_with(condition)
    token = {"iss": ISS, "aud": AUD, **claims}
    assert solver_admits(rule, token) == admits(rule, token), (condition, token)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(condition=conditions(), other=conditions())
def test_every_witness_checks(condition: str, other: str) -> None:
    # find_token raises UncheckedWitness when the evaluator disagrees with a witness.
    answer = find_token([rule_with(condition)], [rule_with(other)])
    if isinstance(answer, Found):
        assert admits(rule_with(condition), answer.claims)
        assert not admits(rule_with(other), answer.claims)


@pytest.mark.parametrize(
    ("literal", "lookalike"),
    [
        ("x\\u{41}y", "xAy"),  # z3 reads \u{..} escapes in StringVal: the text is not `A`
        ("a\\x41", "aA"),
        ("tag\U000e0041", "tag\\u{e0041}"),  # beyond z3's default character range
        ("zero\u200bwidth", "zerowidth"),
    ],
)
def test_a_value_is_the_string_it_is_not_an_escape_of_another(literal: str, lookalike: str) -> None:
    # A rule pinned to a value holding escape-like text must not admit the look-alike, and
    # must admit the value itself: the solver agrees with the evaluator on both.
    rule = rule_with(f"claims.ref == {quoted(literal)}")
    for value in (literal, lookalike):
        token = {"iss": ISS, "aud": AUD, "ref": value}
        assert solver_admits(rule, token) == admits(rule, token) == (value == literal)
    found = find_token([rule], [])
    assert isinstance(found, Found)
    assert found.claims["ref"] == literal


def test_queries_from_many_threads_at_once_do_not_crash_the_process() -> None:
    # z3's shared context is not thread-safe; parallel plans crashed in Z3_model_eval.
    from concurrent.futures import ThreadPoolExecutor

    rules = [rule_with(f'claims.a == "{value}" || claims.b.startsWith("p")') for value in "xyz"]

    def query(index: int) -> object:
        return find_token([rules[index % 3]], [rules[(index + 1) % 3]])

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(query, range(48)))
    assert all(isinstance(answer, Found) for answer in answers)
