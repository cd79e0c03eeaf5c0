"""Builds what `terraform show -json` would print after `terraform apply` of an exported
configuration: every resource at its imported ID, references resolved to IDs.

Terraform cannot run here, so this stands in for it in round trips. Like the provider,
it writes every attribute of the resource's schema, null where the configuration left
it unset, and writes `jsonencode(...)` values as the JSON string Terraform stores.

Usage:
    state = terraform_state(build_terraform(live))
    Path("state.json").write_text(json.dumps(state))
"""

from __future__ import annotations

import json
from typing import Any

from fedctl.export.hcl import JsonEncode, Reference
from fedctl.export.terraform import WORKSPACES_LOCAL, TerraformExport

PROVIDER = "registry.terraform.io/anthropics/anthropic"
# The attributes of each resource as fedctl writes them (docs/terraform.md).
SCHEMA: dict[str, tuple[str, ...]] = {
    "anthropic_service_account": (
        "name",
        "description",
        "organization_role",
        "deletion_protection",
    ),
    "anthropic_workspace_service_account": ("workspace_id", "service_account_id", "workspace_role"),
    "anthropic_federation_issuer": (
        "name",
        "issuer_url",
        "jwks",
        "max_jwt_lifetime_seconds",
        "check_jti",
        "deletion_protection",
    ),
    "anthropic_federation_rule": (
        "name",
        "description",
        "issuer_id",
        "service_account_id",
        "oauth_scope",
        "workspace_id",
        "applies_to_all_workspaces",
        "token_lifetime_seconds",
        "deletion_protection",
        "match",
    ),
    "anthropic_federation_rule_workspace": ("federation_rule_id", "workspace_id"),
}


def terraform_state(export: TerraformExport) -> dict[str, Any]:
    ids = {resource.address: resource.import_id for resource in export.resources}
    resources = []
    for resource in export.resources:
        values = {key: None for key in SCHEMA[resource.type]}
        values.update(
            {key: _resolved(item, ids, export) for key, item in resource.attributes.items()}
        )
        values["id"] = resource.import_id
        resources.append(
            {
                "address": resource.address,
                "mode": "managed",
                "type": resource.type,
                "name": resource.label,
                "provider_name": PROVIDER,
                "schema_version": 0,
                "values": values,
                "sensitive_values": {},
            }
        )
    return {
        "format_version": "1.0",
        "terraform_version": "1.11.0",
        "values": {"root_module": {"resources": resources}},
    }


def _resolved(item: Any, ids: dict[str, str], export: TerraformExport) -> Any:
    if isinstance(item, Reference):
        prefix = f"local.{WORKSPACES_LOCAL}."
        if item.expression.startswith(prefix):
            return export.workspace_ids[item.expression.removeprefix(prefix)]
        return ids[item.expression.removesuffix(".id")]
    if isinstance(item, JsonEncode):
        return json.dumps(item.value, separators=(",", ":"), sort_keys=True)
    if isinstance(item, dict):
        return {key: _resolved(value, ids, export) for key, value in item.items()}
    return item
