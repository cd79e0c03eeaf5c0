"""Typed reads of one resource's attribute values from Terraform JSON, each wrong type one
problem line naming the resource address and the attribute.

Usage:
    values = Values("anthropic_federation_rule.ci", {"name": "ci"}, problems)
    values.text("name")            # "ci"
    values.integer("token_lifetime_seconds", default=3600)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, get_args, get_origin

from fedctl.core.fields import FieldInfo, KindFields, Step

_TYPE_NAMES = {
    str: "a string",
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    list: "a list",
    dict: "an object",
    type(None): "null",
}


def _shown(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class Values:
    """The attribute values of one resource (or one nested object of it)."""

    def __init__(
        self, address: str, values: dict[str, Any], problems: list[str], prefix: str = ""
    ) -> None:
        self.address = address
        self._values = values
        self._problems = problems
        self._prefix = prefix
        self._failed: set[str] = set()

    def problem(self, message: str) -> None:
        self._problems.append(f"{self.address}: {self._prefix}{message}")

    def failed(self, *keys: str) -> bool:
        """Whether reading any of `keys` reported a problem."""
        return any(key in self._failed for key in keys)

    def _wrong(self, key: str, expected: str, value: Any) -> None:
        self._failed.add(key)
        self.problem(f"{key} must be {expected}, got {_shown(value)}")

    def _missing(self, key: str) -> None:
        self._failed.add(key)
        if key == "id" and not self._prefix:
            self.problem("id is unknown: the resource does not exist yet; apply first")
        else:
            self.problem(f"{key} is required")

    def text(self, key: str, *, required: bool = True) -> str | None:
        value = self._values.get(key)
        if value is None:
            if required:
                self._missing(key)
            return None
        if not isinstance(value, str):
            self._wrong(key, "a string", value)
            return None
        return value

    def integer(self, key: str, *, default: int) -> int | None:
        value = self._values.get(key)
        if value is None:
            return default
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON numbers: Terraform writes 600, a tool may write 600.0
        if isinstance(value, bool) or not isinstance(value, int):
            self._wrong(key, "a whole number", value)
            return None
        return value

    def boolean(self, key: str, *, default: bool) -> bool | None:
        value = self._values.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self._wrong(key, "true or false", value)
            return None
        return value

    def choice(
        self, key: str, allowed: tuple[str, ...], *, default: str | None = None
    ) -> str | None:
        value = self._values.get(key)
        if value is None and default is not None:
            return default
        text = self.text(key)
        if text is not None and text not in allowed:
            self._failed.add(key)
            self.problem(f"{key} must be one of {', '.join(allowed)}, got {text!r}")
            return None
        return text

    def strings(self, key: str) -> list[str] | None:
        value = self._values.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self._wrong(key, "a list of strings", value)
            return None
        return value

    def string_map(self, key: str) -> dict[str, str] | None:
        value = self._values.get(key)
        if value is None:
            return None
        if not isinstance(value, dict) or not all(isinstance(item, str) for item in value.values()):
            self._wrong(key, "an object of strings", value)
            return None
        return dict(sorted(value.items()))

    def nested(self, key: str) -> Values | None:
        value = self._values.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self._wrong(key, "an object", value)
            return None
        return Values(self.address, value, self._problems, f"{self._prefix}{key}.")


def read_fields(
    values: Values, table: KindFields, given: Mapping[str, Callable[[], Any]]
) -> dict[str, Any] | None:
    """The spec's values of a resource, each plain field read by its row's Terraform key
    and type (a null attribute is the spec's default); `given` reads the rest. Read in
    table order, so problems are reported in that order; None when any read failed."""
    found: dict[str, Any] = {}
    failed = False
    for field in table:
        if field.absent_from(Step.TERRAFORM):
            continue
        read = given.get(field.name)
        value = read() if read is not None else _read_field(values, table, field)
        failed = failed or value is None
        found[field.name] = value
    return None if failed else found


def _read_field(values: Values, table: KindFields, field: FieldInfo) -> Any:
    annotation = table.spec.model_fields[field.name].annotation
    key = field.key_in_terraform
    required = table.spec.model_fields[field.name].is_required()
    default: Any = None if required else table.default(field)
    if annotation is bool:
        return values.boolean(key, default=default)
    if annotation is int:
        return values.integer(key, default=default)
    if get_origin(annotation) is Literal:
        return values.choice(key, get_args(annotation), default=default)
    if annotation is str:
        text = values.text(key, required=required)
        return default if text is None and not values.failed(key) else text
    raise TypeError(f"{table.kind.value}.{field.name}: no Terraform reading for {annotation}")
