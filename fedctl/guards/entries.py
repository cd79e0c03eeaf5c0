"""The shapes a guard takes, each with its strictest-wins merge and its comparison.

A guard is a `Guard`: how to read its value from a configuration, how to merge several
sources' values (the strictest wins), how to compare the trusted value with the proposed
one (each difference `weakens` or `strengthens`), how to write the effective value back
into the configuration, and how a snapshot stores it (read back as hostile input).

    limit = limit_guard("settings.max_archives", "max_archives", maximum=1000)
    limit.merge([10, 1000]) == 10
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import Field, TypeAdapter, ValidationError

from fedctl.config.validated import Config
from fedctl.guards.texts import ConfigView

T = TypeVar("T")
# The most entries a (hostile) snapshot may record for one set-valued guard.
MAX_STORED_ENTRIES = 10_000
Effect = Literal["weakens", "strengthens"]
Difference = tuple[Effect, str]


class GuardValueInvalid(ValueError):
    """A stored guard value (a snapshot's) is not what the guard records."""


@dataclass(frozen=True)
class Guard(Generic[T]):
    """One guard; `registry.GUARDS` lists them all."""

    key: str
    read: Callable[[ConfigView], T]
    merge: Callable[[Sequence[T]], T]
    # (trusted, proposed) -> every difference, worded for the plan.
    compare: Callable[[T, T], list[Difference]]
    # (configuration, effective, proposed) -> the configuration later steps read.
    install: Callable[[Config, T, T], Config]
    dump: Callable[[T], object]
    stored: TypeAdapter[Any]
    restore: Callable[[Any], T]

    def load(self, data: object) -> T:
        """The value a snapshot stored, validated; GuardValueInvalid otherwise."""
        try:
            return self.restore(self.stored.validate_python(data, strict=True))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            message = f"{self.key}{'.' + where if where else ''}: {first['msg']}"
            raise GuardValueInvalid(message) from None


def with_settings(config: Config, **values: object) -> Config:
    return dataclasses.replace(config, settings=config.settings.model_copy(update=values))


def limit_guard(key: str, attribute: str, *, maximum: int) -> Guard[int]:
    """A number that caps what one apply may do: the lowest wins; raising it weakens."""

    def compare(trusted: int, proposed: int) -> list[Difference]:
        if proposed > trusted:
            return [("weakens", f"raised from {trusted} to {proposed}")]
        if proposed < trusted:
            return [("strengthens", f"lowered from {trusted} to {proposed}")]
        return []

    return Guard(
        key=key,
        read=lambda view: int(getattr(view.config.settings, attribute)),
        merge=min,
        compare=compare,
        install=lambda config, effective, _: with_settings(config, **{attribute: effective}),
        dump=lambda value: value,
        stored=TypeAdapter(int),
        restore=lambda value: _bounded(key, value, maximum),
    )


def _bounded(key: str, value: int, maximum: int) -> int:
    if not 0 <= value <= maximum:
        raise GuardValueInvalid(f"{key}: {value} is outside 0..{maximum}")
    return value


def switch_guard(
    key: str, read: Callable[[ConfigView], bool], install: Callable[[Config, bool], Config]
) -> Guard[bool]:
    """A check that is on or off: on if any source has it on; turning it off weakens."""

    def compare(trusted: bool, proposed: bool) -> list[Difference]:
        if trusted and not proposed:
            return [("weakens", "turned off")]
        if proposed and not trusted:
            return [("strengthens", "turned on")]
        return []

    return Guard(
        key=key,
        read=read,
        merge=any,
        compare=compare,
        install=lambda config, effective, _: install(config, effective),
        dump=lambda value: value,
        stored=TypeAdapter(bool),
        restore=lambda value: bool(value),
    )


def union_guard(
    key: str,
    read: Callable[[ConfigView], tuple[str, ...]],
    install: Callable[[Config, tuple[str, ...]], Config],
    *,
    item: Any,
    noun: str,
) -> Guard[tuple[str, ...]]:
    """A set of protections (patterns): every source's count; removing one weakens."""

    def compare(trusted: tuple[str, ...], proposed: tuple[str, ...]) -> list[Difference]:
        removed: list[Difference] = [
            ("weakens", f"{noun} {entry!r} removed") for entry in trusted if entry not in proposed
        ]
        added: list[Difference] = [
            ("strengthens", f"{noun} {entry!r} added") for entry in proposed if entry not in trusted
        ]
        return [*removed, *added]

    return Guard(
        key=key,
        read=read,
        merge=lambda values: tuple(sorted({entry for value in values for entry in value})),
        compare=compare,
        install=lambda config, effective, _: install(config, effective),
        dump=list,
        stored=TypeAdapter(Annotated[list[item], Field(max_length=MAX_STORED_ENTRIES)]),
        restore=lambda value: tuple(sorted(set(value))),
    )


def allowance_guard(
    key: str,
    read: Callable[[ConfigView], tuple[str, ...]],
    install: Callable[[Config, tuple[str, ...]], Config],
    *,
    item: Any,
    noun: str,
) -> Guard[tuple[str, ...]]:
    """A set of exceptions (allowed keys): only those every source grants; adding weakens."""

    def compare(trusted: tuple[str, ...], proposed: tuple[str, ...]) -> list[Difference]:
        added: list[Difference] = [
            ("weakens", f"{noun} {entry} added") for entry in proposed if entry not in trusted
        ]
        removed: list[Difference] = [
            ("strengthens", f"{noun} {entry} removed") for entry in trusted if entry not in proposed
        ]
        return [*added, *removed]

    def merge(values: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
        shared = set(values[0]).intersection(*values[1:]) if values else set()
        return tuple(sorted(shared))

    return Guard(
        key=key,
        read=read,
        merge=merge,
        compare=compare,
        install=lambda config, effective, _: install(config, effective),
        dump=list,
        stored=TypeAdapter(Annotated[list[item], Field(max_length=MAX_STORED_ENTRIES)]),
        restore=lambda value: tuple(sorted(set(value))),
    )
