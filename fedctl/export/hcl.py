"""Writes Python values as HCL (Terraform's native syntax), escaping every string.

The Terraform export builds blocks of plain values (`fedctl.export.terraform`); this
module turns them into text. Every string that reaches HCL came from the live
organization or a snapshot, so it is hostile: inside a quoted HCL string `"` and `\\`
end or bend the literal, `${` and `%{` start a template interpolation or directive
that Terraform would evaluate, and a line break or a bidirectional override hides text
from a reviewer. `quote` neutralises all of them, and `comment` makes a note one
inert line.

Usage:
    quote('repo:${evil}"')              # '"repo:$${evil}\\""'
    render_block(Block("resource", ("anthropic_service_account", "ci"), [("name", "ci")]))
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# Characters written as \\uNNNN inside strings: C0, DEL, C1, and the Unicode controls that
# reorder or hide text (the set `fedctl.render.escape` shows in a terminal), plus any
# other character Python does not consider printable.
_NAMED_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_LABEL_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Words HCL reads as an expression where an object key could stand: `{ for = 1 }` starts a
# for expression, `{ null = 1 }` is a null key, `{ true = 1 }` a bool. Quoted, each is a
# plain string key. The template keywords are quoted too; they cost nothing.
HCL_KEYWORDS = frozenset({"for", "in", "if", "else", "endif", "endfor", "null", "true", "false"})


@dataclass(frozen=True)
class Reference:
    """A bare HCL expression pointing at another object, e.g. `anthropic_service_account.ci.id`."""

    expression: str


@dataclass(frozen=True)
class JsonEncode:
    """A value written as `jsonencode(...)`: Terraform stores it as a JSON string."""

    value: Any


@dataclass(frozen=True)
class Block:
    """An HCL block: `type "label" ... { body }`; body items are attributes or blocks.

    `comments` are written above the block, one `#` line each.
    """

    type: str
    labels: tuple[str, ...] = ()
    body: list[tuple[str, Any] | Block] = field(default_factory=list)
    comments: tuple[str, ...] = ()


def escape_string(text: str) -> str:
    """The contents of a quoted HCL string (without the quotes) that reads back as `text`."""
    out: list[str] = []
    for index, char in enumerate(text):
        if char in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[char])
        elif char in "$%" and text[index + 1 : index + 2] == "{":
            # `$${` and `%%{` are HCL's escapes for a literal `${` / `%{`.
            out.append(char + char)
        elif not char.isprintable():
            code = ord(char)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def quote(text: str) -> str:
    return f'"{escape_string(text)}"'


def comment(text: str) -> str:
    """One `#` comment line; escapes keep a hostile note from starting a new line."""
    return "# " + escape_string(text).replace('\\"', '"').replace("\\\\", "\\")


def label(text: str) -> str:
    """A Terraform resource name from any string: letters, digits and `_` only.

    A name must start with a letter or `_`; `-` is allowed by Terraform but becomes `_`
    here, the common style, so `payments-ci` is addressed as `payments_ci`.
    """
    safe = _LABEL_UNSAFE.sub("_", text)
    if not safe or not (safe[0].isalpha() or safe[0] == "_"):
        safe = "_" + safe
    if safe in HCL_KEYWORDS:
        safe += "_"  # `local.workspace_ids.for` reads badly and risks the parser's view
    return safe


def value(item: Any, indent: str = "") -> str:
    """An HCL expression for `item`; objects and lists of objects span several lines."""
    if isinstance(item, Reference):
        return item.expression
    if isinstance(item, JsonEncode):
        return f"jsonencode({value(item.value, indent)})"
    if item is None:
        return "null"
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int | float):
        return json.dumps(item)
    if isinstance(item, str):
        return quote(item)
    if isinstance(item, dict):
        return _object(item, indent)
    if isinstance(item, list | tuple):
        return _list(list(item), indent)
    raise TypeError(f"no HCL form for {type(item).__name__}")


def _object(mapping: dict[Any, Any], indent: str) -> str:
    if not mapping:
        return "{}"
    inner = indent + "  "
    pairs = [(object_key(str(key)), entry) for key, entry in mapping.items()]
    lines = ["{", *_attribute_lines(pairs, inner), indent + "}"]
    return "\n".join(lines)


def object_key(text: str) -> str:
    """An object key as written: bare only when a plain identifier and no HCL keyword.

    Anything else (a dash, a dot, a leading digit, `for`, `null`, ...) is quoted and
    escaped, so `terraform fmt` reads it back as the same string key.
    """
    if _IDENTIFIER.fullmatch(text) and text not in HCL_KEYWORDS:
        return text
    return quote(text)


def _list(items: list[Any], indent: str) -> str:
    if not items:
        return "[]"
    if not any(isinstance(item, dict | list | tuple) for item in items):
        return "[" + ", ".join(value(item, indent) for item in items) + "]"
    inner = indent + "  "
    rendered = [f"{inner}{value(item, inner)}," for item in items]
    return "\n".join(["[", *rendered, indent + "]"])


def _attribute_lines(pairs: Sequence[tuple[str, Any]], indent: str) -> list[str]:
    """`key = value` lines, `=` aligned within each run of one-line values, as
    `terraform fmt` writes them."""
    rendered = [(key, value(item, indent)) for key, item in pairs]
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(key) for key, _ in run), default=0)
        lines.extend(f"{indent}{key.ljust(width)} = {text}" for key, text in run)
        run.clear()

    for key, text in rendered:
        if "\n" in text:
            flush()
            lines.append(f"{indent}{key} = {text}")
        else:
            run.append((key, text))
    flush()
    return lines


def render_block(block: Block, indent: str = "") -> list[str]:
    """The lines of one block, comments first."""
    lines = [indent + comment(note) for note in block.comments]
    header = " ".join([block.type, *(quote(text) for text in block.labels)])
    lines.append(f"{indent}{header} {{")
    inner = indent + "  "
    pending: list[tuple[str, Any]] = []
    for item in block.body:
        if isinstance(item, Block):
            lines += _attribute_lines(pending, inner)
            pending = []
            lines += render_block(item, inner)
        else:
            pending.append(item)
    lines += _attribute_lines(pending, inner)
    lines.append(indent + "}")
    return lines


def render_blocks(blocks: Sequence[Block], *, header: Sequence[str] = ()) -> str:
    """A whole file: header comment lines, then the blocks separated by blank lines."""
    parts = ["\n".join(comment(line) for line in header)] if header else []
    parts += ["\n".join(render_block(block)) for block in blocks]
    return "\n\n".join(parts) + "\n"
