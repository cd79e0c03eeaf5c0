"""`fedctl whoami`: which organization and which credential fedctl would use."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from fedctl.cli.options import ApiSettings, api_options, format_option

if TYPE_CHECKING:
    from fedctl.api.client import AdminClient


@click.command(
    "whoami",
    epilog="Examples:\n\n\b\n  fedctl whoami\n  fedctl whoami --format json",
)
@api_options
@format_option("whoami")
def command(
    api: ApiSettings,
    output_format: str,
) -> None:
    """Show the organization and the credential fedctl would use."""

    with api.open(read_only=True) as client:
        identity = describe_identity(client)
    if output_format == "json":
        click.echo(json.dumps(identity, indent=2))
    else:
        click.echo(render_text(identity))


def describe_identity(client: AdminClient) -> dict[str, Any]:
    """Organization, base URL and credential; for a federated token its account and rule."""
    from fedctl.api import resources

    organization = resources.get_organization(client)
    credential = client.credential
    identity: dict[str, Any] = {
        "organization": {"id": organization.id, "name": organization.name},
        "base_url": client.base_url,
        "credential": {
            "source": credential.source if credential else "unknown",
            "kind": credential.kind if credential else "token",
        },
        "service_account": None,
        "rule": None,
    }
    if credential is not None and credential.federation is not None:
        rule = resources.get_rule(client, credential.federation.rule_id)
        # Without ANTHROPIC_SERVICE_ACCOUNT_ID the exchange acts as the rule's target (§7.1).
        account_id = credential.federation.service_account_id or rule.target.service_account_id
        account = resources.get_service_account(client, account_id)
        identity["service_account"] = {"id": account.id, "name": account.name}
        identity["rule"] = {"id": rule.id, "name": rule.name, "oauth_scope": rule.oauth_scope}
    return identity


def render_text(identity: dict[str, Any]) -> str:
    org = identity["organization"]
    lines = [
        f"organization:    {org['name']} ({org['id']})",
        f"base URL:        {identity['base_url']}",
        f"credential:      {identity['credential']['source']}",
    ]
    if identity["service_account"] is not None:
        account, rule = identity["service_account"], identity["rule"]
        lines.append(f"service account: {account['name']} ({account['id']})")
        lines.append(f"rule:            {rule['name']} ({rule['id']}, scope {rule['oauth_scope']})")
    # NOTE: names come from the server.
    from fedctl.core.escape import escape_terminal

    return "\n".join(escape_terminal(line) for line in lines)
