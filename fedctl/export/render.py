"""Writes an Export as YAML text in fedctl's configuration language, deterministically.

Declared entries become list items of their section; commented entries (Console-managed,
archived) follow their section as YAML comments, each with the reason it is not
declared. Every file is a complete configuration file: the schema header line,
`version: 1`, `organization_id`, then its sections.

Usage:
    files = render_files(build_export(live), split_by_issuer=False)  # name -> text
    text = render_document(build_export(live))                        # for stdout
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from fedctl import __version__
from fedctl.config.schema import schema_comment
from fedctl.config.settings_text import settings_block
from fedctl.core.escape import escape_terminal
from fedctl.core.state import Kind
from fedctl.export.entries import SECTION_BY_KIND, Disposition, Entry, Export

SERVICE_ACCOUNTS_FILE = "service_accounts.yaml"
ISSUERS_FILE = "issuers.yaml"
RULES_FILE = "rules.yaml"
# Issuer names match ^[a-z0-9-]+$, so a leading underscore cannot collide with one.
ARCHIVED_FILE = "_archived.yaml"

_HEADINGS = {
    Disposition.CONSOLE_MANAGED: "Console-managed, not declared (fedctl never changes these):",
    Disposition.NOT_DECLARABLE: "Not declared, the configuration cannot hold them:",
    Disposition.ARCHIVED: "Archived, not declared (--include-archived):",
}


API_KEYS_FILE = "api_keys.yaml"


def render_document(export: Export, *, protect: Sequence[str] = ()) -> str:
    """One document with every section, as printed to stdout."""
    text = _render_file(
        export, export.entries, list(SECTION_BY_KIND), settings=True, folder=None, protect=protect
    )
    return text + ("\n" + export.api_keys_block if export.api_keys_block else "")


def render_files(
    export: Export,
    *,
    split_by_issuer: bool = False,
    folder: Path | None = None,
    settings_file: str = SERVICE_ACCOUNTS_FILE,
    protect: Sequence[str] = (),
) -> dict[str, str]:
    """File name -> text: one file per kind, or per issuer with its rules, to be written
    into `folder` (their schema line points from there; None: the working folder). The
    settings (the language allows one block) go into `settings_file`."""
    if split_by_issuer:
        groups = _group_by_issuer(export)
    else:
        groups = {
            SERVICE_ACCOUNTS_FILE: ([Kind.SERVICE_ACCOUNT], _of_kind(export, Kind.SERVICE_ACCOUNT)),
            ISSUERS_FILE: ([Kind.ISSUER], _of_kind(export, Kind.ISSUER)),
            RULES_FILE: ([Kind.RULE], _of_kind(export, Kind.RULE)),
        }
    files = {
        file_name: _render_file(
            export, entries, kinds, settings=file_name == settings_file, protect=protect
        )
        for file_name, (kinds, entries) in sorted(groups.items())
    }
    if settings_file not in files:
        files[settings_file] = _render_file(
            export, [], [], settings=True, folder=folder, protect=protect
        )
    if export.api_keys_block:
        files[API_KEYS_FILE] = _render_file(export, [], [], folder=folder) + export.api_keys_block
    return dict(sorted(files.items()))


def _of_kind(export: Export, kind: Kind) -> list[Entry]:
    return [entry for entry in export.entries if entry.kind is kind]


def _group_by_issuer(export: Export) -> dict[str, tuple[list[Kind], list[Entry]]]:
    groups: dict[str, tuple[list[Kind], list[Entry]]] = {
        SERVICE_ACCOUNTS_FILE: ([Kind.SERVICE_ACCOUNT], _of_kind(export, Kind.SERVICE_ACCOUNT))
    }
    for entry in export.entries:
        if entry.kind is Kind.SERVICE_ACCOUNT:
            continue
        live_group = entry.issuer_name in export.live_issuer_names and not (
            entry.kind is Kind.ISSUER and entry.disposition is Disposition.ARCHIVED
        )
        file_name = f"{entry.issuer_name}.yaml" if live_group else ARCHIVED_FILE
        groups.setdefault(file_name, ([Kind.ISSUER, Kind.RULE], []))[1].append(entry)
    return groups


def _render_file(
    export: Export,
    entries: Sequence[Entry],
    kinds: Iterable[Kind],
    *,
    settings: bool = False,
    folder: Path | None = None,
    protect: Sequence[str] = (),
) -> str:
    organization = export.organization
    lines = [
        schema_comment(folder),
        f"# Exported by fedctl {__version__} from organization {organization.name!r}.",
        "# `fedctl plan` on the exported files reports no changes.",
        "version: 1",
        _dump_inline({"organization_id": organization.id}),
    ]
    if settings:
        lines.append(settings_block(protect).rstrip("\n"))
    for kind in kinds:
        lines += _render_section(kind, [entry for entry in entries if entry.kind is kind])
    return "\n".join(lines) + "\n"


def _render_section(kind: Kind, entries: list[Entry]) -> list[str]:
    section = SECTION_BY_KIND[kind]
    declared = [entry for entry in entries if entry.declared]
    lines = [f"{section}:" if declared else f"{section}: []"]
    for index, entry in enumerate(declared):
        if index:
            lines.append("")  # one blank line between resources, as `fedctl fmt` writes
        # NOTE: notes quote live names; a line break in one would end the comment.
        lines += [f"  # {escape_terminal(note)}" for note in entry.notes]
        lines += _indent(_dump_item(entry.body), "  ")
    for disposition, heading in _HEADINGS.items():
        commented = [entry for entry in entries if entry.disposition is disposition]
        if not commented:
            continue
        lines.append(f"# {section}: {heading}")
        for entry in commented:
            lines += [f"#   {escape_terminal(note)}" for note in entry.notes]
            lines += _indent(_dump_item(entry.body), "#   ")
    return lines


def _indent(text: str, prefix: str) -> list[str]:
    # Uniform indentation keeps every YAML block (literal scalars included) valid; blank
    # lines stay blank so no trailing spaces are written.
    return [prefix + line if line else prefix.rstrip() for line in text.splitlines()]


class _ExportDumper(yaml.SafeDumper):
    """Safe YAML with block style for multi-line strings (PEM certificates, CEL)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent nested lists under their key, as people write them by hand.
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Trailing blank lines would need keep-chomping (`|+`), after which PyYAML writes a
    # `...` document end into the middle of the file: such strings stay double-quoted.
    if "\n" in value and value.strip() and not value.endswith("\n\n"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_ExportDumper.add_representer(str, _represent_str)


def render_body(body: dict[str, Any]) -> str:
    """One resource's configuration as the YAML list item an exported file holds."""
    return _dump_item(body)


def _dump_item(body: dict[str, Any]) -> str:
    text: str = yaml.dump(
        [body],
        Dumper=_ExportDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1_000_000,  # no folding: long values stay on one line, exactly as stored
    )
    return text


def _dump_inline(mapping: dict[str, Any]) -> str:
    text: str = yaml.dump(mapping, Dumper=_ExportDumper, sort_keys=False, width=1000)
    return text.rstrip("\n")
