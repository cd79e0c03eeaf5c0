"""`fedctl show PLANFILE` re-renders a saved plan with the renderers `plan` uses;
`fedctl show KIND/NAME` prints one live resource (ID, spec, last change, references).

A saved plan is read as hostile input (the same checks as `apply PLANFILE`: private JWK
members refused, strict fields); showing it writes and sends nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from fedctl.cli.options import ApiSettings, api_options, format_option

LIVE_ADDRESS = re.compile(r"^(service_account|issuer|rule)/[^/]+$")


@click.command(
    "show",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl show plan.json\n"
        "  fedctl show rule/deploy-main\n"
        '  fedctl show plan.json --format markdown >> "$GITHUB_STEP_SUMMARY"'
    ),
)
@click.argument("target", metavar="PLANFILE|KIND/NAME")
@api_options
@format_option("plan", help="Output format, as for `fedctl plan`.")
@click.option("--no-color", is_flag=True, help="No colour in the text output (also NO_COLOR).")
def command(target: str, api: ApiSettings, output_format: str, no_color: bool) -> None:
    """Show a saved plan as `fedctl plan` printed it, or one live resource."""
    from fedctl.cli.formats import echo
    from fedctl.cli.plan import use_colour
    from fedctl.plan.plan import Plan

    if LIVE_ADDRESS.match(target) and not Path(target).exists():
        from fedctl.live.read import read_live
        from fedctl.live.view import describe_resource

        with api.open(read_only=True) as client:
            click.echo(describe_resource(read_live(client), target))
        return
    plan = Plan.from_file(target)
    echo("plan", output_format, plan, color=use_colour(no_color))
