"""The guard registry: every guard merges strictest-wins, compares as weakens/strengthens,
survives a snapshot's round trip, and is documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fedctl.config import load_config
from fedctl.guards.effective import GuardSource, enforce_guards, guard_values
from fedctl.guards.recorded import record_guards, restore_guards
from fedctl.guards.registry import GUARD_KEYS, GUARDS
from fedctl.guards.texts import view_of
from tests.support.cli import k8s_org, k8s_rule

ROOT = Path(__file__).resolve().parents[2]
GUARDED = """\
settings:
  protect: [rule/prod-*, build]
  max_archives: 3
  max_changes_percent: 20
  max_key_deactivations: 2
  lint: {block_apply: false}
api_keys:
  manage: true
  allow_active:
    - {name: laptops, reason: until SSO}
    - {id: apikey_01abc, reason: billing}
"""


def _config(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "c"
    folder.mkdir(exist_ok=True)
    silenced = k8s_rule("build", "build") + "    lint: {ignore: [FED001, FED019], reason: r}\n"
    (folder / "fedctl.yaml").write_text(text + k8s_org(silenced))
    (folder / "a.access-test.yaml").write_text(
        "cases:\n  - name: one\n    claims: {iss: https://k8s.acme-corp.dev}\n    expect: denied\n"
    )
    return folder


def test_the_registry_names_each_guard_of_the_issue_once() -> None:
    assert GUARD_KEYS == (
        "settings.protect",
        "settings.policy_files",
        "settings.lint.block_apply",
        "lint.ignore",
        "settings.max_archives",
        "settings.max_changes_percent",
        "settings.min_changes_for_percent",
        "settings.max_key_deactivations",
        "api_keys.allow_active",
        "access_tests",
    )


def test_every_guard_is_documented_in_the_trust_boundary_section() -> None:
    security = (ROOT / "docs" / "security.md").read_text()
    section = security.split("## Trust boundary", 1)[1]
    assert [key for key in GUARD_KEYS if f"`{key}`" not in section] == []


def test_a_snapshot_record_round_trips_every_guard(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, GUARDED))
    values = guard_values(view_of(config, origin="snapshot"))
    record = json.loads(json.dumps(record_guards(values)))
    assert set(record) == set(GUARD_KEYS)
    assert restore_guards(record) == values


@pytest.mark.parametrize(
    ("key", "trusted", "proposed", "effective", "effects"),
    [
        ("settings.protect", ("a", "b"), ("b", "c"), ("a", "b", "c"), ["weakens", "strengthens"]),
        ("settings.max_archives", 1, 1000, 1, ["weakens"]),
        ("settings.max_changes_percent", 30, 10, 10, ["strengthens"]),
        # A pull request raising the minimum would switch the percentage off: weakens.
        ("settings.min_changes_for_percent", 10, 100000, 10, ["weakens"]),
        ("settings.lint.block_apply", True, False, True, ["weakens"]),
        (
            "lint.ignore",
            {"rule/x": ("FED001",)},
            {"rule/x": ("FED001", "FED019")},
            {"rule/x": ("FED001",)},
            ["weakens"],
        ),
        ("api_keys.allow_active", ("name:a",), ("name:a", "name:b"), ("name:a",), ["weakens"]),
    ],
)
def test_merge_is_strictest_and_compare_says_which_way(
    key: str, trusted: object, proposed: object, effective: object, effects: list[str]
) -> None:
    [guard] = [guard for guard in GUARDS if guard.key == key]
    assert guard.merge([proposed, trusted]) == effective
    assert [effect for effect, _ in guard.compare(trusted, proposed)] == effects
    assert guard.compare(trusted, trusted) == []


def test_enforced_guards_are_the_strictest_of_the_config_and_main(tmp_path: Path) -> None:
    main = load_config(_config(tmp_path, GUARDED))
    trusted = GuardSource("main", guard_values(view_of(main, origin="main")))
    loose = tmp_path / "pr"
    loose.mkdir()
    (loose / "fedctl.yaml").write_text(
        "settings:\n  max_archives: 1000\n  max_changes_percent: 10\n"
        + k8s_org(k8s_rule("build", "build") + "    lint: {ignore: [FED001, FED077], reason: r}\n")
    )
    guarded = enforce_guards(load_config(loose), [trusted])
    settings = guarded.config.settings
    assert settings.protect == ["build", "rule/prod-*"]
    assert (settings.max_archives, settings.max_changes_percent) == (3, 10)
    assert settings.max_key_deactivations == 2
    assert settings.lint.block_apply is True
    assert [rule.lint.ignore for rule in guarded.config.rules if rule.lint] == [["FED001"]]
    assert guarded.sources == ("configuration", "main")
    lines = [change.line() for change in guarded.changes]
    assert "weakens settings.protect: pattern 'rule/prod-*' removed" in lines
    assert "weakens settings.max_archives: raised from 3 to 1000" in lines
    assert "strengthens settings.max_changes_percent: lowered from 20 to 10" in lines
    assert "strengthens settings.lint.block_apply: turned on" in lines
    assert "weakens lint.ignore: rule/build now ignores FED077" in lines
    assert "strengthens lint.ignore: rule/build no longer ignores FED019" in lines
    assert "weakens access_tests: case 'one' deleted" in lines
    # The deleted case still runs: written for the readers of config.access_test_files.
    [extra] = guarded.config.access_test_files
    assert json.loads(Path(extra).read_text())["cases"][0]["name"] == "one"


def test_without_a_trusted_source_the_configuration_is_enforced_as_it_is(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, GUARDED))
    guarded = enforce_guards(config, [])
    assert guarded.config.settings == config.settings
    assert (guarded.sources, guarded.changes) == (("configuration",), ())
