"""A YAML syntax error as a person reads it: plain words, and the line with a caret.

PyYAML's own text (`while parsing a flow sequence expected ',' or ']', but got '<stream
end>'`) names parser states, not mistakes. This module words the common ones as what to
fix, and points at the line that holds the mistake: for something left open (a bracket,
a quote), where it was opened, not the end of the file where the parser gave up.

The quoted source line is user input shown on a terminal: control and bidi characters
are escaped, and a long line is clipped around the caret.
"""

from __future__ import annotations

import yaml

from fedctl.core.errors import Diagnostic, Location

_WIDTH = 100  # characters of the source line shown around the caret
_TOKENS = {
    "'<stream end>'": "the end of the file",
    "<block end>": "the end of the block",
    "'<block mapping start>'": "a new mapping",
    "'<block sequence start>'": "a new list",
    "'<block end>'": "the end of the block",
    "'<scalar>'": "a value",
}


def syntax_diagnostic(
    exc: yaml.MarkedYAMLError, text: str, file: str, *, rendered: bool = False
) -> Diagnostic:
    """One located diagnostic with plain wording and the offending line under it."""
    message, mark = _explain(exc)
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    where = Location(file, line, column, rendered)
    return Diagnostic(
        where,
        "",
        f"YAML syntax error: {message}",
        code="yaml-syntax",
        excerpt=excerpt(text, line, column),
    )


def _explain(exc: yaml.MarkedYAMLError) -> tuple[str, yaml.Mark | None]:
    context, problem = exc.context or "", exc.problem or ""
    opened = exc.context_mark
    at = f"line {opened.line + 1}, column {opened.column + 1}" if opened else ""
    if "flow sequence" in context or "flow mapping" in context:
        close = "]" if "sequence" in context else "}"
        if "<stream end>" in problem:
            return f"the '{_opener(close)}' here is never closed; add '{close}'", opened
        return f"expected ',' or '{close}' in the list opened at {at}", exc.problem_mark
    if "quoted scalar" in context and "end of stream" in problem:
        return "the quote here is never closed; close it on the same value", opened
    if "\\t" in problem or "'\\t'" in problem:
        return "a tab character; YAML indents with spaces only", exc.problem_mark
    if "mapping values are not allowed" in problem:
        return (
            "a ':' here starts a key where none can start; fix the indentation, or quote "
            "the value if it holds ': '"
        ), exc.problem_mark
    if "block mapping" in context and "expected <block end>" in problem:
        return (
            f"this line's indentation does not match the mapping above it (opened at {at}); "
            "indent it like its neighbours"
        ), exc.problem_mark
    if "simple key" in context and "could not find expected ':'" in problem:
        return "a line without ':' inside a mapping; write `key: value`, or quote the text", opened
    return _plain(" ".join(part for part in (context, problem) if part)), exc.problem_mark


def _opener(close: str) -> str:
    return "[" if close == "]" else "{"


def _plain(text: str) -> str:
    for token, words in _TOKENS.items():
        text = text.replace(token, words)
    return text or "cannot parse"


def excerpt(text: str, line: int, column: int) -> str:
    """`  12 | the line` and a caret under `column`; empty when the line is not in `text`."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    source = lines[line - 1]
    start = max(0, min(column - 1 - _WIDTH // 2, len(source) - _WIDTH))
    shown, caret = _escape(source[start : start + _WIDTH], column - 1 - start)
    prefix = "..." if start else ""
    suffix = "..." if start + _WIDTH < len(source) else ""
    gutter = f"{line:>5} | "
    pad = " " * (len(gutter) - 2)
    return f"{gutter}{prefix}{shown}{suffix}\n{pad}| {' ' * (len(prefix) + caret)}^"


def _escape(segment: str, caret: int) -> tuple[str, int]:
    """Escape unsafe characters; return the text and the caret's column in it."""
    out: list[str] = []
    shifted = caret
    for index, char in enumerate(segment):
        shown = " " if char == "\t" else char
        if not shown.isprintable():  # controls, bidi overrides, unassigned code points
            shown = char.encode("unicode_escape").decode("ascii")
        if index < caret:
            shifted += len(shown) - 1
        out.append(shown)
    return "".join(out), max(0, shifted)
