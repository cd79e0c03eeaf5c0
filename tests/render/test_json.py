"""JSON renderer: golden output, valid against schemas/plan.schema.json, no key material."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from fedctl.plan.plan import Plan, compute_plan
from fedctl.render.json import NOT_SHOWN, RENAMED, plan_document, render_json
from tests.support.golden import assert_golden
from tests.support.showcase import INLINE_KEY_MATERIAL, showcase_plan
from tests.support.states import baseline, live_from

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text())


def test_json_plan_matches_golden_and_schema() -> None:
    text = render_json(showcase_plan())
    assert_golden("plan/showcase.json", text)
    document = json.loads(text)
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert INLINE_KEY_MATERIAL not in text
    assert document["summary"] == {
        "create": 3,
        "update": 3,
        "replace": 2,
        "archive": 3,
        "deactivate": 0,
    }
    assert [c["order"] for c in document["changes"]] == list(range(1, 12))


def test_empty_plan_is_valid_too() -> None:
    state = baseline()
    document = json.loads(render_json(compute_plan(state, live_from(state))))
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert document["changes"] == []


def test_schema_is_itself_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_document_is_the_models_dump_less_what_it_leaves_out_by_name() -> None:
    # A field added to Plan appears in the document unless NOT_SHOWN names it.
    document = plan_document(showcase_plan())
    derived = ("format_version", "summary", "gate")
    shown = [RENAMED.get(name, name) for name in Plan.model_fields if name not in NOT_SHOWN]
    assert [key for key in document if key not in derived] == shown
    assert list(document)[:4] == ["format_version", "organization", "config_digest", "summary"]
