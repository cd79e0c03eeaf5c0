"""A CEL `matches()` pattern -> a z3 regular expression, for the RE2 subset conditions use.

CEL's `matches` is RE2 search: unanchored unless the pattern says `^` or `$`. The pattern
is parsed with Python's own regular-expression parser (its syntax agrees with RE2 on the
subset accepted here) and given RE2's meaning: `.` is any character but a newline, `\\d`
`\\w` `\\s` are ASCII classes, `$` is the end of the text. Flags, backreferences,
look-arounds, word boundaries, and `^`/`$` anywhere but at the ends are refused with the
construct named, which turns the rule's verdict into "possibly broadening".

Usage:
    z3.InRe(text, regex_of("^repo:acme/[a-z-]+$"))
"""

from __future__ import annotations

import re
import re._constants as c  # type: ignore[import-not-found]  # the parser's opcodes
import re._parser as parser  # type: ignore[import-not-found]
from functools import lru_cache
from typing import Any

import z3

from fedctl.access.proof.syntax import Unsupported
from fedctl.access.proof.text import literal

_MAX_CHAR = 0x2FFFF  # z3's largest character (its default Unicode range)
_NEWLINE = ord("\n")
_CLASSES = {
    c.CATEGORY_DIGIT: [(48, 57)],
    c.CATEGORY_WORD: [(48, 57), (65, 90), (95, 95), (97, 122)],
    c.CATEGORY_SPACE: [(9, 10), (12, 13), (32, 32)],
}


@lru_cache(maxsize=1024)
def regex_of(pattern: str) -> Any:
    try:
        parsed = parser.parse(pattern)
    except re.error:
        raise Unsupported(f"the pattern {pattern[:40]!r}, which does not parse") from None
    if parsed.state.flags & ~re.UNICODE:
        raise Unsupported("regular-expression flags")
    items = list(parsed)
    anchored_start = bool(items) and items[0] == (c.AT, c.AT_BEGINNING)
    anchored_end = bool(items) and items[-1] == (c.AT, c.AT_END)
    body = items[1 if anchored_start else 0 : len(items) - 1 if anchored_end else len(items)]
    anything = z3.Star(z3.AllChar(z3.ReSort(z3.StringSort())))
    parts = [] if anchored_start else [anything]
    parts.append(_sequence(body))
    if not anchored_end:
        parts.append(anything)
    return z3.Concat(*parts) if len(parts) > 1 else parts[0]


def _sequence(items: list[Any]) -> Any:
    if not items:
        return z3.Re(literal(""))
    regexes = [_item(op, argument) for op, argument in items]
    return z3.Concat(*regexes) if len(regexes) > 1 else regexes[0]


def _item(op: Any, argument: Any) -> Any:
    if op is c.LITERAL:
        return z3.Re(literal(chr(argument)))
    if op is c.NOT_LITERAL:
        return _ranges(_complement([(argument, argument)]))
    if op is c.ANY:
        return _ranges([(0, _NEWLINE - 1), (_NEWLINE + 1, _MAX_CHAR)])
    if op is c.IN:
        return _set(argument)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        low, high, inner = argument
        return _repeat(low, high, _sequence(list(inner)))
    if op is c.SUBPATTERN:
        _group, add_flags, del_flags, inner = argument
        if add_flags or del_flags:
            raise Unsupported("regular-expression flags")
        return _sequence(list(inner))
    if op is c.BRANCH:
        return z3.Union(*(_sequence(list(branch)) for branch in argument[1]))
    raise Unsupported(f"the regular-expression construct {str(op).lower()}")


def _repeat(low: int, high: int, inner: Any) -> Any:
    if high == c.MAXREPEAT:
        if low == 0:
            return z3.Star(inner)
        return z3.Concat(z3.Loop(inner, low, low), z3.Star(inner)) if low > 1 else z3.Plus(inner)
    if high > 1000:
        raise Unsupported("a repetition above 1000")
    return z3.Loop(inner, low, high) if high > 0 else z3.Re(literal(""))


def _set(members: list[Any]) -> Any:
    negate = bool(members) and members[0][0] is c.NEGATE
    ranges: list[tuple[int, int]] = []
    for op, argument in members[1:] if negate else members:
        if op is c.LITERAL:
            ranges.append((argument, argument))
        elif op is c.RANGE:
            ranges.append(argument)
        elif op is c.CATEGORY and argument in _CLASSES:
            ranges.extend(_CLASSES[argument])
        else:
            raise Unsupported(f"the character-class member {str(argument).lower()}")
    if negate:
        ranges = _complement(ranges)
    return _ranges(ranges)


def _complement(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    result, start = [], 0
    for low, high in sorted(ranges):
        if low > start:
            result.append((start, low - 1))
        start = max(start, high + 1)
    if start <= _MAX_CHAR:
        result.append((start, _MAX_CHAR))
    return result


def _ranges(ranges: list[tuple[int, int]]) -> Any:
    if not ranges:
        return z3.Empty(z3.ReSort(z3.StringSort()))
    regexes = [z3.Range(chr(low), chr(high)) for low, high in ranges]
    return z3.Union(*regexes) if len(regexes) > 1 else regexes[0]
