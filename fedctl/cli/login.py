"""`fedctl login`: write an SDK federation profile for any identity provider.

Parses the options (defaults from the ANTHROPIC_* federation variables), writes the
profile through `fedctl.api.login_profile`, and prints how to use it. Nothing secret is
printed: not the identity token, not the minted token (no exchange happens here).
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from fedctl.api.login_profile import WrittenProfile


@click.command(
    "login",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl login --profile ci --identity-token-file /var/run/secrets/tokens/anthropic\n"
        '  fedctl login --activate --identity-token-file "$PWD/jwt"'
    ),
)
@click.option("--profile", "profile", default="ci", show_default=True, help="Profile name.")
@click.option("--rule-id", default=None, help="[default: $ANTHROPIC_FEDERATION_RULE_ID]")
@click.option("--organization-id", default=None, help="[default: $ANTHROPIC_ORGANIZATION_ID]")
@click.option("--service-account-id", default=None, help="[default: $ANTHROPIC_SERVICE_ACCOUNT_ID]")
@click.option("--workspace-id", default=None, help="[default: $ANTHROPIC_WORKSPACE_ID]")
@click.option(
    "--profile-base-url",
    "profile_base_url",
    default=None,
    help="Written into the profile as its base_url (it wins for the exchange).",
)
@click.option(
    "--identity-token-file",
    default=None,
    metavar="PATH",
    help="Absolute path of the workload's JWT, re-read before every exchange "
    "[default: $ANTHROPIC_IDENTITY_TOKEN_FILE; else $ANTHROPIC_IDENTITY_TOKEN is copied "
    "into a 0600 file].",
)
@click.option(
    "--config-dir",
    default=None,
    type=click.Path(file_okay=False),
    help="[default: $ANTHROPIC_CONFIG_DIR, else ~/.config/anthropic]",
)
@click.option("--activate", is_flag=True, help="Also make it the active profile.")
def command(
    profile: str,
    rule_id: str | None,
    organization_id: str | None,
    service_account_id: str | None,
    workspace_id: str | None,
    profile_base_url: str | None,
    identity_token_file: str | None,
    config_dir: str | None,
    activate: bool,
) -> None:
    """Write an SDK federation profile (any issuer) so that fedctl and the SDKs share one
    exchange of the identity token across processes."""
    from fedctl.api.credentials import default_config_dir
    from fedctl.api.login_profile import LoginRequest, write_login_profile
    from fedctl.core.errors import UsageError

    environ = os.environ
    token_file = identity_token_file or environ.get("ANTHROPIC_IDENTITY_TOKEN_FILE") or None
    rule = rule_id or environ.get("ANTHROPIC_FEDERATION_RULE_ID")
    organization = organization_id or environ.get("ANTHROPIC_ORGANIZATION_ID")
    if not rule or not organization:
        raise UsageError(
            "give --rule-id and --organization-id (or set ANTHROPIC_FEDERATION_RULE_ID and "
            "ANTHROPIC_ORGANIZATION_ID)"
        )
    request = LoginRequest(
        profile=profile,
        rule_id=rule,
        organization_id=organization,
        service_account_id=service_account_id
        or environ.get("ANTHROPIC_SERVICE_ACCOUNT_ID")
        or None,
        workspace_id=workspace_id or environ.get("ANTHROPIC_WORKSPACE_ID") or None,
        base_url=profile_base_url,
        identity_token_file=token_file,
        identity_token_value=None if token_file else environ.get("ANTHROPIC_IDENTITY_TOKEN"),
    )
    directory = Path(config_dir) if config_dir else default_config_dir(environ)
    written = write_login_profile(request, config_dir=directory)
    if activate:
        from fedctl.api.login_profile import activate_profile

        activate_profile(directory, profile)
    _report(written, profile, directory, activate=activate)


def _report(written: WrittenProfile, profile: str, directory: Path, *, activate: bool) -> None:
    from fedctl.core.escape import escape_terminal

    click.echo(f"Wrote profile {profile!r}: {escape_terminal(str(written.profile_path))}")
    if written.token_copied:
        click.echo(
            f"Copied the identity token to {escape_terminal(str(written.token_path))} (0600)"
        )
    if written.removed_cache:
        click.echo("Removed the profile's cached token (it may belong to the old settings)")
    # Lines a shell can eval: every value quoted for POSIX sh.
    click.echo(f"export ANTHROPIC_CONFIG_DIR={shlex.quote(str(directory))}")
    if not activate:
        click.echo(f"export ANTHROPIC_PROFILE={shlex.quote(profile)}")
