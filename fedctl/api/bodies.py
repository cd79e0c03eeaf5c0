"""The request bodies of the top-level writes, typed, and the `OMIT` sentinel.

Each write takes keyword arguments; apply builds them from a plan's step as one of these
TypedDicts, so a wrong key or type fails mypy, and a saved plan's payload is checked
against them at run time (pydantic) before anything is sent.
"""

from __future__ import annotations

from typing import Any, Final, Required

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict


class Omitted:
    """Not sent at all, as opposed to None, which is sent as JSON null."""

    def __repr__(self) -> str:
        return "OMIT"


OMIT: Final = Omitted()


def body_of(**fields: object) -> dict[str, Any]:
    """The fields given, without the omitted ones."""
    return {key: value for key, value in fields.items() if not isinstance(value, Omitted)}


_FORBID_EXTRA = ConfigDict(extra="forbid")


@with_config(_FORBID_EXTRA)
class ServiceAccountCreate(TypedDict, total=False):
    name: Required[str]
    description: str | None
    organization_role: str


@with_config(_FORBID_EXTRA)
class ServiceAccountUpdate(TypedDict, total=False):
    description: str | None
    organization_role: str


@with_config(_FORBID_EXTRA)
class IssuerCreate(TypedDict, total=False):
    name: Required[str]
    issuer_url: Required[str]
    jwks: dict[str, Any]
    check_jti: bool
    max_jwt_lifetime_seconds: int


@with_config(_FORBID_EXTRA)
class IssuerUpdate(TypedDict, total=False):
    name: str
    issuer_url: str
    jwks: dict[str, Any]
    check_jti: bool
    max_jwt_lifetime_seconds: int
    jwks_polling_disabled: bool


@with_config(_FORBID_EXTRA)
class RuleCreate(TypedDict, total=False):
    name: Required[str]
    issuer_id: Required[str]
    match: Required[dict[str, Any]]
    service_account_id: Required[str]
    oauth_scope: Required[str]
    workspace_id: str
    applies_to_all_workspaces: bool
    token_lifetime_seconds: int
    description: str | None


@with_config(_FORBID_EXTRA)
class RuleUpdate(TypedDict, total=False):
    name: str
    description: str | None
    match: dict[str, Any]
    service_account_id: str
    oauth_scope: str
    token_lifetime_seconds: int
    workspace_id: str | None
    applies_to_all_workspaces: bool
