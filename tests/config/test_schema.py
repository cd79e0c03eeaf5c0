"""The committed JSON Schema matches the models, and the examples satisfy it."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from fedctl.config.schema import render_schemas

ROOT = Path(__file__).parents[2]


def test_committed_schemas_are_current() -> None:
    for name, text in render_schemas().items():
        committed = ROOT / "schemas" / name
        assert committed.read_text() == text, (
            f"{committed} is stale: run `fedctl schema --out schemas`"
        )


@pytest.mark.parametrize(
    "example",
    # examples/policies holds policy files (their own language), not configuration.
    sorted(
        p
        for p in (ROOT / "examples").rglob("*.yaml")
        if p.parent.name != "policies" and not p.name.endswith(".access-test.yaml")
    ),
    ids=lambda p: p.name,
)
def test_examples_satisfy_the_schema(example: Path) -> None:
    schema = json.loads((ROOT / "schemas" / "fedctl-config.schema.json").read_text())
    jsonschema.validate(yaml.safe_load(example.read_text()), schema)


def test_schema_rejects_unknown_keys() -> None:
    schema = json.loads(render_schemas()["fedctl-config.schema.json"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"rules": [{"name": "a", "colour": "blue"}]}, schema)


def test_the_packaged_plan_schema_is_the_committed_one() -> None:
    packaged = ROOT / "fedctl" / "schemas" / "plan.schema.json"
    committed = ROOT / "schemas" / "plan.schema.json"
    assert packaged.read_text() == committed.read_text(), (
        "schemas/plan.schema.json is the source: copy it to fedctl/schemas/plan.schema.json"
    )


def test_generated_files_point_at_the_schema_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fedctl.config.schema import schema_comment

    monkeypatch.chdir(tmp_path)
    assert schema_comment() == "# yaml-language-server: $schema=schemas/fedctl-config.schema.json"
    assert schema_comment(tmp_path / "federation") == (
        "# yaml-language-server: $schema=../schemas/fedctl-config.schema.json"
    )
