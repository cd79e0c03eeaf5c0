"""`fedctl policy [PATH]`: evaluate the organization's policies on the configuration.

Exit 0 when no `deny` policy fails, 1 otherwise (a policy file that is not valid is 1
too, every problem located). Policies come from `--policy FILE` (repeatable) and from
`settings.policy_files`.
"""

from __future__ import annotations

import click

from fedctl.cli.guards import guards_from_option
from fedctl.cli.options import config_options, format_option


@click.command(
    "policy",
    epilog="Examples:\n\n\b\n  fedctl policy federation/ --policy ../security/policies.yaml\n"
    "  fedctl policy federation/ --format json",
)
@config_options
@click.option(
    "--policy",
    "policy_files",
    multiple=True,
    metavar="FILE",
    help="A policy file (repeatable), added to settings.policy_files.",
)
@format_option("policy", help="text for people, json for tools.")
@guards_from_option
def command(
    path: str,
    variables: tuple[str, ...],
    var_files: tuple[str, ...],
    policy_files: tuple[str, ...],
    output_format: str,
    guards_from: str | None,
) -> None:
    """Evaluate organization policies (CEL) on the configuration.

    With --guards-from, main's policy files are evaluated too (edited ones in both
    versions), whatever the configuration's settings.policy_files now says.
    """
    from fedctl.cli.formats import echo
    from fedctl.cli.guards import effective_config, guard_inputs
    from fedctl.config import load_config
    from fedctl.guards.policy.evaluate import evaluate_policies
    from fedctl.guards.policy.load import load_policies, policy_paths

    config = load_config(path, variables=variables, var_files=var_files)
    if guards_from is not None:
        inputs = guard_inputs(
            path, guards_from=guards_from, variables=variables, var_files=var_files
        )
        config = effective_config(config, inputs)
    policies = load_policies(policy_paths(config, policy_files))
    results = evaluate_policies(policies, config)
    echo("policy", output_format, results, policies=len(policies))
    if any(result.blocks for result in results):
        raise click.exceptions.Exit(1)
