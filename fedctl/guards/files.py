"""The guards held in files: organization policies and access-test cases.

Every source's policy files and cases count (union); the same text from two sources is
one. Against the trusted side, a file or case the change removes or edits weakens
(an edit is never taken as stricter: proving one CEL expression stricter than another is
not attempted), one it adds strengthens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from fedctl.config.modelfile import MAX_FILE_BYTES
from fedctl.guards.entries import Difference, Guard
from fedctl.guards.materialize import install_cases, install_policies
from fedctl.guards.texts import CaseText, PolicyText, canonical

T = TypeVar("T", PolicyText, CaseText)

# Bounds on what a (hostile) snapshot may record.
MAX_STORED_CASES = 10_000
MAX_STORED_FILES = 1_000
SNAPSHOT_ORIGIN = "snapshot"


def _union(values: Sequence[tuple[Any, ...]]) -> tuple[Any, ...]:
    """Every distinct entry, the first source's copy kept (its origin names it)."""
    return tuple(dict.fromkeys(entry for value in values for entry in value))


class _StoredPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    file: Annotated[str, Field(min_length=1, max_length=1024)]
    text: Annotated[str, Field(max_length=MAX_FILE_BYTES)] | None


class _StoredCase(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: Annotated[str, Field(min_length=1, max_length=200)]
    definition: dict[str, Any]


def _compare_policies(
    trusted: tuple[PolicyText, ...], proposed: tuple[PolicyText, ...]
) -> list[Difference]:
    return _compare_named(
        trusted,
        proposed,
        lambda policy: policy.file,
        "policy file",
        "removed from settings.policy_files",
    )


def _compare_named(
    trusted: tuple[T, ...],
    proposed: tuple[T, ...],
    name_of: Callable[[T], str],
    noun: str,
    gone: str,
) -> list[Difference]:
    """Removed or edited (same name, other text) weakens; a new name strengthens."""
    proposed_names = {name_of(item) for item in proposed}
    trusted_names = {name_of(item) for item in trusted}
    found: list[Difference] = []
    for item in sorted(set(trusted) - set(proposed)):
        how = "edited" if name_of(item) in proposed_names else gone
        found.append(("weakens", f"{noun} {name_of(item)!r} {how}"))
    for item in sorted(set(proposed) - set(trusted)):
        if name_of(item) not in trusted_names:
            found.append(("strengthens", f"{noun} {name_of(item)!r} added"))
    return list(dict.fromkeys(found))


def _restore_policies(stored: list[_StoredPolicy]) -> tuple[PolicyText, ...]:
    return tuple(PolicyText(item.file, item.text, SNAPSHOT_ORIGIN) for item in stored)


POLICIES: Guard[tuple[PolicyText, ...]] = Guard(
    key="settings.policy_files",
    read=lambda view: view.policies,
    merge=_union,
    compare=_compare_policies,
    install=install_policies,
    dump=lambda value: [{"file": item.file, "text": item.text} for item in value],
    stored=TypeAdapter(Annotated[list[_StoredPolicy], Field(max_length=MAX_STORED_FILES)]),
    restore=_restore_policies,
)


def _compare_cases(
    trusted: tuple[CaseText, ...], proposed: tuple[CaseText, ...]
) -> list[Difference]:
    return _compare_named(trusted, proposed, lambda case: case.name, "case", "deleted")


def _restore_cases(stored: list[_StoredCase]) -> tuple[CaseText, ...]:
    from fedctl.guards.accesstest.model import Case
    from fedctl.guards.entries import GuardValueInvalid

    cases = []
    for item in stored:
        # NOTE: the definition is hostile like the rest of the file: it must be a case.
        case = Case.model_validate(item.definition)
        if case.name != item.name:
            raise GuardValueInvalid(f"access_tests: case {item.name!r} is named {case.name!r}")
        cases.append(CaseText(case.name, canonical(case.model_dump(mode="json")), SNAPSHOT_ORIGIN))
    return tuple(cases)


def _dump_cases(value: tuple[CaseText, ...]) -> list[dict[str, Any]]:
    import json

    return [{"name": case.name, "definition": json.loads(case.definition)} for case in value]


ACCESS_TESTS: Guard[tuple[CaseText, ...]] = Guard(
    key="access_tests",
    read=lambda view: view.cases,
    merge=_union,
    compare=_compare_cases,
    install=install_cases,
    dump=_dump_cases,
    stored=TypeAdapter(Annotated[list[_StoredCase], Field(max_length=MAX_STORED_CASES)]),
    restore=_restore_cases,
)
