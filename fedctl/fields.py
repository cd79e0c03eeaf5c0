"""One description per resource kind: every field, and how each part of fedctl treats it.

The specs in `fedctl.state` hold the values and their defaults; these tables say, per
field, what the rest of fedctl derives from: whether the planner compares it, whether an
update may change it, how a create or update body carries it (docs/admin-api.md §5.11: most
fields can only be replaced, `description` and `attributes` are cleared by null), whether
it can change who may mint tokens, and which key the configuration language gives it.

Adding a field to a kind is a row here and a field on its spec; the planner's compare,
create and update bodies, apply's null handling and export follow from the row.

    [f.name for f in RULE_FIELDS if f.updatable and f.sent]  # the rule update's fields
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from fedctl.state import IssuerSpec, Kind, RuleSpec, ServiceAccountSpec


class Send(StrEnum):
    """How create and update bodies carry a field."""

    ALWAYS = "always"  # every create body carries it
    UNLESS_DEFAULT = "unless_default"  # left out of a create body at its default
    # Sent only when the configuration sets it: for fields the API does not accept yet.
    IF_DECLARED = "if_declared"
    # Not a body field of the kind's own create/update: sub-resources (workspaces,
    # memberships) or a field the create step derives (a rule's first workspace).
    ELSEWHERE = "elsewhere"


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class FieldInfo:
    name: str
    send: Send = Send.ALWAYS
    updatable: bool = True
    # Whether a change can widen or narrow who may mint tokens for what.
    access: bool = False
    # Whether an update clears it by sending null (§5.11); others can only be replaced.
    null_clears: bool = False
    # Left out of the compared and shown shape at its default, so that a field the API
    # added later does not appear in every plan of every resource.
    hidden_at_default: bool = False
    # The plain, comparable form of the spec's value (sorted sets, dumped models).
    plain: Callable[[Any], Any] = _same
    # Its key in the configuration language, where that differs from the spec's name.
    config_key: str | None = None

    @property
    def key_in_config(self) -> str:
        return self.config_key or self.name

    @property
    def sent(self) -> bool:
        return self.send is not Send.ELSEWHERE


@dataclass(frozen=True)
class KindFields:
    kind: Kind
    spec: type[BaseModel]
    fields: tuple[FieldInfo, ...]

    def __iter__(self) -> Iterator[FieldInfo]:
        return iter(self.fields)

    @functools.cached_property
    def _defaults(self) -> dict[str, tuple[bool, Any]]:
        """Field name -> (has a default, the default), read once from the spec."""
        found: dict[str, tuple[bool, Any]] = {}
        for name, info in self.spec.model_fields.items():
            required = info.is_required()
            found[name] = (
                not required,
                None if required else info.get_default(call_default_factory=True),
            )
        return found

    def default(self, field: FieldInfo) -> Any:
        """The spec's own default: defaults live once, on the spec."""
        return self._defaults[field.name][1]

    def at_default(self, field: FieldInfo, spec: BaseModel) -> bool:
        has_default, default = self._defaults[field.name]
        return has_default and getattr(spec, field.name) == default

    def compare(self, spec: BaseModel) -> dict[str, Any]:
        """The shape the planner diffs and a reviewer reads, in table order."""
        return {
            field.name: field.plain(getattr(spec, field.name))
            for field in self.fields
            if not (field.hidden_at_default and self.at_default(field, spec))
        }

    def create_body(
        self, spec: BaseModel, as_sent: Mapping[str, Callable[[Any], Any]] | None = None
    ) -> dict[str, Any]:
        """The sent fields of a create step; `as_sent` maps fields to their wire form."""
        convert = as_sent or {}
        body: dict[str, Any] = {}
        for field in self.fields:
            if not field.sent:
                continue
            if field.send is not Send.ALWAYS and self.at_default(field, spec):
                continue
            value = getattr(spec, field.name)
            body[field.name] = convert.get(field.name, _same)(value)
        return body

    def update_body(
        self,
        spec: BaseModel,
        changed: Iterable[str],
        as_sent: Mapping[str, Callable[[Any], Any]] | None = None,
    ) -> dict[str, Any]:
        """The changed, updatable, sent fields of an update step, in table order.

        A null-clearing field at its default is sent as null; a field sent only when
        declared is never sent at its default.
        """
        convert = as_sent or {}
        wanted = set(changed)
        body: dict[str, Any] = {}
        for field in self.fields:
            if field.name not in wanted or not field.updatable or not field.sent:
                continue
            at_default = self.at_default(field, spec)
            if field.send is Send.IF_DECLARED and at_default:
                continue
            if field.null_clears and at_default:
                body[field.name] = None
                continue
            body[field.name] = convert.get(field.name, _same)(getattr(spec, field.name))
        return body

    def config_body(self, spec: BaseModel, written: Mapping[str, Any]) -> dict[str, Any]:
        """The spec as configuration: fields at their default left out, in table order.

        `written` gives the configuration form of fields that need one (references by
        name, sub-resources); None there leaves the field out.
        """
        body: dict[str, Any] = {}
        for field in self.fields:
            if field.name in written:
                value = written[field.name]
                if value is None:
                    continue
            elif self.at_default(field, spec):
                continue
            else:
                value = getattr(spec, field.name)
            body[field.key_in_config] = value
        return body

    def null_clearing(self) -> frozenset[str]:
        return frozenset(field.name for field in self.fields if field.null_clears)


def _sorted_list(value: Iterable[Any]) -> list[Any]:
    return sorted(value)


def _sorted_dict(value: Mapping[str, Any]) -> dict[str, Any]:
    return dict(sorted(value.items()))


def _dumped(value: BaseModel) -> dict[str, Any]:
    return value.model_dump()


SERVICE_ACCOUNT_FIELDS = KindFields(
    Kind.SERVICE_ACCOUNT,
    ServiceAccountSpec,
    (
        # A service account cannot be renamed (§2.2.4): a new name is a replacement.
        FieldInfo("name", updatable=False),
        FieldInfo("description", Send.UNLESS_DEFAULT, null_clears=True),
        FieldInfo("organization_role", access=True),
        FieldInfo(
            "memberships", Send.ELSEWHERE, access=True, plain=_sorted_dict, config_key="workspaces"
        ),
    ),
)

ISSUER_FIELDS = KindFields(
    Kind.ISSUER,
    IssuerSpec,
    (
        FieldInfo("name"),
        FieldInfo("issuer_url", access=True),
        FieldInfo("jwks", access=True, plain=dict),
        FieldInfo("max_jwt_lifetime_seconds", access=True),
        FieldInfo("check_jti", access=True),
    ),
)

RULE_FIELDS = KindFields(
    Kind.RULE,
    RuleSpec,
    (
        FieldInfo("name"),
        # A rule's issuer cannot change (§2.6.4): a new issuer is a replacement.
        FieldInfo("issuer_name", updatable=False, access=True, config_key="issuer"),
        FieldInfo("service_account_name", access=True, config_key="service_account"),
        FieldInfo("description", Send.UNLESS_DEFAULT, null_clears=True),
        FieldInfo("match", access=True, plain=_dumped),
        FieldInfo("oauth_scope", access=True),
        FieldInfo(
            "workspace_ids",
            Send.ELSEWHERE,
            access=True,
            plain=_sorted_list,
            config_key="workspaces",
        ),
        FieldInfo("applies_to_all_workspaces", Send.ELSEWHERE, access=True),
        FieldInfo("token_lifetime_seconds", access=True),
        # Not accepted by the API yet (§2.6.1): never sent unless declared, shown when set.
        FieldInfo("attributes", Send.IF_DECLARED, null_clears=True, hidden_at_default=True),
    ),
)

FIELDS_BY_KIND: dict[Kind, KindFields] = {
    table.kind: table for table in (SERVICE_ACCOUNT_FIELDS, ISSUER_FIELDS, RULE_FIELDS)
}
