import os
from pathlib import Path

import pytest

from fedctl.config.load import load_config
from fedctl.export.document import build_export
from fedctl.export.render import render_document, render_files
from tests.export.orgs import ORG_ID, known_org

GOLDEN = Path(__file__).parent / "golden"
# Regenerating golden files is an explicit opt-in.
REGENERATE = os.environ.get("FEDCTL_REGEN_GOLDEN") == "1"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), f"{name} differs; FEDCTL_REGEN_GOLDEN=1 to update"


def test_document_golden() -> None:
    check_golden("document.yaml", render_document(build_export(known_org())))


def test_document_with_archived_golden() -> None:
    export = build_export(known_org(), include_archived=True)
    check_golden("document-archived.yaml", render_document(export))


@pytest.mark.parametrize("split", [False, True])
def test_files_golden(split: bool) -> None:
    files = render_files(build_export(known_org(), include_archived=True), split_by_issuer=split)
    folder = "split" if split else "by-kind"
    expected = sorted(p.name for p in (GOLDEN / folder).glob("*.yaml")) if not REGENERATE else None
    for name, text in files.items():
        check_golden(f"{folder}/{name}", text)
    if expected is not None:
        assert sorted(files) == expected


def test_split_by_issuer_names_one_file_per_issuer() -> None:
    files = render_files(build_export(known_org(), include_archived=True), split_by_issuer=True)
    assert sorted(files) == [
        "_archived.yaml",
        "cluster.yaml",
        "console-only.yaml",
        "github-actions.yaml",
        "service_accounts.yaml",
    ]
    assert "  - name: nightly\n" in files["cluster.yaml"]
    assert "#   - name: deploy-old\n" in files["github-actions.yaml"]
    assert "#   - name: gitlab\n" in files["_archived.yaml"]


@pytest.mark.parametrize("split", [False, True])
def test_exported_files_validate_and_declare_the_managed_resources(
    tmp_path: Path, split: bool
) -> None:
    export = build_export(known_org(), include_archived=True)
    for name, text in render_files(export, split_by_issuer=split).items():
        (tmp_path / name).write_text(text)
    config = load_config(tmp_path)
    assert config.organization_id == ORG_ID
    assert sorted(a.name for a in config.service_accounts) == [
        "bootstrap",
        "k8s-jobs",
        "payments-ci",
    ]
    assert sorted(i.name for i in config.issuers) == ["cluster", "github-actions"]
    assert sorted(r.name for r in config.rules) == ["deploy-main", "nightly"]
    assert config.warnings == []


def test_every_file_starts_with_the_schema_line() -> None:
    files = render_files(build_export(known_org()), split_by_issuer=True)
    for text in [*files.values(), render_document(build_export(known_org()))]:
        assert text.startswith("# yaml-language-server: $schema=")


@pytest.mark.parametrize("description", ["\n", "a\n\n", " \n", "two\nlines", "ends\n"])
def test_descriptions_of_blank_lines_export_and_load_back(description: str, tmp_path: Path) -> None:
    """A description ending in blank lines once came out as `|2+` followed by a `...`
    document end, which the loader refuses."""
    from fedctl.export.render import _dump_item

    text = _dump_item({"name": "sa-0", "description": description})
    assert "..." not in text
    import yaml

    assert yaml.safe_load(text) == [{"name": "sa-0", "description": description}]
