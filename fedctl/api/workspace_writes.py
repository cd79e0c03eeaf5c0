"""Workspace-scoped writes: service-account memberships and rule enablements.

Same promise as `fedctl.api.writes`: a write whose outcome is unknown is read back
first. Every write here is idempotent by contract, so a resend after a read that shows
it not done is safe: membership add is an upsert (§2.3), a role update sets a value
(§2.4), enablement add returns the existing row (§2.7.2), and both deletes succeed when
the row is already gone (§2.3, §2.7.3), so deletes are resent like reads. None of
them sets a unique name, so a 409 here is a concurrent modification and is retried (§6.2).

    add_membership(client, service_account_id=sa, workspace_id=ws, workspace_role="workspace_user")
"""

from __future__ import annotations

from typing import Any

from fedctl.api import resources, wire
from fedctl.api.client import AdminClient
from fedctl.api.readback import resend_until_known
from fedctl.api.resources import RULES, SERVICE_ACCOUNTS, WORKSPACES, parse_reply, segment


def add_membership(
    client: AdminClient,
    *,
    service_account_id: str,
    workspace_id: str,
    workspace_role: str,
    resource: str | None = None,
) -> wire.ServiceAccountWorkspaceMember:
    """Add (or upsert the role of) an explicit membership, addressed from the account."""
    path = f"{SERVICE_ACCOUNTS}/{segment(service_account_id)}/workspaces"
    body = {"workspace_id": workspace_id, "workspace_role": workspace_role}
    return _membership_write(
        client, path, body, service_account_id, workspace_id, workspace_role, resource
    )


def update_membership_role(
    client: AdminClient,
    *,
    service_account_id: str,
    workspace_id: str,
    workspace_role: str,
    resource: str | None = None,
) -> wire.ServiceAccountWorkspaceMember:
    """Change the role of an existing explicit membership (workspace-side, §2.4)."""
    path = f"{WORKSPACES}/{segment(workspace_id)}/service_accounts/{segment(service_account_id)}"
    body = {"workspace_role": workspace_role}
    return _membership_write(
        client, path, body, service_account_id, workspace_id, workspace_role, resource
    )


def _membership_write(
    client: AdminClient,
    path: str,
    body: dict[str, Any],
    service_account_id: str,
    workspace_id: str,
    workspace_role: str,
    resource: str | None,
) -> wire.ServiceAccountWorkspaceMember:

    def send() -> wire.ServiceAccountWorkspaceMember:
        data = client.request("POST", path, json=body, resource=resource, retry_conflict=True)
        return parse_reply(client, wire.ServiceAccountWorkspaceMember, data, what="membership")

    return resend_until_known(
        client,
        send,
        lambda: resources.get_workspace_member(client, workspace_id, service_account_id),
        lambda row: row.workspace_role == workspace_role and row.implicit is not True,
        resource=resource or f"membership {service_account_id} in {workspace_id}",
        action="write",
    )


def remove_membership(
    client: AdminClient, *, service_account_id: str, workspace_id: str, resource: str | None = None
) -> None:
    path = f"{SERVICE_ACCOUNTS}/{segment(service_account_id)}/workspaces/{segment(workspace_id)}"
    client.request("DELETE", path, resource=resource, resend_safe=True, retry_conflict=True)


def add_rule_workspace(
    client: AdminClient, *, rule_id: str, workspace_id: str, resource: str | None = None
) -> wire.FederationRuleWorkspace:
    path = f"{RULES}/{segment(rule_id)}/workspaces"

    def send() -> wire.FederationRuleWorkspace:
        data = client.request(
            "POST",
            path,
            json={"workspace_id": workspace_id},
            resource=resource,
            retry_conflict=True,
        )
        return parse_reply(client, wire.FederationRuleWorkspace, data, what="rule workspace")

    def enabled() -> wire.FederationRuleWorkspace | None:
        rows = resources.list_rule_workspaces(client, rule_id)
        return next((row for row in rows if row.workspace_id == workspace_id), None)

    return resend_until_known(
        client,
        send,
        enabled,
        lambda row: True,  # any enablement row of this workspace is the result
        resource=resource or f"rule {rule_id} in {workspace_id}",
        action="enable",
    )


def remove_rule_workspace(
    client: AdminClient, *, rule_id: str, workspace_id: str, resource: str | None = None
) -> None:
    path = f"{RULES}/{segment(rule_id)}/workspaces/{segment(workspace_id)}"
    client.request("DELETE", path, resource=resource, resend_safe=True, retry_conflict=True)
