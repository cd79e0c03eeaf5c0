"""Questions decided without z3: one token per class of claim values, evaluated concretely.

The usual matches compare string claims with literals (`==`, `!=`, `in [...]`, the
`claims` pins, an exact `sub`), test prefixes (`startsWith`, a `*` subject) and `has()`.
Such tests cannot tell apart two values of a claim that equal the same literals and start
with the same prefixes, so each claim's values fall into finitely many classes: each
literal, each prefix, a string that extends a prefix (or the empty one) and equals
nothing mentioned, absence, and, for a claim a condition reads, each other JSON type
(null, a boolean, a number; a list or a map behaves as a number there: comparing it with
a string is an error, as `fedctl.access.proof.values.EQUALITY` says and the differential test
holds). `aud` is judged by which of the rules' audiences it holds. Evaluating the rules
with fedctl's concrete evaluator (explain's matchers and CEL library) on one token per
combination of classes is therefore exhaustive: it finds a token when one exists and
proves there is none otherwise, with no solver.

Anything else (another construct, a nested claim, a condition reading `iss` or `aud`,
more combinations than MAX_TOKENS) answers None, and the caller asks z3.

Usage:
    answer = decide([after_rule], [before_rule])  # Found, NONE, or None: ask the solver
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from fedctl.access.proof import syntax as s
from fedctl.access.proof.answers import NONE, Answer, Claims, Found
from fedctl.access.proof.concrete import admits
from fedctl.core.resolved import ResolvedRule

# Tokens tried per question at most; beyond, the solver answers (at about 0.1 ms a token
# on a loaded machine, 2,000 tokens cost about what one z3 question does).
MAX_TOKENS = 2_000
ABSENT = object()
# A claim a condition reads may hold any JSON type; one value stands for each type that
# behaves alike within the fragment (a list and a map behave as the number).
_OTHER_TYPES: tuple[object, ...] = (None, True, 0)
# Characters tried, in order, to extend a prefix into a value no rule mentions (a witness
# should read like a token).
_EXTENSIONS = "x0123456789abcdefghijklmnopqrstuvwyzXYZ-_./:@"


class _Outside(Exception):
    """The question uses something the classes do not cover: the solver answers it."""


@dataclass
class _Reads:
    """What the rules compare one claim with."""

    literals: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    by_condition: bool = False


@dataclass
class Classes:
    """One value per class of each claim the rules read (ABSENT: the claim is left out),
    with `iss` and `aud` in `envelope` when every rule requires the same ones."""

    envelope: Claims
    values: dict[str, list[object]]
    mentioned: dict[str, set[str]]
    prefixes: dict[str, set[str]]

    def tokens(self) -> Iterator[Claims]:
        for combination in itertools.product(*self.values.values()):
            token = dict(self.envelope)
            for name, value in zip(self.values, combination, strict=True):
                if value is not ABSENT:
                    token[name] = value
            yield token

    def infinite(self, name: str, value: object) -> bool:
        """Whether the value's class holds other strings too (it is no string mentioned):
        then so does every string that continues it."""
        return isinstance(value, str) and value not in self.mentioned.get(name, set())

    def anchor(self, name: str, value: str) -> str:
        """The longest prefix the rules test `value` for ("" when none)."""
        return max(
            (p for p in self.prefixes.get(name, ()) if value.startswith(p)), key=len, default=""
        )

    def same_class(self, name: str, value: str, other: str) -> bool:
        if not (self.infinite(name, value) and self.infinite(name, other)):
            return value == other
        return self.anchor(name, value) == self.anchor(name, other)


def classes_of(rules: Sequence[ResolvedRule], *, fixed: Claims | None = None) -> Classes | None:
    """The classes of the claims `rules` read, `fixed` claims held at one value each;
    None outside the fragment or beyond MAX_TOKENS combinations."""
    try:
        envelope, reads = _envelope(list(rules)), _reads(list(rules))
    except (_Outside, s.Unsupported):
        return None
    values = {name: _representatives(read) for name, read in reads.items()}
    values.update({name: [value] for name, value in (fixed or {}).items()})
    if math.prod(map(len, values.values())) > MAX_TOKENS:
        return None
    mentioned = {name: {*read.literals, *read.prefixes} for name, read in reads.items()}
    prefixes = {name: set(read.prefixes) for name, read in reads.items()}
    return Classes(envelope, values, mentioned, prefixes)


def decide(admit: Sequence[ResolvedRule], deny: Sequence[ResolvedRule]) -> Answer | None:
    """A token some rule of `admit` admits and no rule of `deny` does (checked by the
    concrete evaluator), NONE when there is provably none, None when outside the fragment."""
    if not admit:
        return NONE
    classes = classes_of([*admit, *deny])
    if classes is None:
        return None
    for token in classes.tokens():
        if any(remembered_admits(r, token) for r in admit) and not any(
            remembered_admits(r, token) for r in deny
        ):
            confirm(token, lambda found: _separates(found, admit, deny))
            return Found(token)
    return NONE


def _separates(token: Claims, admit: Sequence[ResolvedRule], deny: Sequence[ResolvedRule]) -> bool:
    return any(admits(r, token) for r in admit) and not any(admits(r, token) for r in deny)


def ask(admit: Sequence[ResolvedRule], deny: Sequence[ResolvedRule]) -> Answer:
    """`decide`'s answer, else the solver's (`fedctl.access.proof.solve.find_token`)."""
    answer = decide(admit, deny)
    if answer is not None:
        return answer
    from fedctl.access.proof.solve import find_token

    return find_token(admit, deny)


def _envelope(rules: list[ResolvedRule]) -> Claims:
    """`iss` and `aud` fixed when every rule requires the same ones: a token with others is
    admitted by no rule, so it can be no answer."""
    from fedctl.access.explain.model import ASSUMED_DEFAULT_AUDIENCE

    sides = {(rule.issuer_url, rule.audience or ASSUMED_DEFAULT_AUDIENCE) for rule in rules}
    if len(sides) != 1:
        return {}
    ((issuer_url, audience),) = sides
    return {} if issuer_url is None else {"iss": issuer_url, "aud": audience}


def _reads(rules: list[ResolvedRule]) -> dict[str, _Reads]:
    """Per claim, the literals and prefixes the rules compare it with (sub first)."""
    reads: dict[str, _Reads] = {"sub": _Reads()}
    shared = _envelope(rules)
    audiences = list(dict.fromkeys(_audience(rule) for rule in rules))
    for rule in rules:
        if rule.subject_prefix is not None and rule.subject_prefix.endswith("*"):
            reads["sub"].prefixes.append(rule.subject_prefix[:-1])
        elif rule.subject_prefix is not None:
            reads["sub"].literals.append(rule.subject_prefix)
        for name, value in rule.claims:
            reads.setdefault(name, _Reads()).literals.append(value)
        if rule.condition is not None:
            _read_condition(s.parse_condition(rule.condition), reads)
    if {"iss", "aud"} & {n for n, read in reads.items() if read.by_condition or read.literals}:
        raise _Outside  # the envelope is judged apart from the other claims
    if not shared:
        # One audience at a time: a rule's other matchers do not read `aud`, so a token
        # holding several is admitted by more rules (of `deny` too), never by fewer.
        reads["iss"] = _Reads(literals=[r.issuer_url for r in rules if r.issuer_url is not None])
        reads["aud"] = _Reads(literals=audiences)
    return reads


def _audience(rule: ResolvedRule) -> str:
    from fedctl.access.explain.model import ASSUMED_DEFAULT_AUDIENCE

    return rule.audience or ASSUMED_DEFAULT_AUDIENCE


def _read_condition(node: s.Node, reads: dict[str, _Reads]) -> None:
    """Record what the condition compares each claim with; raise _Outside for a claim read
    any other way (as a boolean, a list, by a function the classes do not cover...)."""
    if isinstance(node, s.Lit):
        return
    if isinstance(node, s.Has):
        _claim_read(node.path, reads)
    elif isinstance(node, s.Not):
        _read_condition(node.operand, reads)
    elif isinstance(node, s.BoolOp):
        _read_condition(node.left, reads)
        _read_condition(node.right, reads)
    elif isinstance(node, s.Ternary):
        for part in (node.test, node.then, node.otherwise):
            _read_condition(part, reads)
    elif isinstance(node, s.Compare) and node.op in {"==", "!="}:
        _read_comparison(node.left, node.right, reads)
    elif isinstance(node, s.In) and isinstance(node.container, s.ListLit):
        for item in node.container.items:
            _read_comparison(node.item, item, reads)
    elif _prefix_test(node):
        assert isinstance(node, s.Call) and isinstance(node.target, s.Claim)
        prefix = node.args[0]
        assert isinstance(prefix, s.Lit)
        _claim_read(node.target.path, reads).prefixes.append(str(prefix.value))
    else:
        raise _Outside


def _read_comparison(left: s.Node, right: s.Node, reads: dict[str, _Reads]) -> None:
    claim, other = (left, right) if isinstance(left, s.Claim) else (right, left)
    if isinstance(claim, s.Claim) and isinstance(other, s.Lit) and _string(other):
        _claim_read(claim.path, reads).literals.append(str(other.value))
    elif not (isinstance(left, s.Lit) and isinstance(right, s.Lit)):
        raise _Outside


def _prefix_test(node: s.Node) -> bool:
    """`claims.x.startsWith("literal")`."""
    return (
        isinstance(node, s.Call)
        and node.function == "startsWith"
        and isinstance(node.target, s.Claim)
        and _string(node.args[0])
    )


def _string(node: s.Node) -> bool:
    return isinstance(node, s.Lit) and isinstance(node.value, str)


def _claim_read(path: tuple[str, ...], reads: dict[str, _Reads]) -> _Reads:
    if len(path) != 1:
        raise _Outside  # a nested claim: its parent's type matters too
    read = reads.setdefault(path[0], _Reads())
    read.by_condition = True
    return read


def _representatives(read: _Reads) -> list[object]:
    """One value per class: absence (first, so a witness shows only the claims it needs),
    the literals, the prefixes, each prefix extended past every literal and longer
    prefix, and the other JSON types a condition may meet."""
    mentioned = list(dict.fromkeys([*read.literals, *read.prefixes]))
    extended = [_extend(anchor, mentioned) for anchor in dict.fromkeys(["", *read.prefixes])]
    others = _OTHER_TYPES if read.by_condition else ()
    return list(dict.fromkeys([ABSENT, *mentioned, *extended, *others], None))


def _extend(anchor: str, mentioned: list[str]) -> str:
    """`anchor` plus one character, making a string no rule mentions. No longer prefix is
    then a prefix of it (one would be that very string), so it is in the class of the
    strings whose longest tested prefix is `anchor`. A character a mentioned string
    continues `anchor` with is tried first (`r` past "refs/heads/main"): it reads well."""
    continuing = (
        text[len(anchor)] for text in mentioned if text.startswith(anchor) and text != anchor
    )
    for character in itertools.chain(continuing, _EXTENSIONS, map(chr, range(0x100, 0x110000))):
        if anchor + character not in mentioned:
            return anchor + character
    raise _Outside  # unreachable: finitely many strings block finitely many characters


def remembered_admits(rule: ResolvedRule, token: Claims) -> bool:
    """`concrete.admits`, with the condition's verdict remembered per value of the claims
    it reads: the questions of one plan meet the same few conditions again and again."""
    return admits(rule, token, evaluate=_remembered)


def _remembered(condition: str, claims: object) -> bool:
    assert isinstance(claims, dict)
    read = _condition_claims(condition)
    seen = tuple(
        (name, type(claims[name]).__name__, claims[name]) for name in read if name in claims
    )
    return _evaluate(condition, seen)


@functools.lru_cache(maxsize=256)
def _condition_claims(condition: str) -> tuple[str, ...]:
    reads: dict[str, _Reads] = {}
    _read_condition(s.parse_condition(condition), reads)
    return tuple(reads)


@functools.lru_cache(maxsize=65_536)
def _evaluate(condition: str, seen: tuple[tuple[str, str, object], ...]) -> bool:
    from fedctl.config.cel import evaluate_condition

    return evaluate_condition(condition, {name: value for name, _kind, value in seen})


def confirm(token: Claims, check: Callable[[Claims], bool]) -> None:
    """The token, checked once more by the evaluator with nothing remembered."""
    if check(token):
        return
    from fedctl.access.proof.solve import UncheckedWitness

    raise UncheckedWitness(
        f"fedctl's class search produced the token {token!r}, which its own evaluator "
        "does not confirm; this is a bug in fedctl: please report it"
    )
