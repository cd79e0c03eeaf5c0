"""Policies x resources -> results: pass, fail (deny or warn), or fail closed when a
`require` cannot be evaluated on a resource (a deny that cannot be checked is a failure).

    results = evaluate_policies(policies, config)
    denied = [r for r in results if r.blocks]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fedctl.config.validated import Config
from fedctl.core.errors import Location
from fedctl.core.state import Kind, Workspace
from fedctl.guards.policy.bindings import resource_bindings
from fedctl.guards.policy.cel import EvaluationFailed, evaluate
from fedctl.guards.policy.load import LoadedPolicy


@dataclass(frozen=True)
class PolicyResult:
    policy: str
    severity: str  # deny | warn
    resource: str  # kind/name
    passed: bool
    message: str
    location: Location | None

    @property
    def blocks(self) -> bool:
        return not self.passed and self.severity == "deny"

    def line(self) -> str:
        return f"{self.severity}: policy {self.policy}: {self.resource}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {
            "policy": self.policy,
            "severity": self.severity,
            "resource": self.resource,
            "outcome": "pass" if self.passed else "fail",
            "message": self.message,
            "location": str(self.location) if self.location else None,
        }


KINDS = {"rule": Kind.RULE, "issuer": Kind.ISSUER, "service_account": Kind.SERVICE_ACCOUNT}


def evaluate_policies(
    policies: list[LoadedPolicy], config: Config, *, workspaces: Sequence[Workspace] = ()
) -> list[PolicyResult]:
    """Every policy on every resource it applies to; `workspaces` (live) name them."""
    bindings = resource_bindings(config, workspaces)
    results: list[PolicyResult] = []
    for loaded in policies:
        policy = loaded.policy
        for name, activation in bindings[policy.applies_to]:
            result = _one(loaded, name, activation)
            if result is not None:
                location = config.location_of(KINDS[policy.applies_to], name)
                results.append(
                    PolicyResult(
                        policy.name,
                        policy.severity,
                        f"{policy.applies_to}/{name}",
                        result[0],
                        result[1],
                        location,
                    )
                )
    return results


def _one(loaded: LoadedPolicy, name: str, activation: dict[str, object]) -> tuple[bool, str] | None:
    policy = loaded.policy
    if policy.when is not None:
        try:
            if not evaluate(policy.when, activation):
                return None
        except EvaluationFailed:
            pass  # a filter that cannot be read does not excuse the resource: check it
    try:
        passed = evaluate(policy.require, activation)
    except EvaluationFailed as exc:
        return False, (
            f"require could not be evaluated ({exc}); a policy that cannot be checked fails"
        )
    return passed, ("" if passed else (policy.message or policy.description))
