"""Turns pydantic validation errors into located Diagnostics a person can act on.

pydantic reports `loc` tuples such as `("issuers", 0, "jwks", "inline", "keys", 1)`;
this module drops discriminator tags, maps the path to its YAML node through the file's
LocationMap, and rewrites the message: what is wrong and what would be accepted, with a
did-you-mean hint for unknown keys.

NOTE: under `jwks` no input value is ever quoted, because a pasted JWK may be private.
"""

from __future__ import annotations

import difflib
import json
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from fedctl.config.located_yaml import DataPath, LocationMap, format_path
from fedctl.config.models import NAME_PATTERN, RANGES
from fedctl.core.errors import Diagnostic


def diagnostics_from(
    error: ValidationError, model: type[BaseModel], locations: LocationMap, prefix: DataPath
) -> list[Diagnostic]:
    """One Diagnostic per pydantic error; `prefix` is where `model`'s input sits in the file.

    A misspelt required key is one mistake, not two: its "is required" error is dropped
    when a sibling unknown key's did-you-mean already names it.
    """
    details = error.errors()
    explained = _missing_explained_by_typos(details)
    return [
        _diagnostic(detail, model, locations, prefix)
        for detail in details
        if tuple(detail["loc"]) not in explained
    ]


def _missing_explained_by_typos(details: list[ErrorDetails]) -> set[tuple[str | int, ...]]:
    unknown = [tuple(d["loc"]) for d in details if d["type"] == "extra_forbidden"]
    explained = set()
    for detail in details:
        loc = tuple(detail["loc"])
        if detail["type"] != "missing" or not loc or not isinstance(loc[-1], str):
            continue
        for typo in unknown:
            if typo[:-1] == loc[:-1] and difflib.get_close_matches(
                str(typo[-1]), [loc[-1]], n=1, cutoff=0.6
            ):
                explained.add(loc)
    return explained


def _diagnostic(
    detail: ErrorDetails, model: type[BaseModel], locations: LocationMap, prefix: DataPath
) -> Diagnostic:
    walked = _walk(model, tuple(detail["loc"]))
    context = detail.get("ctx") or {}
    extra = context.get("at")
    path: DataPath = (*prefix, *walked.path)
    if extra is not None:
        path = (*path, *(extra if isinstance(extra, list | tuple) else (extra,)))
    if detail["type"] in ("extra_forbidden", "invalid_key") or walked.key_error:
        location = locations.key_at(path)
    else:
        location = locations.value_at(path)
    sensitive = "jwks" in path or "keys" in path
    message = _message(detail, walked, sensitive=sensitive)
    return Diagnostic(location, format_path(path), message, code=_code(detail["type"]))


# Stable codes for `--format json`, one per kind of mistake (not per pydantic type name,
# which a pydantic upgrade may rename).
_CODES = {
    "invalid_key": "invalid-key",
    "extra_forbidden": "unknown-key",
    "missing": "missing-key",
    "literal_error": "not-allowed",
    "greater_than_equal": "out-of-range",
    "less_than_equal": "out-of-range",
    "greater_than": "out-of-range",
    "less_than": "out-of-range",
    "string_pattern_mismatch": "invalid-value",
    "string_too_short": "empty-value",
    "too_short": "empty-value",
    "string_too_long": "too-long",
    "union_tag_invalid": "unknown-type",
    "union_tag_not_found": "missing-type",
}


def _code(kind: str) -> str:
    if kind in _TYPE_NAMES:
        return "wrong-type"
    return _CODES.get(kind, "invalid-value")


class _Walked:
    def __init__(self) -> None:
        self.path: list[str | int] = []
        self.parent: Any = None  # the model class holding the last key, if any
        self.key_error = False


def _walk(model: type[BaseModel], loc: tuple[str | int, ...]) -> _Walked:
    """Follow `loc` through the model's annotations: data path, parent model, key errors."""
    walked = _Walked()
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if part == "[key]":
            walked.key_error = True
            continue
        members = _model_members(current)
        if isinstance(part, str) and len(members) > 1:
            tagged = [member for member in members if part in _type_tags(member)]
            if tagged:  # a discriminator tag in loc: not a key of the data
                current = tagged[0]
                continue
        is_key = isinstance(current, type) or typing.get_origin(current) is dict
        walked.path.append(str(part) if is_key and isinstance(part, int) else part)
        current = _step(current, part, walked)
    return walked


def _step(current: Any, part: str | int, walked: _Walked) -> Any:
    origin = typing.get_origin(current)
    if isinstance(part, int) and origin is list:
        return typing.get_args(current)[0]
    if origin is dict:
        return typing.get_args(current)[1]
    if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(part, str):
        walked.parent = current
        field = current.model_fields.get(part)
        return field.annotation if field else None
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated and Optional wrappers."""
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        members = _union_members(annotation)
        non_null = [member for member in members if member is not type(None)]
        if members and len(non_null) == 1:
            annotation = non_null[0]
            continue
        return annotation


def _union_members(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return list(typing.get_args(annotation))
    return []


def _model_members(annotation: Any) -> list[type[BaseModel]]:
    return [
        _unwrap(member)
        for member in _union_members(annotation)
        if isinstance(_unwrap(member), type) and issubclass(_unwrap(member), BaseModel)
    ]


def _type_tags(model: type[BaseModel]) -> tuple[str, ...]:
    field = model.model_fields.get("type")
    return typing.get_args(field.annotation) if field else ()


def _message(detail: ErrorDetails, walked: _Walked, *, sensitive: bool) -> str:
    kind = detail["type"]
    context: dict[str, Any] = dict(detail.get("ctx") or {})
    value = detail.get("input")
    field = next((part for part in reversed(walked.path) if isinstance(part, str)), "")
    if kind == "fedctl":
        return str(detail["msg"])
    if kind == "invalid_key":
        return f"key {_show(value)} must be text; quote it"
    if kind == "extra_forbidden":
        return _unknown_key(walked)
    if kind == "missing":
        return "is required"
    if kind in _TYPE_NAMES:
        return _wrong_type(kind, value, walked)
    if kind == "literal_error":
        shown = "this value" if sensitive else _show(value)
        return f"{shown} is not allowed; use {context.get('expected', 'one of the listed values')}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high = RANGES.get(field, (None, None))
        allowed = f"{low}..{high}" if low is not None else _bound_text(kind, context)
        return f"{_show(value)} is out of range; use {allowed}"
    if kind == "string_pattern_mismatch" and context.get("pattern") == NAME_PATTERN:
        return (
            f"{_show(value)} is not a valid name; use 1-255 characters of a-z, 0-9 and "
            '"-", e.g. "ci-deployer"'
        )
    if kind == "string_too_short":
        return "is empty; give a value"
    if kind == "string_too_long":
        return f"is {len(value)} characters long; at most {context.get('max_length')} are allowed"
    if kind == "too_short":
        return f"is empty; give at least {context.get('min_length')} entry"
    if kind == "union_tag_invalid":
        shown = _show(context.get("tag"))
        return f"type {shown} is unknown; use {context.get('expected_tags', 'a known type')}"
    if kind == "union_tag_not_found":
        return "needs a type: 'discovery', 'explicit_url' or 'inline'"
    return str(detail["msg"])


_TYPE_NAMES = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _wrong_type(kind: str, value: object, walked: _Walked) -> str:
    message = f"must be {_TYPE_NAMES[kind]}, not {_kind_of(value)}"
    if kind == "string_type" and "claims" in walked.path:
        message += '; quote it (e.g. "123"), or test non-string claims in condition'
    elif kind == "string_type" and isinstance(value, bool | int | float):
        message += "; quote it if you mean text"
    return message


def _unknown_key(walked: _Walked) -> str:
    key = str(walked.path[-1]) if walked.path else "?"
    parent = walked.parent
    allowed = sorted(parent.model_fields) if parent is not None else []
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key {_show(key)}; did you mean {_show(close[0])}?"
    if allowed:
        return f"unknown key {_show(key)}; expected one of: {', '.join(allowed)}"
    return f"unknown key {_show(key)}"


def _kind_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a YAML {type(value).__name__}"


def _show(value: object) -> str:
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = str(value)
    return text if len(text) <= 80 else f"{text[:77]}..."


def _bound_text(kind: str, context: dict[str, Any]) -> str:
    words = {
        "greater_than_equal": ("at least", "ge"),
        "less_than_equal": ("at most", "le"),
        "greater_than": ("more than", "gt"),
        "less_than": ("less than", "lt"),
    }
    text, key = words[kind]
    return f"{text} {context.get(key)}"
