"""Plan -> the versioned JSON document tools read (`fedctl plan --format json`).

The structure is documented by `schemas/plan.schema.json` (tests validate every output
against it). `format_version` changes only when a field changes meaning or goes away;
new fields may appear without a bump. The document is the Plan model's own dump, in its
field order, with what review does not need left out by name (`NOT_SHOWN`), a few fields
renamed (`RENAMED`) and a few shown otherwise (`SHOWN_AS`): a field added to the model
appears here unless it is left out on purpose. Step payloads are left out: they are
apply's instructions (saved with `--out`), and leaving them out keeps inline JWKS key
material out of this output.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fedctl.plan.plan import Plan
from fedctl.render.access import access_json
from fedctl.render.records import (
    access_test_change_line,
    held_resource_line,
    policy_failure_line,
)

# The JSON document's own version (schemas/plan.schema.json), apart from the saved plan's
# (fedctl.plan.plan.FORMAT_VERSION): records it shows as lines did not change it.
DOCUMENT_FORMAT_VERSION = 1

# Plan fields the document leaves out: the saved file's version and path, what apply
# compares before writing (live versions, the options the plan was made with), and
# whether the gate ran (`gate` says it in one word).
NOT_SHOWN = frozenset({"format_version", "config_path", "live_versions", "shape", "gate_checked"})
# Step payloads: apply's instructions, which may hold inline JWKS key material.
STEP_NOT_SHOWN = frozenset({"payload"})
RENAMED = {"workspace_names": "workspaces", "lint_findings": "lint", "step_ids": "steps"}


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan's dump with NOT_SHOWN left out, RENAMED renamed and SHOWN_AS applied; the
    summary follows the digest and the gate's verdict the workspaces."""
    document: dict[str, Any] = {"format_version": DOCUMENT_FORMAT_VERSION}
    for name, value in plan.model_dump(mode="json", exclude=set(NOT_SHOWN)).items():
        shown = SHOWN_AS.get(name)
        document[RENAMED.get(name, name)] = shown(plan) if shown is not None else value
        if name == "config_digest":
            counts = plan.counts()
            document["summary"] = {action.value: counts[action] for action in counts}
        elif name == "workspace_names":
            document["gate"] = plan.gate_verdict
    return document


def render_json(plan: Plan) -> str:
    return json.dumps(plan_document(plan), indent=2, sort_keys=False) + "\n"


def _changes(plan: Plan) -> list[dict[str, Any]]:
    """Each change numbered in execution order, with its action's symbol."""
    documents = []
    for order, change in enumerate(plan.changes, start=1):
        document: dict[str, Any] = {"order": order}
        for name, value in change.model_dump(mode="json").items():
            document[RENAMED.get(name, name)] = value
            if name == "action":
                document["symbol"] = change.action.symbol
        # "" in the model (no alternative), null here, as the schema has always said.
        document["in_place_alternative"] = change.in_place_alternative or None
        documents.append(document)
    return documents


def _steps(plan: Plan) -> list[dict[str, Any]]:
    return [step.model_dump(mode="json", exclude=set(STEP_NOT_SHOWN)) for step in plan.steps]


# Fields shown otherwise than as dumped: the access diff in its own document shape, the
# records as the lines people read, the workspaces in ID order.
SHOWN_AS: dict[str, Callable[[Plan], Any]] = {
    "access": lambda plan: access_json(plan.access),
    "changes": _changes,
    "steps": _steps,
    "unmanageable": lambda plan: [held_resource_line(held) for held in plan.unmanageable],
    "policy_failures": lambda plan: [policy_failure_line(item) for item in plan.policy_failures],
    "access_test_changes": lambda plan: [
        access_test_change_line(change) for change in plan.access_test_changes
    ],
    "workspace_names": lambda plan: dict(sorted(plan.workspace_names.items())),
}
