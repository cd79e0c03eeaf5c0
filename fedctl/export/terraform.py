"""Turns a LiveState into Terraform configuration for the official `anthropics/anthropic`
provider: resources, `import {}` blocks carrying the live IDs, references between them.

`fedctl export --format terraform` uses it; `fedctl.export.hcl` writes the text.
Resource and attribute names follow the provider's published examples; where those are
silent the choice is written down here and in docs/terraform.md:

- memberships are `anthropic_workspace_service_account` (import ID
  `<workspace_id>/<service_account_id>`), extra rule workspaces are
  `anthropic_federation_rule_workspace` (import ID `<federation_rule_id>/<workspace_id>`);
- a rule's first enabled workspace (by reference) is its `workspace_id`, each other one an
  `anthropic_federation_rule_workspace`; with `applies_to_all_workspaces` every explicit
  enablement is one;
- an issuer's `jwks` is an object `{type, url, discovery_base, ca_cert_pem, keys_json}`,
  inline keys as `jsonencode([...])`;
- workspaces are referenced through `local.workspace_ids`, not managed: fedctl does not
  manage workspaces, and a Terraform workspace resource archives it on destroy;
- `settings.protect` (when the export is given it) becomes `deletion_protection = true`
  on each protected service account, issuer and rule;
- server defaults are left out, as in the YAML export; archived resources are left out
  (Terraform would create them again); resources the configuration cannot hold are
  listed as comments; Console-managed rules (and issuers backing only those) are written
  and imported with a note, since the provider can read them but not change them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fedctl import __version__
from fedctl.core.fields import (
    DELETION_PROTECTION,
    ISSUER_FIELDS,
    RULE_FIELDS,
    SERVICE_ACCOUNT_FIELDS,
)
from fedctl.core.jwk import without_marker
from fedctl.core.patterns import is_protected
from fedctl.core.state import (
    Kind,
    LiveIssuer,
    LiveRule,
    LiveServiceAccount,
    LiveState,
    Organization,
)
from fedctl.export.document import build_export, match_body
from fedctl.export.entries import Disposition
from fedctl.export.hcl import Block, JsonEncode, Reference, label, render_blocks
from fedctl.export.workspaces import WorkspaceNamer

PROVIDER_SOURCE = "anthropics/anthropic"
# The provider's documented floor ("Terraform 1.11 or later", its Terraform page).
REQUIRED_TERRAFORM = ">= 1.11"
# An assumption, not a documented release line: any 0.x or 1.x release, never an
# unreviewed next major one (docs/terraform.md says so).
PROVIDER_VERSION = ">= 0.1.0, < 2.0.0"
SERVICE_ACCOUNT = "anthropic_service_account"
MEMBERSHIP = "anthropic_workspace_service_account"
ISSUER = "anthropic_federation_issuer"
RULE = "anthropic_federation_rule"
RULE_WORKSPACE = "anthropic_federation_rule_workspace"
WORKSPACES_LOCAL = "workspace_ids"


@dataclass(frozen=True)
class TerraformResource:
    """One resource block and the live ID its `import {}` block carries."""

    type: str
    label: str
    attributes: dict[str, Any]
    import_id: str
    notes: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        return f"{self.type}.{self.label}"


@dataclass(frozen=True)
class TerraformExport:
    organization: Organization
    # local key -> workspace ID, for every workspace a resource references.
    workspace_ids: dict[str, str]
    resources: tuple[TerraformResource, ...]
    # One line per live resource that is not written, with the reason.
    left_out: tuple[str, ...]


class _Labels:
    """Unique resource names per type: `a-b` and `a_b` would both be `a_b`."""

    def __init__(self) -> None:
        self._used: dict[str, set[str]] = defaultdict(set)

    def take(self, type_: str, text: str) -> str:
        base = label(text)
        candidate, counter = base, 1
        while candidate in self._used[type_]:
            counter += 1
            candidate = f"{base}_{counter}"
        self._used[type_].add(candidate)
        return candidate


class _Builder:
    def __init__(self, live: LiveState, protect: tuple[str, ...]) -> None:
        self.live = live
        self.protect = protect
        self.namer = WorkspaceNamer.from_workspaces(live.workspaces)
        self.labels = _Labels()
        self.workspace_keys: dict[str, str] = {}  # workspace ID -> local key
        self.addresses: dict[tuple[str, str], str] = {}  # (type, live ID) -> address

    def workspace(self, workspace_id: str) -> Reference:
        if workspace_id not in self.workspace_keys:
            key = self.labels.take("local", self.namer.reference(workspace_id))
            self.workspace_keys[workspace_id] = key
        return Reference(f"local.{WORKSPACES_LOCAL}.{self.workspace_keys[workspace_id]}")

    def reference(self, type_: str, live_id: str) -> Reference | str:
        # A resource that is not written (not declarable) stays a literal ID.
        address = self.addresses.get((type_, live_id))
        return Reference(f"{address}.id") if address else live_id

    def protection(self, kind: Kind, name: str) -> bool | None:
        """`deletion_protection = true` where `settings.protect` covers the resource."""
        return True if is_protected(kind, name, self.protect) else None

    def resource(self, type_: str, name: str, live_id: str, **fields: Any) -> TerraformResource:
        resource = TerraformResource(
            type=type_, label=self.labels.take(type_, name), import_id=live_id, **fields
        )
        self.addresses[(type_, live_id)] = resource.address
        return resource


def build_terraform(live: LiveState, *, protect: Sequence[str] = ()) -> TerraformExport:
    """Decide every resource block of the export, in the order they are written.

    `protect`: `settings.protect` entries; what they cover gets `deletion_protection`.
    """
    builder = _Builder(live, tuple(protect))
    left_out = _left_out(live)
    skipped = {(kind, name) for kind, name, _ in left_out}
    resources: list[TerraformResource] = []
    for sa in sorted(live.service_accounts.values(), key=lambda item: item.spec.name):
        if (Kind.SERVICE_ACCOUNT, sa.spec.name) not in skipped:
            resources += _service_account(builder, sa)
    for issuer in sorted(live.issuers.values(), key=lambda item: item.spec.name):
        if (Kind.ISSUER, issuer.spec.name) not in skipped:
            resources.append(_issuer(builder, issuer))
    for rule in sorted(live.rules.values(), key=lambda item: item.spec.name):
        if (Kind.RULE, rule.spec.name) not in skipped:
            resources += _rule(builder, rule)
    workspace_ids = {key: workspace_id for workspace_id, key in builder.workspace_keys.items()}
    return TerraformExport(
        organization=live.organization,
        workspace_ids=dict(sorted(workspace_ids.items())),
        resources=tuple(resources),
        left_out=tuple(line for _, _, line in left_out),
    )


def _left_out(live: LiveState) -> list[tuple[Kind, str, str]]:
    export = build_export(live)
    return [
        (entry.kind, entry.name, f"Left out: {entry.kind.value} {entry.name!r}: {entry.notes[0]}")
        for entry in export.entries
        if entry.disposition is Disposition.NOT_DECLARABLE and entry.notes
    ]


def _service_account(builder: _Builder, sa: LiveServiceAccount) -> list[TerraformResource]:
    spec = sa.spec
    written = {
        "memberships": None,  # each an anthropic_workspace_service_account
        DELETION_PROTECTION: builder.protection(Kind.SERVICE_ACCOUNT, spec.name),
    }
    attributes = SERVICE_ACCOUNT_FIELDS.terraform_body(spec, written)
    account = builder.resource(SERVICE_ACCOUNT, spec.name, sa.meta.id, attributes=attributes)
    resources = [account]
    by_reference = sorted(
        spec.memberships.items(), key=lambda item: builder.namer.reference(item[0])
    )
    for workspace_id, role in by_reference:
        membership_name = f"{spec.name}_{builder.namer.reference(workspace_id)}"
        membership = {
            "workspace_id": builder.workspace(workspace_id),
            "service_account_id": Reference(f"{account.address}.id"),
            "workspace_role": role,
        }
        import_id = f"{workspace_id}/{sa.meta.id}"
        resources.append(
            builder.resource(MEMBERSHIP, membership_name, import_id, attributes=membership)
        )
    return resources


def _issuer(builder: _Builder, issuer: LiveIssuer) -> TerraformResource:
    spec = issuer.spec
    jwks = {key: value for key, value in without_marker(spec.jwks).items() if value is not None}
    written = {
        "jwks": None if jwks == {"type": "discovery"} else _jwks(jwks),
        DELETION_PROTECTION: builder.protection(Kind.ISSUER, spec.name),
    }
    attributes = ISSUER_FIELDS.terraform_body(spec, written)
    notes = _issuer_notes(builder.live, spec.name)
    return builder.resource(ISSUER, spec.name, issuer.meta.id, attributes=attributes, notes=notes)


def _jwks(jwks: dict[str, Any]) -> dict[str, Any]:
    if "keys" not in jwks:
        return jwks
    rest = {key: value for key, value in jwks.items() if key != "keys"}
    return {**rest, "keys_json": JsonEncode(jwks["keys"])}


def _issuer_notes(live: LiveState, issuer_name: str) -> tuple[str, ...]:
    console = sorted(
        rule.spec.name
        for rule in live.rules.values()
        if rule.spec.issuer_name == issuer_name and rule.spec.console_managed
    )
    if not console:
        return ()
    return (
        f"Backs Console-managed rules ({', '.join(console)}): the Admin API refuses to "
        "update this issuer from an OAuth caller; change it in the Console.",
    )


def _rule(builder: _Builder, rule: LiveRule) -> list[TerraformResource]:
    spec = rule.spec
    enabled = sorted(spec.workspace_ids, key=builder.namer.reference)
    # The first enabled workspace is the rule's workspace_id, unless it applies everywhere.
    first = None if spec.applies_to_all_workspaces or not enabled else enabled[0]
    extra = [workspace_id for workspace_id in enabled if workspace_id != first]
    written = {
        "issuer_name": builder.reference(ISSUER, rule.issuer_id),
        "service_account_name": builder.reference(SERVICE_ACCOUNT, rule.service_account_id),
        "workspace_ids": None if first is None else builder.workspace(first),
        "match": match_body(rule.spec),
        DELETION_PROTECTION: builder.protection(Kind.RULE, spec.name),
    }
    attributes = RULE_FIELDS.terraform_body(spec, written)
    created = builder.resource(
        RULE, spec.name, rule.meta.id, attributes=attributes, notes=_rule_notes(builder, rule)
    )
    return [created, *(_rule_workspace(builder, created, rule, w) for w in extra)]


def _rule_notes(builder: _Builder, rule: LiveRule) -> tuple[str, ...]:
    notes: list[str] = []
    if rule.spec.console_managed:
        notes.append(
            f"Console-managed: oauth_scope {rule.spec.oauth_scope!r} is one the provider "
            "can import and read but never create or change; change it in the Console."
        )
    if rule.legacy_workspace_id is not None:
        notes.append(
            "Has a legacy single-workspace binding to "
            f"{builder.namer.reference(rule.legacy_workspace_id)}, which the provider's "
            "workspace_id does not express; it stays as it is."
        )
    if not rule.spec.workspace_ids and not rule.spec.applies_to_all_workspaces:
        notes.append("Enabled in no workspace: creating it again would need a workspace_id.")
    return tuple(notes)


def _rule_workspace(
    builder: _Builder, created: TerraformResource, rule: LiveRule, workspace_id: str
) -> TerraformResource:
    attributes = {
        "federation_rule_id": Reference(f"{created.address}.id"),
        "workspace_id": builder.workspace(workspace_id),
    }
    name = f"{rule.spec.name}_{builder.namer.reference(workspace_id)}"
    import_id = f"{rule.meta.id}/{workspace_id}"
    return builder.resource(RULE_WORKSPACE, name, import_id, attributes=attributes)


def render_terraform(export: TerraformExport) -> str:
    """The export as one `.tf` file: provider, workspace references, then each resource
    followed by its `import {}` block."""
    organization = export.organization
    header = [
        f"Exported by fedctl {__version__} from organization {organization.name!r} "
        f"for the {PROVIDER_SOURCE} provider.",
        "`terraform plan` with this file imports every resource and reports no changes.",
        *export.left_out,
    ]
    provider = {"source": PROVIDER_SOURCE, "version": PROVIDER_VERSION}
    blocks = [
        Block(
            "terraform",
            body=[
                ("required_version", REQUIRED_TERRAFORM),
                Block("required_providers", body=[("anthropic", provider)]),
            ],
        ),
        Block("provider", ("anthropic",), [("organization_id", organization.id)]),
    ]
    if export.workspace_ids:
        blocks.append(
            Block(
                "locals",
                body=[(WORKSPACES_LOCAL, export.workspace_ids)],
                comments=("Workspaces are referenced, not managed, by this configuration.",),
            )
        )
    for resource in export.resources:
        blocks.append(
            Block(
                "resource",
                (resource.type, resource.label),
                list(resource.attributes.items()),
                comments=resource.notes,
            )
        )
        blocks.append(
            Block("import", body=[("to", Reference(resource.address)), ("id", resource.import_id)])
        )
    return render_blocks(blocks, header=header)
