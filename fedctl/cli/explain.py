"""`fedctl explain`: which rules would accept an identity token, matcher by matcher, and why.

Reads the token (never verified, never printed), builds the rules from the configuration
at PATH or, with --live, from the live organization, explains, prints, and exits 0 when
some rule would match and 3 (through the error boundary) when none would.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click

from fedctl.cli.options import ApiSettings, api_options, config_options_path_optional, format_option

if TYPE_CHECKING:
    from fedctl.access.explain.model import Rulebook
    from fedctl.access.explain.token import DecodedToken


@click.command(
    "explain",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl explain federation/ --token-file token.jwt\n"
        "  fedctl explain federation/ --claims claims.json --rule deploy-main"
    ),
)
@config_options_path_optional
@click.option(
    "--claims",
    "claims_file",
    type=click.Path(dir_okay=False),
    help="A JSON file holding the decoded claims.",
)
@click.option(
    "--token",
    "token_text",
    metavar="JWT",
    help="The identity token itself (it lands in shell history: prefer --token-file).",
)
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False),
    help="A file holding the identity token (e.g. ANTHROPIC_IDENTITY_TOKEN_FILE).",
)
@click.option("--rule", "rule_name", metavar="NAME", help="Explain only this rule.")
@click.option("--live", is_flag=True, help="Explain against the live rules, not the files.")
@api_options
@click.option(
    "--at",
    "at_time",
    type=float,
    default=None,
    metavar="UNIX_TIME",
    help="Evaluate exp/iat/lifetime as of this Unix time [default: now].",
)
@format_option("explain")
def command(
    path: str | None,
    variables: tuple[str, ...],
    var_files: tuple[str, ...],
    claims_file: str | None,
    token_text: str | None,
    token_file: str | None,
    rule_name: str | None,
    live: bool,
    api: ApiSettings,
    at_time: float | None,
    output_format: str,
) -> None:
    """Explain which rules would accept an identity token, and why.

    The token is decoded WITHOUT verifying its signature. Exit 0 when some rule would
    match, 3 when none would.
    """
    from fedctl.access.explain.engine import explain_token, no_match_error
    from fedctl.cli.formats import echo

    token = _read_token(claims_file, token_text, token_file)
    book = _live_rulebook(api) if live else None
    if book is None:
        from fedctl.access.explain.sources import rulebook_from_config
        from fedctl.config.discover import default_path
        from fedctl.config.load import load_config

        config = load_config(path or default_path(), variables=variables, var_files=var_files)
        book = rulebook_from_config(config)
    now = time.time() if at_time is None else at_time
    explanation = explain_token(token, book, now=now, rule_name=rule_name)
    echo("explain", output_format, explanation)
    if not explanation.matched:
        raise no_match_error(explanation)


def _read_token(
    claims_file: str | None, token_text: str | None, token_file: str | None
) -> DecodedToken:
    from fedctl.access.explain.token import decode_token, read_claims_file, read_token_file
    from fedctl.core.errors import UsageError

    given = [name for name, value in _sources(claims_file, token_text, token_file) if value]
    if len(given) != 1:
        raise UsageError(
            "give exactly one of --claims FILE, --token JWT or --token-file FILE"
            + (f" (got {', '.join(given)})" if given else "")
        )
    if claims_file is not None:
        return read_claims_file(claims_file)
    if token_file is not None:
        return read_token_file(token_file)
    return decode_token(token_text or "")


def _sources(
    claims_file: str | None, token_text: str | None, token_file: str | None
) -> list[tuple[str, str | None]]:
    return [("--claims", claims_file), ("--token", token_text), ("--token-file", token_file)]


def _live_rulebook(api: ApiSettings) -> Rulebook:
    from fedctl.access.explain.sources import rulebook_from_live
    from fedctl.live.read import read_live

    with api.open(read_only=True) as client:
        return rulebook_from_live(read_live(client))
