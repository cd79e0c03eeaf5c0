"""`fedctl show PLANFILE`: re-render a saved plan with the renderers `plan` uses.

A saved plan is read as hostile input (the same checks as `apply PLANFILE`: private JWK
members refused, strict fields); showing it writes and sends nothing.
"""

from __future__ import annotations

import click


@click.command(
    "show",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl show plan.json\n"
        '  fedctl show plan.json --format markdown >> "$GITHUB_STEP_SUMMARY"'
    ),
)
@click.argument("plan_file", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format, as for `fedctl plan`.",
)
@click.option("--no-color", is_flag=True, help="No colour in the text output (also NO_COLOR).")
def command(plan_file: str, output_format: str, no_color: bool) -> None:
    """Show a saved plan (`plan --out FILE`) as `fedctl plan` printed it."""
    from fedctl.cli.plan import render_plan, use_colour
    from fedctl.plan.plan import Plan

    plan = Plan.from_file(plan_file)
    click.echo(render_plan(plan, output_format, None, use_colour(no_color)), nl=False)
