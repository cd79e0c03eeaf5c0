"""Satisfiability queries over admission formulas, and witnesses read back from a model.

`find_token(admit, deny)` asks z3 for a token some rule of `admit` admits and no rule of
`deny` does. The answer is a `Found` (with the token's claims, already checked by the
concrete evaluator), `NONE` (proven: no such token), or an `Undecided` naming why not
(a construct outside the modelled subset, or the solver's time limit).

Usage:
    answer = find_token([after_rule], [before_rule])
    if isinstance(answer, Found): answer.claims  # {"sub": "...", "event_name": "..."}
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

import z3

from fedctl.access.proof.answers import NONE, Answer, Claims, Found, Undecided
from fedctl.access.proof.concrete import admits
from fedctl.access.proof.formula import Token, admission
from fedctl.access.proof.syntax import Unsupported
from fedctl.access.proof.text import literal, text
from fedctl.access.proof.values import Json
from fedctl.core.errors import FedctlError
from fedctl.core.resolved import ResolvedRule

Z3_LOCK = threading.RLock()
P = ParamSpec("P")
R = TypeVar("R")
# A question's budget. The 2 s proved short for regex tenant questions (a
# `matches()` on the owner needs about 20 million units, 3.5 s on a loaded 2-core
# machine, and more under another hash seed's term order): 5 s, counted in resources.
DEFAULT_TIMEOUT_MS = 5000
_READABLE_TRY_MS = 300
# The limits are z3's resource counts, which do not depend on how loaded the machine is,
# so a question gets the same answer in CI as on an idle laptop; the wall-clock timeout
# is only a backstop, ten times the budget. About 12,000 resource units a millisecond of
# solver work on an idle machine: 5 s is 60 million, the readable try's 300 ms 3.6 million.
_RLIMIT_PER_MS = 12_000
_WALL_BACKSTOP = 10
# Letters, digits and the punctuation of subjects and IDs: a witness reads like a token.
_PRINTABLE = z3.Star(
    z3.Union(z3.Range("a", "z"), z3.Range("A", "Z"), z3.Range("0", "9"), *map(z3.Re, "-_./:@"))
)


class UncheckedWitness(FedctlError):
    """The solver's token disagrees with fedctl's own evaluator: a bug, never a verdict."""


@dataclass
class SolverClock:
    """Seconds spent inside z3 (the benchmark reports it) and queries asked."""

    seconds: float = 0.0
    queries: int = 0
    timings: list[float] = field(default_factory=list)


CLOCK = SolverClock()


def _holding_z3_lock(function: Callable[P, R]) -> Callable[P, R]:
    """z3's Python API shares one context and is not thread-safe; apply plans in worker
    threads, so every question holds Z3_LOCK."""

    @functools.wraps(function)
    def locked(*args: P.args, **kwargs: P.kwargs) -> R:
        with Z3_LOCK:
            return function(*args, **kwargs)

    return locked


@_holding_z3_lock
def find_token(
    admit: Sequence[ResolvedRule],
    deny: Sequence[ResolvedRule],
    *,
    extra: Callable[[Token], Any] | None = None,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    check: Callable[[Claims], bool] | None = None,
) -> Answer:
    """A token admitted by some rule of `admit`, by none of `deny`, and meeting `extra`.

    `check` is the concrete test the token must pass (default: admitted by `admit`, not
    by `deny`); a token that fails it raises UncheckedWitness.
    """
    token = Token()
    envelope = _shared_envelope([*admit, *deny])
    whole = envelope is None
    try:
        admitted = (
            z3.Or(*(admission(rule, token, envelope=whole) for rule in admit)) if admit else None
        )
        denied = [admission(rule, token, envelope=whole) for rule in deny]
    except Unsupported as exc:
        return Undecided(exc.construct)
    if admitted is None:
        return NONE
    goal = [admitted, *(z3.Not(formula) for formula in denied)]
    if extra is not None:
        goal.append(extra(token))
    model = _solve(token, goal, timeout_ms)
    if isinstance(model, Undecided) or model is None:
        return NONE if model is None else model
    claims = {**(envelope or {}), **witness_claims(model, token)}
    concrete = check or (
        lambda found: (
            any(admits(r, found) for r in admit) and not any(admits(r, found) for r in deny)
        )
    )
    if not concrete(claims):
        raise UncheckedWitness(
            f"fedctl's solver produced the token {claims!r} for rules "
            f"{', '.join(sorted({r.name for r in (*admit, *deny)}))}, but fedctl's own "
            "evaluator does not agree; this is a bug in fedctl: please report it with the "
            "rules' match blocks. No access verdict is shown rather than an unchecked one."
        )
    return Found(claims)


def _shared_envelope(rules: Sequence[ResolvedRule]) -> Claims | None:
    """`iss` and `aud` every rule requires alike, when no condition reads them; else None."""
    from fedctl.access.explain.model import ASSUMED_DEFAULT_AUDIENCE

    sides = {(rule.issuer_url, rule.audience or ASSUMED_DEFAULT_AUDIENCE) for rule in rules}
    if len(sides) != 1 or any(_reads_envelope(rule.condition) for rule in rules):
        return None
    ((issuer_url, audience),) = sides
    return None if issuer_url is None else {"iss": issuer_url, "aud": audience}


def _reads_envelope(condition: str | None) -> bool:
    return condition is not None and ("iss" in condition or "aud" in condition)


def _solve(token: Token, goal: list[Any], timeout_ms: int, also: Sequence[Token] = ()) -> Any:
    """A model of `goal` (readable strings preferred), None when unsat, or Undecided.

    `also`: further tokens the goal reads, whose strings should read well too.
    """
    import time

    # Readable strings are a nicety: a short try with them, then the question as asked,
    # each in a solver of its own. Not push/pop: z3 preprocesses at push() with no time
    # limit, and a hostile subject kept it busy there for minutes; check() has the timeout.
    started = time.perf_counter()
    try:
        readable = [token.well_formed(), *goal, *_all_readable(token, also)]
        solver, verdict = _ask(readable, min(_READABLE_TRY_MS, timeout_ms))
        if verdict != z3.sat:
            solver, verdict = _ask([token.well_formed(), *goal], timeout_ms)
    finally:
        elapsed = time.perf_counter() - started
        CLOCK.seconds += elapsed
        CLOCK.queries += 1
        CLOCK.timings.append(elapsed)
    if verdict == z3.unsat:
        return None
    if verdict == z3.unknown:
        return Undecided(f"the solver gave up ({solver.reason_unknown()}, limit {timeout_ms} ms)")
    return solver.model().translate(z3.main_ctx())


def _ask(formulas: list[Any], budget_ms: int) -> tuple[Any, Any]:
    """The formulas checked in a context of their own, within `budget_ms` of work.

    How much work z3 needs depends on the terms its context built before (their order):
    in the shared context a regex tenant question that needs 17 million units alone took
    more than 60 million after other questions, so lint's answers changed with what ran
    earlier in the process. A fresh context makes each answer depend on the question only.
    """
    context = z3.Context()
    solver = z3.Solver(ctx=context)
    solver.set("rlimit", budget_ms * _RLIMIT_PER_MS)
    solver.set("timeout", budget_ms * _WALL_BACKSTOP)
    solver.add(*(formula.translate(context) for formula in formulas))
    return solver, solver.check()


def _all_readable(token: Token, also: Sequence[Token]) -> list[Any]:
    return [fact for each in (token, *also) for fact in _readable(each)] or [z3.BoolVal(True)]


def _readable(token: Token) -> list[Any]:
    """Claims that are absent or printable ASCII strings (maps where nested claims live),
    so a witness reads like a token; dropped when it makes the goal unsatisfiable."""
    parents = {path[:-1] for path in token.paths if len(path) > 1}
    facts = []
    for path, term in token.paths.items():
        if path in parents:
            continue
        printable = z3.And(Json.is_jstr(term), z3.InRe(Json.str_of(term), _PRINTABLE))
        facts.append(z3.Or(Json.is_jabsent(term), printable))
    return facts


def witness_claims(model: Any, token: Token) -> Claims:
    """The token the model describes, as JSON claims (absent claims left out)."""
    claims: Claims = {}
    for path in sorted(token.paths, key=len):
        value = _value(model, token, path)
        if value is _ABSENT:
            continue
        parent: Any = claims
        for step in path[:-1]:
            parent = parent.get(step) if isinstance(parent, dict) else None
        if isinstance(parent, dict):
            parent[path[-1]] = value
    return claims


_ABSENT = object()


def _value(model: Any, token: Token, path: tuple[str, ...]) -> Any:
    term = token.paths[path]

    def evaluated(expression: Any) -> Any:
        return model.eval(expression, model_completion=True)

    if z3.is_true(evaluated(Json.is_jabsent(term))):
        return _ABSENT
    if z3.is_true(evaluated(Json.is_jstr(term))):
        return text(evaluated(Json.str_of(term)))
    if z3.is_true(evaluated(Json.is_jint(term))):
        return evaluated(Json.int_of(term)).as_long()
    if z3.is_true(evaluated(Json.is_jbool(term))):
        return z3.is_true(evaluated(Json.bool_of(term)))
    if z3.is_true(evaluated(Json.is_jlist(term))):
        items = Json.items_of(term)
        length = evaluated(z3.Length(items)).as_long()
        return [text(evaluated(items[index])) for index in range(length)]
    if z3.is_true(evaluated(Json.is_jmap(term))):
        extra = evaluated(Json.extra_keys(term)).as_long()
        tracked = {other[-1] for other in token.paths if other[:-1] == path}
        keys = (f"other-{index}" for index in range(extra + len(tracked) + 1))
        return {key: "" for key in list(k for k in keys if k not in tracked)[:extra]}
    return None


def token_equals(token: Token, claims: Claims) -> Any:
    """The symbolic token is exactly `claims` (on every path a formula reads)."""
    facts = []
    for path, term in token.paths.items():
        value: Any = claims
        for step in path:
            value = value.get(step, _ABSENT) if isinstance(value, dict) else _ABSENT
        facts.append(
            term == _json_term(value)
            if not isinstance(value, dict)
            else _map_fact(token, path, value)
        )
    return z3.And(*facts)


def _map_fact(token: Token, path: tuple[str, ...], value: dict[str, Any]) -> Any:
    tracked = {
        other[-1] for other in token.paths if other[:-1] == path and len(other) == len(path) + 1
    }
    extra = len(set(value) - tracked)
    term = token.paths[path]
    return z3.And(Json.is_jmap(term), Json.extra_keys(term) == extra)


def _json_term(value: Any) -> Any:
    if value is _ABSENT:
        return Json.jabsent
    if value is None:
        return Json.jnull
    if isinstance(value, bool):
        return Json.jbool(z3.BoolVal(value))
    if isinstance(value, int):
        return Json.jint(z3.IntVal(value))
    if isinstance(value, str):
        return Json.jstr(literal(value))
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        units = [z3.Unit(literal(item)) for item in value]
        empty = z3.Empty(z3.SeqSort(z3.StringSort()))
        return Json.jlist(z3.Concat(*units) if len(units) > 1 else (units[0] if units else empty))
    raise Unsupported(f"a claim value of type {type(value).__name__}")
