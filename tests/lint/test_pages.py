"""docs/lint/ holds one page per check, the same `fedctl lint --explain` prints; a stale or
missing page fails here. FEDCTL_REGEN_GOLDEN=1 rewrites them (explicit opt-in)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.lint.catalogue import CATALOGUE
from fedctl.lint.pages import render_index, render_page

DOCS = Path(__file__).resolve().parents[2] / "docs" / "lint"


def _check(path: Path, text: str) -> None:
    if os.environ.get("FEDCTL_REGEN_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{path} is stale"


@pytest.mark.parametrize("check_id", list(CATALOGUE))
def test_every_check_has_its_page(check_id: str) -> None:
    _check(DOCS / f"{check_id}.md", render_page(CATALOGUE[check_id]))


def test_the_index_lists_every_check() -> None:
    _check(DOCS / "README.md", render_index())
    assert {path.stem for path in DOCS.glob("FED*.md")} == set(CATALOGUE)


def test_explain_prints_the_page() -> None:
    result = CliRunner().invoke(cli, ["lint", "--explain", "fed011"])
    assert result.exit_code == 0
    assert result.output == (DOCS / "FED011.md").read_text(encoding="utf-8")


def test_explain_of_an_unknown_id_says_what_to_do() -> None:
    result = CliRunner().invoke(cli, ["lint", "--explain", "FED999"])
    assert result.exit_code != 0
    assert result.output == (
        "error: --explain FED999: no such check; `fedctl lint --list` shows them\n"
    )


def test_the_checks_table_of_the_docs_lists_every_configuration_check() -> None:
    """docs/lint-explain-export.md's table, which the README points to, is complete."""
    table = (DOCS.parent / "lint-explain-export.md").read_text(encoding="utf-8")
    listed = {line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| FED")}
    assert listed == set(CATALOGUE)
