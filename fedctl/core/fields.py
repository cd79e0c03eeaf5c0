"""One description per resource kind: every field, and how each part of fedctl treats it.

The specs in `fedctl.core.state` hold the values and their defaults; these tables say, per
field, what the rest of fedctl derives from: whether the planner compares it, whether an
update may change it, how a create or update body carries it (docs/admin-api.md §5.11: most
fields can only be replaced, `description` and `attributes` are cleared by null), whether
it can change who may mint tokens, and which key the configuration language gives it.

Adding a field to a kind is a row here and a field on its spec; the planner's compare,
create and update bodies (and the body types apply checks a saved plan against), apply's
null handling, the configuration's bounds and key order (`fedctl fmt`), the live read,
the desired state, the YAML export and the Terraform export and import follow from the
row. Where a field has no projection in one of those steps by design (read-only, not
sendable, not in the Terraform provider), the row says so with `absent`, and
tests/test_field_contract.py holds every row to its projections or its declarations.

What a new field touches outside tests (the issuer's `jwks_polling_disabled` was added so):
1. its spec field in `fedctl.core.state` and its row here;
2. its key in `fedctl.config.models` (with a validator if it needs one), then
   `fedctl schema` regenerates schemas/fedctl-config.schema.json;
3. its attribute on the tolerant wire model, `fedctl.api.wire`, to be read back;
4. the emulator, which shares no code with the client on purpose;
5. the docs: docs/configuration.md, and docs/admin-api.md if the contract is news.
A field that can widen or narrow access (`access=True`) is also a question for lint, the
access diff and explain; a rule's resolved model (`fedctl.core.resolved`) follows the table.

    [f.name for f in RULE_FIELDS if f.updatable and f.sent]  # the rule update's fields
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from fedctl.core.state import IssuerSpec, Kind, RuleSpec, ServiceAccountSpec


class Send(StrEnum):
    """How create and update bodies carry a field."""

    ALWAYS = "always"  # every create body carries it
    UNLESS_DEFAULT = "unless_default"  # left out of a create body at its default
    # Sent only when the configuration sets it: for fields the API does not accept yet.
    IF_DECLARED = "if_declared"
    # Never in a create body (the create does not take it); an update sends it when it
    # changed, its default included.
    ON_UPDATE = "on_update"
    # Not a body field of the kind's own create/update: sub-resources (workspaces,
    # memberships) or a field the create step derives (a rule's first workspace).
    ELSEWHERE = "elsewhere"


class Step(StrEnum):
    """The steps a field passes through on its round trip (tests/test_field_contract.py)."""

    CONFIG = "config"  # declared in the configuration language
    SENT = "sent"  # carried by a create or update body
    LIVE = "live"  # read back from the API
    EXPORT = "export"  # written by `fedctl export` (YAML)
    TERRAFORM = "terraform"  # written by the Terraform export, read by the import


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
    # Inclusive bounds of an integer field (docs/admin-api.md §5.4): the configuration
    # model's `ge`/`le` and the translator's quoted range.
    bounds: tuple[int, int] | None = None
    # How the live read takes it from the API's object; None: the attribute of its name.
    from_wire: Callable[[Any], Any] | None = None
    # Its key in a create or update body, where that differs from the spec's name.
    wire_key: str | None = None
    # The kind a field names by name in the plan and by ID on the wire (apply resolves it).
    reference: Kind | None = None
    # Its type in a body, where that differs from the spec's (a nested model sent as JSON).
    wire_type: Any = None
    # Its attribute in the Terraform provider, where that differs from the spec's name.
    terraform_key: str | None = None
    # Steps the field has no projection in, by design, each with the reason.
    absent: tuple[tuple[Step, str], ...] = ()

    @property
    def key_in_config(self) -> str:
        return self.config_key or self.name

    @property
    def key_on_wire(self) -> str:
        return self.wire_key or self.name

    @property
    def key_in_terraform(self) -> str:
        return self.terraform_key or self.name

    def absent_from(self, step: Step) -> str | None:
        """Why the field has no projection in `step`, or None when it has one."""
        return next((reason for absent, reason in self.absent if absent is step), None)

    def read_wire(self, obj: Any) -> Any:
        return self.from_wire(obj) if self.from_wire else getattr(obj, self.name)

    @property
    def sent(self) -> bool:
        return self.send is not Send.ELSEWHERE


# Keys of every declared kind that are configuration only (never on the spec).
CONFIG_TRAILING = ("previous_names", "lint")
# The Terraform export's own attribute (settings.protect), placed among the fields.
DELETION_PROTECTION = "deletion_protection"


@dataclass(frozen=True)
class KindFields:
    kind: Kind
    spec: type[BaseModel]
    fields: tuple[FieldInfo, ...]
    # Configuration-only keys `fedctl fmt` writes right after `name`.
    config_leading: tuple[str, ...] = ()
    # The Terraform export's attribute order, by field name (DELETION_PROTECTION among
    # them), where it differs from the table's.
    terraform_order: tuple[str, ...] | None = None

    def __iter__(self) -> Iterator[FieldInfo]:
        return iter(self.fields)

    def field(self, name: str) -> FieldInfo:
        return next(field for field in self.fields if field.name == name)

    def find(self, name: str) -> FieldInfo | None:
        return next((field for field in self.fields if field.name == name), None)

    def config_order(self) -> tuple[str, ...]:
        """The configuration's key order (`fedctl fmt`, the export): the table's order."""
        declared = [f.key_in_config for f in self.fields if not f.absent_from(Step.CONFIG)]
        return (declared[0], *self.config_leading, *declared[1:], *CONFIG_TRAILING)

    def bounds(self) -> dict[str, tuple[int, int]]:
        """Configuration key -> inclusive bounds, for the fields that have some."""
        return {f.key_in_config: f.bounds for f in self.fields if f.bounds is not None}

    def spec_values(
        self, source: Callable[[FieldInfo], Any], given: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Spec keyword arguments: `given` where it has the field, else `source(field)`;
        None from `source` leaves the spec's default."""
        values: dict[str, Any] = {}
        for field in self.fields:
            value = given[field.name] if field.name in given else source(field)
            if value is not None:
                values[field.name] = value
        return values

    def from_wire(self, obj: Any, given: Mapping[str, Any]) -> dict[str, Any]:
        """The spec's values as the live read finds them on the API's object."""
        return self.spec_values(lambda field: field.read_wire(obj), given)

    def from_config(self, model: BaseModel, given: Mapping[str, Any]) -> dict[str, Any]:
        """The spec's values as the configuration declares them (None: the default)."""
        return self.spec_values(lambda field: getattr(model, field.key_in_config, None), given)

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
            if not field.sent or field.send is Send.ON_UPDATE:
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
        name, sub-resources); None there leaves the field out, and so does a row absent
        from the export by design.
        """
        body: dict[str, Any] = {}
        for field in self.fields:
            if field.absent_from(Step.EXPORT):
                continue
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

    def terraform_body(self, spec: BaseModel, written: Mapping[str, Any]) -> dict[str, Any]:
        """The spec as Terraform attributes, in the export's order, defaults left out.

        `written` gives the Terraform form of fields that need one (references, nested
        objects) and DELETION_PROTECTION; None there leaves the attribute out. A field
        absent from Terraform by design is never written.
        """
        order = self.terraform_order or (*(f.name for f in self.fields), DELETION_PROTECTION)
        body: dict[str, Any] = {}
        for name in order:
            if name == DELETION_PROTECTION:
                if written.get(name) is not None:
                    body[name] = written[name]
                continue
            field = self.field(name)
            if field.absent_from(Step.TERRAFORM):
                continue
            if name in written:
                value = written[name]
                if value is None:
                    continue
            elif self.at_default(field, spec):
                continue
            else:
                value = getattr(spec, name)
            body[field.key_in_terraform] = value
        return body

    def body_keys(self, *, create: bool) -> dict[str, tuple[Any, bool]]:
        """Body key -> (its type, required) of a create or update body, from the rows:
        what apply checks a saved plan's step against before sending it."""
        keys: dict[str, tuple[Any, bool]] = {}
        for field in self.fields:
            if not field.sent or field.absent_from(Step.SENT):
                continue
            if (create and field.send is Send.ON_UPDATE) or (not create and not field.updatable):
                continue
            spec_field = self.spec.model_fields[field.name]
            kind: Any = field.wire_type or spec_field.annotation
            if field.null_clears:
                kind = kind | None
            required = create and field.send is Send.ALWAYS and spec_field.is_required()
            keys[field.key_on_wire] = (kind, required)
        return keys

    def null_clearing(self) -> frozenset[str]:
        return frozenset(field.name for field in self.fields if field.null_clears)


def _sorted_list(value: Iterable[Any]) -> list[Any]:
    return sorted(value)


def _sorted_dict(value: Mapping[str, Any]) -> dict[str, Any]:
    return dict(sorted(value.items()))


def _dumped(value: BaseModel) -> dict[str, Any]:
    return value.model_dump()


def _text_or_empty(obj: Any) -> str:
    # An unset description reads as null or "" (§3.1); the spec holds "" for both.
    return obj.description or ""


def _organization_role(obj: Any) -> str:
    return "admin" if obj.organization_role == "admin" else "developer"


def _polling_paused(obj: Any) -> bool:
    return obj.jwks_polling_disabled_at is not None


_NOT_DECLARABLE = "the API refuses any non-empty value yet (docs/admin-api.md §2.6.1)"
_PAUSE_IS_NOT_DECLARED = (
    "a pause is Anthropic's doing, never a declaration (only false is accepted, §2.5.4): "
    "an export leaves it out, so its plan resumes polling"
)

SERVICE_ACCOUNT_FIELDS = KindFields(
    Kind.SERVICE_ACCOUNT,
    ServiceAccountSpec,
    (
        # A service account cannot be renamed (§2.2.4): a new name is a replacement.
        FieldInfo("name", updatable=False),
        FieldInfo("description", Send.UNLESS_DEFAULT, null_clears=True, from_wire=_text_or_empty),
        FieldInfo("organization_role", access=True, from_wire=_organization_role),
        # Sent as membership steps; Terraform writes them as resources of their own.
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
        FieldInfo("max_jwt_lifetime_seconds", access=True, bounds=(1, 176400)),
        FieldInfo("check_jti", access=True),
        # Read from `jwks_polling_disabled_at`; only `false` can be sent, and only in an
        # update (§2.5.4), which resumes a poller Anthropic paused. Shown only when paused.
        FieldInfo(
            "jwks_polling_disabled",
            Send.ON_UPDATE,
            hidden_at_default=True,
            from_wire=_polling_paused,
            absent=(
                (Step.EXPORT, _PAUSE_IS_NOT_DECLARED),
                (Step.TERRAFORM, _PAUSE_IS_NOT_DECLARED),
            ),
        ),
    ),
    config_leading=("description", "preset"),
)

RULE_FIELDS = KindFields(
    Kind.RULE,
    RuleSpec,
    (
        FieldInfo("name"),
        # A rule's issuer cannot change (§2.6.4): a new issuer is a replacement.
        FieldInfo(
            "issuer_name",
            updatable=False,
            access=True,
            config_key="issuer",
            wire_key="issuer_id",
            reference=Kind.ISSUER,
            wire_type=str,
            terraform_key="issuer_id",
        ),
        # On the wire a `target` object (§3.6); fedctl.api.writes builds it from the ID.
        FieldInfo(
            "service_account_name",
            access=True,
            config_key="service_account",
            wire_key="service_account_id",
            reference=Kind.SERVICE_ACCOUNT,
            wire_type=str,
            terraform_key="service_account_id",
        ),
        FieldInfo("description", Send.UNLESS_DEFAULT, null_clears=True, from_wire=_text_or_empty),
        FieldInfo("match", access=True, plain=_dumped, wire_type=dict[str, Any]),
        FieldInfo("oauth_scope", access=True),
        # The first workspace goes in the create body, the rest are enablement steps.
        FieldInfo(
            "workspace_ids",
            Send.ELSEWHERE,
            access=True,
            plain=_sorted_list,
            config_key="workspaces",
            terraform_key="workspace_id",
        ),
        FieldInfo("applies_to_all_workspaces", Send.ELSEWHERE, access=True),
        FieldInfo("token_lifetime_seconds", access=True, bounds=(60, 86400)),
        # Not accepted by the API yet (§2.6.1): never sent unless declared, shown when set;
        # a live rule holding some is unmanageable, and the export comments it out.
        FieldInfo(
            "attributes",
            Send.IF_DECLARED,
            null_clears=True,
            hidden_at_default=True,
            absent=(
                (Step.CONFIG, _NOT_DECLARABLE),
                (Step.SENT, _NOT_DECLARABLE),
                (Step.TERRAFORM, _NOT_DECLARABLE),
            ),
        ),
    ),
    terraform_order=(
        "name",
        "description",
        "issuer_name",
        "service_account_name",
        "oauth_scope",
        "workspace_ids",
        "applies_to_all_workspaces",
        "token_lifetime_seconds",
        DELETION_PROTECTION,
        "match",
    ),
)

FIELDS_BY_KIND: dict[Kind, KindFields] = {
    table.kind: table for table in (SERVICE_ACCOUNT_FIELDS, ISSUER_FIELDS, RULE_FIELDS)
}
