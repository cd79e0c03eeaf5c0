"""Plan -> the versioned JSON document tools read (`fedctl plan --format json`).

The structure is documented by `schemas/plan.schema.json` (tests validate every output
against it). `format_version` changes only when a field changes meaning or goes away;
new fields may appear without a bump. Step payloads are left out: they are apply's
instructions (saved with `--out`), and leaving them out keeps inline JWKS key material
out of this output.
"""

from __future__ import annotations

import json
from typing import Any

from fedctl.plan.plan import FORMAT_VERSION, Plan
from fedctl.render.access import access_json


def plan_document(plan: Plan) -> dict[str, Any]:
    counts = plan.counts()
    return {
        "format_version": FORMAT_VERSION,
        "organization": {"id": plan.organization.id, "name": plan.organization.name},
        "config_digest": plan.config_digest,
        "summary": {action.value: counts[action] for action in counts},
        # The snapshot planned against (or null) and the access diff, first.
        "snapshot": plan.snapshot.model_dump() if plan.snapshot is not None else None,
        "access": access_json(plan.access),
        "changes": _change_documents(plan),
        "steps": _step_documents(plan),
        "unmanaged": list(plan.unmanaged),
        "not_managed_here": list(plan.not_managed_here),
        "still_granting": list(plan.still_granting),
        "console_managed": list(plan.console_managed),
        "unmanageable": list(plan.unmanageable),
        "policy_failures": list(plan.policy_failures),
        "access_test_changes": list(plan.access_test_changes),
        "warnings": list(plan.warnings),
        **guardrail_document(plan),
        "workspaces": dict(sorted(plan.workspace_names.items())),
        **gate_document(plan),
    }


def gate_document(plan: Plan) -> dict[str, Any]:
    """The gate (fedctl.apply.gate): its verdict, what apply will refuse, lint's findings."""
    return {
        "gate": plan.gate_verdict,
        "refusals": [refusal.model_dump(mode="json") for refusal in plan.refusals],
        "lint": [note.model_dump(mode="json") for note in plan.lint_findings],
        "overrides": plan.overrides.model_dump(mode="json"),
    }


def guardrail_document(plan: Plan) -> dict[str, Any]:
    """Where the enforced guards came from and how this change moves them (fedctl.guards)."""
    return {
        "guard_sources": list(plan.guard_sources),
        "guardrail_changes": [change.model_dump() for change in plan.guardrail_changes],
    }


def render_json(plan: Plan) -> str:
    return json.dumps(plan_document(plan), indent=2, sort_keys=False) + "\n"


def _change_documents(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "order": order,
            "kind": change.kind.value,
            "name": change.name,
            "action": change.action.value,
            "symbol": change.action.symbol,
            "live_id": change.live_id,
            "before": change.before,
            "after": change.after,
            "changed_fields": list(change.changed_fields),
            "reason": change.reason,
            "ids_retired": list(change.ids_retired),
            "in_place_alternative": change.in_place_alternative or None,
            "steps": list(change.step_ids),
        }
        for order, change in enumerate(plan.changes, start=1)
    ]


def _step_documents(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "id": step.id,
            "operation": step.operation.value,
            "kind": step.kind.value,
            "name": step.name,
            "live_id": step.live_id,
            "depends_on": list(step.depends_on),
            "description": step.description,
        }
        for step in plan.steps
    ]
