"""The request bodies of the top-level writes, derived from the field tables, and `OMIT`.

Apply checks a plan's step against one of these TypedDicts at run time (pydantic) before
anything is sent, since a saved plan is hostile: a key no row sends, a wrong type or a
missing required key is refused. The keys and types come from the rows of
`fedctl.core.fields` (a new field needs no edit here), plus the few keys a step derives.
"""

from __future__ import annotations

from typing import Any, Final, Required

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

from fedctl.core.fields import ISSUER_FIELDS, RULE_FIELDS, SERVICE_ACCOUNT_FIELDS, KindFields
from fedctl.core.state import Kind


class Omitted:
    """Not sent at all, as opposed to None, which is sent as JSON null."""

    def __repr__(self) -> str:
        return "OMIT"


OMIT: Final = Omitted()


def body_of(**fields: object) -> dict[str, Any]:
    """The fields given, without the omitted ones."""
    return {key: value for key, value in fields.items() if not isinstance(value, Omitted)}


_FORBID_EXTRA = ConfigDict(extra="forbid")


def _body_type(
    name: str, table: KindFields, *, create: bool, extra: dict[str, Any] | None = None
) -> Any:
    """A TypedDict of a body: the rows' sent fields (fedctl.core.fields), plus the keys a step
    derives rather than a row (`extra`, never required)."""
    keys: dict[str, Any] = {}
    for key, (kind, required) in table.body_keys(create=create).items():
        keys[key] = Required[kind] if required else kind
    keys.update(extra or {})
    body = TypedDict(name, keys, total=False)  # type: ignore[misc]
    return with_config(_FORBID_EXTRA)(body)


# A rule's create body names one workspace (or all), its update may replace the single one
# (§2.6.1, §2.6.4).
ServiceAccountCreate: Final = _body_type(
    "ServiceAccountCreate", SERVICE_ACCOUNT_FIELDS, create=True
)
ServiceAccountUpdate: Final = _body_type(
    "ServiceAccountUpdate", SERVICE_ACCOUNT_FIELDS, create=False
)
IssuerCreate: Final = _body_type("IssuerCreate", ISSUER_FIELDS, create=True)
IssuerUpdate: Final = _body_type("IssuerUpdate", ISSUER_FIELDS, create=False)
RuleCreate: Final = _body_type(
    "RuleCreate",
    RULE_FIELDS,
    create=True,
    extra={"workspace_id": str, "applies_to_all_workspaces": bool},
)
RuleUpdate: Final = _body_type(
    "RuleUpdate",
    RULE_FIELDS,
    create=False,
    extra={"workspace_id": str | None, "applies_to_all_workspaces": bool},
)
CREATE_BODIES: Final = {
    Kind.SERVICE_ACCOUNT: ServiceAccountCreate,
    Kind.ISSUER: IssuerCreate,
    Kind.RULE: RuleCreate,
}
UPDATE_BODIES: Final = {
    Kind.SERVICE_ACCOUNT: ServiceAccountUpdate,
    Kind.ISSUER: IssuerUpdate,
    Kind.RULE: RuleUpdate,
}
