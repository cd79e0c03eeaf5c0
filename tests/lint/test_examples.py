"""The examples on every check's page are true: each vulnerable configuration, loaded
through the real loader, gets exactly the findings it is meant to show, and each fixed one
validates and is lint-clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from fedctl.config import load_config
from fedctl.lint.catalogue import CATALOGUE
from fedctl.lint.examples import examples_for
from fedctl.lint.live import LIVE_CHECKS
from fedctl.lint.run import lint_config

# Checks that read only the live organization: a configuration cannot hold what they find
# (a legacy workspace_id binding, private key members that fedctl never writes), so their
# pages describe the live state in prose.
LIVE_ONLY = {info.id for info in LIVE_CHECKS}

# Vulnerable examples whose findings are more than their own check, and why.
ALSO_FIRES = {
    # A startsWith on the owner's name is also a name-only tenant pin.
    "FED011": {"FED021"},
    # A misspelt ID silences nothing: the finding it meant to silence stays.
    "FED091": {"FED007"},
}

CONFIG_CHECKS = sorted(set(CATALOGUE) - LIVE_ONLY)


def _found(tmp_path: Path, text: str) -> set[str]:
    (tmp_path / "fedctl.yaml").write_text(text, encoding="utf-8")
    return {finding.check_id for finding in lint_config(load_config(tmp_path))}


@pytest.mark.parametrize("check_id", CONFIG_CHECKS)
def test_vulnerable_example_fires_the_check(tmp_path: Path, check_id: str) -> None:
    examples = examples_for(check_id)
    assert examples is not None and not examples.live_only
    expected = {check_id} | ALSO_FIRES.get(check_id, set())
    assert _found(tmp_path, examples.vulnerable) == expected


@pytest.mark.parametrize("check_id", CONFIG_CHECKS)
def test_fixed_example_is_lint_clean(tmp_path: Path, check_id: str) -> None:
    examples = examples_for(check_id)
    assert examples is not None
    assert _found(tmp_path, examples.fixed) == set()


@pytest.mark.parametrize("check_id", list(CATALOGUE))
def test_every_check_has_examples_and_references(check_id: str) -> None:
    examples = examples_for(check_id)
    assert examples is not None
    assert examples.live_only == (check_id in LIVE_ONLY)
    assert 1 <= len(examples.references) <= 3
    assert all(ref.url.startswith("https://") and ref.title for ref in examples.references)


def test_examples_stay_short_enough_to_read_on_a_page() -> None:
    for check_id in CATALOGUE:
        examples = examples_for(check_id)
        assert examples is not None
        for text in (examples.vulnerable, examples.fixed):
            assert len(text.splitlines()) <= 30, check_id


@pytest.mark.parametrize("check_id", ["FED999", "fed001", "../examples/FED001", "FED001.yaml"])
def test_no_examples_for_anything_but_a_catalogue_id(check_id: str) -> None:
    assert examples_for(check_id) is None


def test_every_example_file_belongs_to_a_check() -> None:
    data = Path(__file__).resolve().parents[2] / "fedctl" / "lint" / "examples"
    assert {path.stem for path in data.glob("*.yaml")} == set(CATALOGUE)
