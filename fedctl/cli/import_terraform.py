"""`fedctl import-terraform`: a Terraform state or plan (JSON) as fedctl configuration.

Reads the output of `terraform show -json` (`fedctl.export.terraform_import`), then prints one
document or writes one file per kind (or per issuer), as `fedctl export` does. Notes on
resources skipped go to stderr.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command(
    "import-terraform",
    epilog=(
        "Examples:\n\n\b\n"
        '  fedctl import-terraform state.json --organization-id "$ANTHROPIC_ORGANIZATION_ID"\n'
        "  fedctl import-terraform plan.json --out federation/"
    ),
)
@click.argument("json_path", metavar="STATE_OR_PLAN.json", type=click.Path(dir_okay=False))
@click.option(
    "--organization-id",
    default=None,
    help="The organization the state belongs to; read from a plan's provider block if absent.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Write files into this (new or empty) directory instead of printing one document.",
)
@click.option(
    "--split-by-issuer",
    is_flag=True,
    help="One file per issuer with its rules (and service_accounts.yaml); needs --out.",
)
def command(
    json_path: str, organization_id: str | None, out_dir: str | None, split_by_issuer: bool
) -> None:
    """Write fedctl configuration from a Terraform state or plan (JSON).

    STATE_OR_PLAN.json is the output of `terraform show -json` (or `terraform show -json
    PLANFILE`) for the anthropics/anthropic provider.
    """
    from fedctl.core.errors import UsageError
    from fedctl.core.escape import escape_terminal
    from fedctl.export.terraform_import.configuration import import_terraform
    from fedctl.export.write import write_files

    if split_by_issuer and out_dir is None:
        raise UsageError("--split-by-issuer writes several files; give --out DIR")
    imported = import_terraform(Path(json_path), organization_id=organization_id)
    for note in imported.notes:
        click.echo(f"note: {escape_terminal(note)}", err=True)
    if out_dir is None:
        click.echo(imported.document, nl=False)
        return
    written = write_files(Path(out_dir), imported.files(split_by_issuer=split_by_issuer))
    click.echo(f"Wrote {len(written)} file(s) to {out_dir}: {', '.join(p.name for p in written)}")
