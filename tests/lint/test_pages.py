"""docs/lint/ holds one page per check, the same `fedctl lint --explain` prints; a stale or
missing page fails here. FEDCTL_REGEN_GOLDEN=1 rewrites them (explicit opt-in)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.lint.catalogue import CATALOGUE
from fedctl.lint.pages import render_index, render_page

DOCS = Path(__file__).resolve().parents[2] / "docs" / "lint"

# A sentence ends at ".", "?" or "!" followed by white space and an upper-case letter, or at
# the end of the text. Dots inside a word (v2.0, sts.amazonaws.com, 2.1.0) are not followed
# by white space, and "e.g." / "i.e." are skipped by name. A sentence that starts with a
# lower-case identifier (max_jwt_lifetime_seconds is ...) is not seen as a new one: the
# counter is a guard against prose that grew, not a grammar.
SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)[.?!](?=\s+[A-Z]|\s*$)")


def count_sentences(text: str) -> int:
    return len(SENTENCE_END.findall(text.strip()))


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


def test_the_sentence_counter() -> None:
    assert count_sentences("One. Two? Three!") == 3
    assert count_sentences("Pins e.g. GitHub or i.e. Entra v2.0 at sts.amazonaws.com. Done.") == 2
    assert count_sentences("Entra v1.0 ends in a slash; v2.0 does not.") == 1


@pytest.mark.parametrize("check_id", list(CATALOGUE))
def test_every_explanation_is_the_attack_in_two_sentences(check_id: str) -> None:
    explanation = CATALOGUE[check_id].explanation
    assert explanation.rstrip().endswith((".", "?", "!")), explanation
    assert count_sentences(explanation) <= 2, explanation
