"""Policy files -> validated policies, every problem located at file:line:col.

An invalid policy (bad CEL, an unknown field, a wrong kind) is an error, never a policy
that silently passes. Every problem comes in one pass: the CEL of a policy is checked
even when another key of the file is wrong, and an unknown binding field gets a
did-you-mean (`rule.token_lifetime` -> `rule.token_lifetime_seconds`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from fedctl.config.located_yaml import DataPath, LocationMap, format_path
from fedctl.config.modelfile import load_model_file, parse_model_file_data
from fedctl.config.validated import Config
from fedctl.core.errors import Diagnostic, Location, ValidationFailed
from fedctl.guards.policy.bindings import field_names
from fedctl.guards.policy.model import Policy, PolicyFile


class PolicyFilesInvalid(ValidationFailed):
    """Problems in policy files: the same located lines, and a count that says so."""

    def render(self) -> str:
        lines = [diagnostic.render() for diagnostic in self.diagnostics]
        count = len(self.diagnostics)
        lines.append(f"{count} problem{'s' if count != 1 else ''} in the policy files.")
        return "\n".join(lines)


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
        raise PolicyFilesInvalid(problems)
    return loaded


def _load_file(path: Path) -> tuple[list[LoadedPolicy], list[Diagnostic]]:
    document, locations, problems = load_model_file(path, PolicyFile, what="policy file")
    if locations is None:
        return [], problems
    if document is None:
        # The schema refused part of the file: check the CEL of every policy anyway.
        return [], problems + _cel_of_raw(path, locations, problems)
    loaded, problems = [], []
    for index, policy in enumerate(document.policies):
        located = LoadedPolicy(policy, str(path), locations.value_at(("policies", index)))
        loaded.append(located)
        problems += _check_cel(policy.applies_to, policy, locations, ("policies", index))
    return loaded, problems


def _cel_of_raw(path: Path, locations: LocationMap, known: list[Diagnostic]) -> list[Diagnostic]:
    """CEL problems of the policies the schema refused, where the schema said nothing."""
    data = parse_model_file_data(path)
    policies = data.get("policies") if isinstance(data, dict) else None
    if not isinstance(policies, list):
        return []
    reported = {diagnostic.path for diagnostic in known}
    problems = []
    for index, raw in enumerate(policies):
        if not isinstance(raw, dict):
            continue
        applies_to = raw.get("applies_to")
        kind = applies_to if applies_to in VARIABLES else None
        texts = {key: raw.get(key) for key in ("require", "when")}
        fields = {k: v for k, v in texts.items() if isinstance(v, str) and v}
        at: DataPath = ("policies", index)
        checked = _check_cel(kind, fields, locations, at)
        problems += [problem for problem in checked if problem.path not in reported]
    return problems


def _check_cel(
    applies_to: str | None, policy: object, locations: LocationMap, at: DataPath
) -> list[Diagnostic]:
    """`policy` is a Policy or a mapping of require/when texts (from a refused file)."""
    from fedctl.guards.policy.cel import CelProblem, compile_policy_expression

    problems = []
    for key in ("require", "when"):
        text = policy.get(key) if isinstance(policy, dict) else getattr(policy, key)
        if not isinstance(text, str):
            continue
        where = locations.value_at((*at, key))
        try:
            variables = compile_policy_expression(text)
        except CelProblem as exc:
            problems.append(Diagnostic(where, format_path((*at, key)), str(exc)))
            continue
        if applies_to is not None:
            path = format_path((*at, key))
            problems += _check_names(applies_to, text, variables, where, path)
    return problems


def _check_names(
    applies_to: str, text: str, variables: set[str], where: Location | None, path: str
) -> list[Diagnostic]:
    allowed = VARIABLES[applies_to]
    unknown = sorted(variables - allowed)
    if unknown:
        message = (
            f"reads {unknown[0]}, which a policy on {applies_to} does not see; "
            f"it sees {', '.join(sorted(allowed))}"
        )
        return [Diagnostic(where, path, message)]
    problems = []
    for variable, field in dict.fromkeys(
        re.findall(r"\b(rule|issuer|service_account)\.([a-z_]+)", text)
    ):
        known = field_names(variable)
        if field in known:
            continue
        close = difflib.get_close_matches(field, sorted(known), n=1, cutoff=0.6)
        if close:
            hint = f"did you mean {variable}.{close[0]}?"
        else:
            hint = f"known: {', '.join(sorted(known))}"
        problems.append(Diagnostic(where, path, f"{variable}.{field} is no field; {hint}"))
    return problems
