"""Terraform JSON -> fedctl configuration text: read, convert, then written by the export.

Names are kept and `previous_names` stays empty (the export writes none); a
Console-managed rule (and an issuer backing only such rules) is commented with its
reason, exactly as `fedctl export` marks it.

Usage:
    imported = import_terraform(Path("state.json"), organization_id=None)
    imported.document        # one YAML document; imported.files: name -> text
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fedctl import __version__
from fedctl.core.escape import escape_terminal
from fedctl.export.document import build_export
from fedctl.export.entries import Export
from fedctl.export.render import SERVICE_ACCOUNTS_FILE, render_document, render_files
from fedctl.export.terraform_import.convert import convert_resources
from fedctl.export.terraform_import.errors import TerraformImportError
from fedctl.export.terraform_import.read import read_terraform_json

SETTINGS_FILE = "settings.yaml"


@dataclass(frozen=True)
class ImportedConfiguration:
    export: Export
    header: str
    # Resources skipped or ignored, one line each (never an error).
    notes: tuple[str, ...]
    # settings.protect entries read back from deletion_protection = true.
    protect: tuple[str, ...] = ()

    @property
    def document(self) -> str:
        return self._retitled(render_document(self.export, protect=self.protect))

    def files(self, *, split_by_issuer: bool = False) -> dict[str, str]:
        # With protect entries, the settings get a file of their own, as Terraform users
        # look for them.
        files = render_files(
            self.export,
            split_by_issuer=split_by_issuer,
            settings_file=SETTINGS_FILE if self.protect else SERVICE_ACCOUNTS_FILE,
            protect=self.protect,
        )
        return {name: self._retitled(text) for name, text in sorted(files.items())}

    def _retitled(self, text: str) -> str:
        # The export's header names the organization it read; here the source is a file.
        exported = f"# Exported by fedctl {__version__} from organization ''."
        promise = "# `fedctl plan` on the exported files reports no changes."
        caveat = (
            "# `fedctl plan` on these files reports no changes while Terraform's view is current."
        )
        return text.replace(exported, self.header, 1).replace(promise, caveat, 1)


def import_terraform(path: Path, *, organization_id: str | None) -> ImportedConfiguration:
    """The provider's resources in `path` as fedctl configuration."""
    document = read_terraform_json(path)
    org_id = organization_id or document.organization_id
    if not org_id:
        raise TerraformImportError(
            f"{path}: a Terraform {document.kind} does not record the provider's "
            "organization_id; give --organization-id"
        )
    converted = convert_resources(document.resources, organization_id=org_id)
    live, notes = converted.live, converted.notes
    header = (
        f"# Imported by fedctl {__version__} from the Terraform {document.kind} "
        f"{escape_terminal(path.name)}."
    )
    return ImportedConfiguration(
        export=build_export(live),
        header=header,
        notes=(*document.notes, *notes),
        protect=converted.protected,
    )
