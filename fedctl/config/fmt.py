"""One canonical style for configuration files (`fedctl fmt`), comments kept.

Round-trips each file with ruamel.yaml: keys in the order the documentation uses, two-space
indents, list items under their key, quotes only where YAML needs them, one blank line
between resources (before the comments that introduce a resource, never between a comment
and its item), line endings as the file had them. Templates (`.j2`) are left alone: their
text is not YAML yet.

Formatting never changes a value. fedctl reads YAML 1.1 (PyYAML), where `yes`, `on`,
`NO`, `1:20` and `12:30:00` are booleans and numbers unless quoted, while ruamel reads and
writes YAML 1.2: so a quoted value keeps its quotes whenever PyYAML would read its plain
form as anything but that string (quotes are dropped only where they change nothing), a
plain value is written as it was. And, as a guarantee rather than a hope, the formatted
text is read back with fedctl's own reader and must load to exactly the data the
original did; otherwise `FormatRefused` and nothing is written.

    changed = format_text(text)   # None when already canonical; FormatRefused
"""

from __future__ import annotations

import io
import itertools
import re
from typing import Any

from fedctl.core.fields import ISSUER_FIELDS, RULE_FIELDS, SERVICE_ACCOUNT_FIELDS
from fedctl.core.state import RuleMatchSpec

TOP_ORDER = ("version", "organization_id", "settings", "service_accounts", "issuers", "rules")
# The field tables' order (fedctl.core.fields), configuration-only keys around it.
KEY_ORDER = {
    "service_accounts": SERVICE_ACCOUNT_FIELDS.config_order(),
    "issuers": ISSUER_FIELDS.config_order(),
    "rules": RULE_FIELDS.config_order(),
}
MATCH_ORDER = tuple(RuleMatchSpec.model_fields)
_STR_TAG = "tag:yaml.org,2002:str"


class FormatRefused(Exception):
    """The file cannot be formatted safely; the message says why and is safe to show."""


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never wrap a long subject or condition
    yaml.preserve_quotes = True  # _unquote drops the quotes that change nothing
    return yaml


def format_text(text: str) -> str | None:
    """The canonical text, or None when `text` already is canonical.

    Raises FormatRefused when the file does not parse, or when the canonical text would
    load to different data (the check that makes "fmt never changes a value" hold).
    """
    original = _loaded(text, "it does not parse; run `fedctl validate` and fix it first")
    newline = "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"
    formatted = _canonical(text.replace("\r\n", "\n"))
    if formatted is None:
        return None
    formatted = formatted.replace("\n", newline)
    reloaded = _loaded(formatted, "the formatted text would not parse")
    if reloaded != original:
        raise FormatRefused(
            "formatting would change a value as fedctl reads it (YAML 1.1); left as it is: "
            'quote the value (for example "yes", "on" or "1:20")'
        )
    return None if formatted == text else formatted


def mixed_line_endings(text: str) -> bool:
    """Both CRLF and bare LF line ends: fmt writes the more common one throughout."""
    crlf = text.count("\r\n")
    return 0 < crlf < text.count("\n")


def _loaded(text: str, problem: str) -> object:
    from fedctl.config.located_yaml import parse_yaml

    parsed = parse_yaml(text, "<fmt>")
    if parsed.diagnostics:
        raise FormatRefused(problem)
    return parsed.data


def _canonical(text: str) -> str | None:
    yaml = _yaml()
    document = yaml.load(text)
    if document is None:
        return None
    _unquote(document)
    _order(document, TOP_ORDER, column=0)
    for section, order in KEY_ORDER.items():
        for resource in document.get(section) or []:
            _order(resource, order, column=4)
            match = resource.get("match") if section == "rules" else None
            if match is not None:
                _order(match, MATCH_ORDER, column=6)
    out = io.StringIO()
    yaml.dump(document, out)
    return _spaced(out.getvalue())


def _unquote(node: Any) -> None:
    """Drop the quotes of values whose plain form YAML 1.1 still reads as the same string."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    quoted = (DoubleQuotedScalarString, SingleQuotedScalarString)
    slots = node.items() if hasattr(node, "items") else enumerate(node)
    for slot, value in list(slots):
        if isinstance(value, quoted) and _plain_is_string(str(value)):
            # ruamel's own __setitem__ would keep the old quote style: bypass it.
            (dict if isinstance(node, dict) else list).__setitem__(node, slot, str(value))
        elif isinstance(value, list | dict):
            _unquote(value)


def _plain_is_string(text: str) -> bool:
    """Whether PyYAML (fedctl's reader, YAML 1.1) reads `text` written plain as a string."""
    import yaml

    resolver = yaml.resolver.Resolver()
    tag = resolver.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == _STR_TAG)


def _order(mapping: Any, order: tuple[str, ...], *, column: int) -> None:
    """Move the known keys into `order`, unknown ones after them; the comment lines above
    a key move with it (`_keep_comments_with_keys`)."""
    if not hasattr(mapping, "move_to_end"):
        return
    _keep_comments_with_keys(mapping, column)
    for key in [*(k for k in order if k in mapping), *(k for k in list(mapping) if k not in order)]:
        mapping.move_to_end(key)


def _spaced(text: str) -> str:
    """One blank line between resources, none doubled; a resource's comment lines stay
    directly above it (the blank line goes above the comments)."""
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        if line.startswith("  - "):
            _blank_before_resource(out)
        out.append(line)
    return "\n".join(out)


def _blank_before_resource(out: list[str]) -> None:
    above = len(out)
    while above > 0 and out[above - 1].lstrip().startswith("#"):
        above -= 1  # the comments that introduce this resource belong to it
    if above == 0 or not out[above - 1].strip() or re.match(r"^\w.*:\s*$", out[above - 1]):
        return  # first in its section, or already apart
    out.insert(above, "")


def _keep_comments_with_keys(mapping: Any, column: int) -> None:
    """Re-attach the comment lines written above each key to that key.

    ruamel stores the full-line comments above a key at the end of the previous key's
    value, so moving keys would leave them above the wrong one. They are taken from
    there and set as the key's own "before" comment (one token per line, at `column`).
    """
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    names = list(mapping)
    for previous, key in itertools.pairwise(names):
        slot = mapping.ca.items.get(previous)
        if slot is not None and slot[2] is not None:
            moved = _split_after_line_end(slot, 2)
        else:
            moved = _pop_trailing_lines(mapping[previous])
        lines = [line.strip() for token in moved for line in token.value.splitlines()]
        lines = [line for line in lines if line]
        if lines:
            before = mapping.ca.items.setdefault(key, [None, None, None, None])
            before[1] = [CommentToken(f"{line}\n", CommentMark(column), None) for line in lines]


def _pop_trailing_lines(node: Any) -> list[Any]:
    """Remove and return the full-line comment tokens at the very end of `node`."""
    comments = getattr(node, "ca", None)
    if comments is None:
        return []
    if getattr(comments, "end", None):
        tokens = list(comments.end)
        comments.end = []
        return tokens
    if isinstance(node, dict) and node:
        last = list(node)[-1]
        slot = comments.items.get(last)
        if slot is not None and slot[2] is not None:
            return _split_after_line_end(slot, 2)
        return _pop_trailing_lines(node[last])
    if isinstance(node, list) and node:
        slot = comments.items.get(len(node) - 1)
        if slot is not None and slot[0] is not None:
            return _split_after_line_end(slot, 0)
        return _pop_trailing_lines(node[-1])
    return []


def _split_after_line_end(slot: list[Any], index: int) -> list[Any]:
    """An end-of-line comment stays where it is; the full lines after it are returned."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    token = slot[index]
    first, _newline, rest = token.value.partition("\n")
    if first.strip().startswith("#") and token.column == 0:
        slot[index] = None  # the token is all full lines
        return [token]
    if not rest.strip():
        return []
    token.value = first + "\n"
    return [CommentToken(rest, CommentMark(0), None)]
