"""Policy files -> validated policies, every problem located at file:line:col.

An invalid policy (bad CEL, an unknown field, a wrong kind) is an error, never a policy
that silently passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fedctl.config.located_yaml import DataPath, LocationMap, format_path
from fedctl.config.modelfile import load_model_file
from fedctl.config.validated import Config
from fedctl.errors import Diagnostic, Location, ValidationFailed
from fedctl.policy.bindings import field_names
from fedctl.policy.model import Policy, PolicyFile

# Variables a policy of each kind may read.
VARIABLES = {
    "rule": {"rule", "issuer", "service_account"},
    "issuer": {"issuer"},
    "service_account": {"service_account"},
}


@dataclass(frozen=True)
class LoadedPolicy:
    policy: Policy
    file: str
    location: Location | None


def policy_paths(config: Config, extra: tuple[str, ...] = ()) -> list[str]:
    """settings.policy_files (relative to the configuration's folder), then --policy files."""
    root = config.root if config.root.is_dir() else config.root.parent
    configured = [str(root / name) for name in config.settings.policy_files]
    return [*configured, *extra]


def load_policies(paths: list[str]) -> list[LoadedPolicy]:
    """Every policy of every file; ValidationFailed listing every problem of them all."""
    loaded: list[LoadedPolicy] = []
    problems: list[Diagnostic] = []
    for path in paths:
        file_policies, file_problems = _load_file(Path(path))
        loaded += file_policies
        problems += file_problems
    names = [item.policy.name for item in loaded]
    for item in loaded:
        if names.count(item.policy.name) > 1:
            problems.append(
                Diagnostic(item.location, "name", f"policy {item.policy.name!r} is defined twice")
            )
    if problems:
        raise ValidationFailed(problems)
    return loaded


def _load_file(path: Path) -> tuple[list[LoadedPolicy], list[Diagnostic]]:
    document, locations, problems = load_model_file(path, PolicyFile, what="policy file")
    if document is None or locations is None:
        return [], problems
    loaded, problems = [], []
    for index, policy in enumerate(document.policies):
        located = LoadedPolicy(policy, str(path), locations.value_at(("policies", index)))
        loaded.append(located)
        problems += _check_cel(policy, locations, ("policies", index))
    return loaded, problems


def _check_cel(policy: Policy, locations: LocationMap, at: DataPath) -> list[Diagnostic]:
    from fedctl.policy.cel import CelProblem, compile_policy_expression

    problems = []
    for key in ("require", "when"):
        text = getattr(policy, key)
        if text is None:
            continue
        where = locations.value_at((*at, key))
        try:
            variables = compile_policy_expression(text)
        except CelProblem as exc:
            problems.append(Diagnostic(where, format_path((*at, key)), str(exc)))
            continue
        problems += _check_names(policy, text, variables, where, format_path((*at, key)))
    return problems


def _check_names(
    policy: Policy, text: str, variables: set[str], where: Location | None, path: str
) -> list[Diagnostic]:
    allowed = VARIABLES[policy.applies_to]
    unknown = sorted(variables - allowed)
    if unknown:
        message = (
            f"reads {unknown[0]}, which a policy on {policy.applies_to} does not see; "
            f"it sees {', '.join(sorted(allowed))}"
        )
        return [Diagnostic(where, path, message)]
    for variable, field in re.findall(r"\b(rule|issuer|service_account)\.([a-z_]+)", text):
        kind = variable
        if field not in field_names(kind):
            known = ", ".join(sorted(field_names(kind)))
            return [Diagnostic(where, path, f"{variable}.{field} is no field; known: {known}")]
    return []
