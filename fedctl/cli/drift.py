"""`fedctl drift [PATH]`: live changes that did not come from fedctl, with their authors.

Exit codes: 0 no drift, 2 drift found, 4 drift that broadens access with
`--fail-on broadening`, 1 error (config, API, usage).
"""

from __future__ import annotations

import click

from fedctl.cli.options import ApiSettings, api_options, config_options, format_option

EXIT_DRIFT = 2
EXIT_BROADENING = 4


@click.command(
    "drift",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl drift federation/\n"
        "  fedctl drift federation/ --fedctl-actor svac_... --format json\n"
        "  fedctl drift federation/ --fail-on broadening   # scheduled job: exit 4"
    ),
)
@config_options
@api_options
@click.option(
    "--fedctl-actor",
    "fedctl_actors",
    multiple=True,
    envvar="FEDCTL_ACTORS",
    metavar="ACTOR_ID",
    help=(
        "An actor ID (user_… or svac_…) fedctl's apply runs as; changes it made are not "
        "drift. Repeatable [env FEDCTL_ACTORS, space-separated]. A federated credential's "
        "service account is always included."
    ),
)
@format_option("drift")
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(["broadening"]),
    default=None,
    help=(
        "Exit 4 when drift (not pending changes) broadens who can mint what, where, as "
        "the access diff classes it (mixed and possibly broadening count)."
    ),
)
def command(
    path: str,
    variables: tuple[str, ...],
    var_files: tuple[str, ...],
    api: ApiSettings,
    fedctl_actors: tuple[str, ...],
    output_format: str,
    fail_on: str | None,
) -> None:
    """Report live changes that did not come from fedctl, with their authors."""
    from fedctl.api.resources import federated_actor
    from fedctl.cli.formats import echo
    from fedctl.config import load_config
    from fedctl.desired import build_desired
    from fedctl.drift.access import classify_drift
    from fedctl.drift.report import compute_drift
    from fedctl.live.read import read_live

    config = load_config(path, variables=variables, var_files=var_files)
    with api.open(read_only=True) as client:
        actors = set(fedctl_actors)
        credential = client.credential
        if credential is not None and credential.federation is not None:
            actors.add(federated_actor(client, credential.federation))
        live = read_live(client)
    if not actors:
        # Still useful with a plain admin token: every difference, with who made it.
        click.echo(
            "note: without --fedctl-actor, fedctl's own changes cannot be told apart from "
            "others': every difference is reported as drift, none as pending",
            err=True,
        )
    desired = build_desired(config, live.workspaces)
    report = compute_drift(desired, live, fedctl_actors=actors)
    report = classify_drift(report, desired, live)
    echo("drift", output_format, report)
    if fail_on == "broadening" and report.broadens:
        raise click.exceptions.Exit(EXIT_BROADENING)
    if report.has_drift:
        raise click.exceptions.Exit(EXIT_DRIFT)
