"""Reads the JSON of `terraform show -json` (a state or a saved plan) into the provider's
resources, treating the file as hostile input.

The file is size-bounded and parsed without recursion limits being a traceback;
modules are walked without recursion. Only managed resources of the
`anthropics/anthropic` provider are returned; every other resource is counted in a note,
never an error. `fedctl.export.terraform_import.convert` checks the values.

Which part of the document holds the resources:
- a state (`terraform show -json` without a plan file): `values.root_module`;
- a plan (`terraform show -json PLANFILE`): `planned_values.root_module` (what the
  organization holds once the plan is applied), else `prior_state.values.root_module`.

Usage:
    document = read_terraform_json(Path("state.json"))
    document.resources  # [TerraformResource(address="anthropic_service_account.ci", ...)]
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fedctl.export.terraform_import.errors import TerraformImportError

# A state of thousands of resources is a few megabytes; anything far larger is not one.
MAX_BYTES = 32 * 1024 * 1024
MAX_MODULE_DEPTH = 64
PROVIDER_SOURCE = "anthropics/anthropic"


@dataclass(frozen=True)
class TerraformResource:
    address: str
    type: str
    values: dict[str, Any]


@dataclass(frozen=True)
class TerraformDocument:
    kind: str  # "state" or "plan"
    resources: tuple[TerraformResource, ...]
    # The provider block's organization_id, when a plan carries it as a constant.
    organization_id: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def read_terraform_json(path: Path) -> TerraformDocument:
    """The provider's managed resources in the file, with notes on what was ignored."""
    document = _load(path)
    kind, root = _root_module(document, path)
    resources, others = _walk(root, path)
    notes = [
        f"ignored {count} resource(s) of provider {provider}"
        for provider, count in sorted(others.items())
    ]
    return TerraformDocument(
        kind=kind,
        resources=tuple(resources),
        organization_id=_organization_id(document),
        notes=tuple(notes),
    )


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise TerraformImportError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if len(raw) > MAX_BYTES:
        raise TerraformImportError(
            f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MiB; "
            "give the output of `terraform show -json`"
        )
    try:
        document = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise TerraformImportError(
            f"{path}: not JSON ({type(exc).__name__}); give the output of `terraform show -json`"
        ) from exc
    if not isinstance(document, dict):
        raise TerraformImportError(f"{path}: not a `terraform show -json` document")
    return document


def _root_module(document: dict[str, Any], path: Path) -> tuple[str, Any]:
    if "planned_values" in document or "prior_state" in document:
        planned = document.get("planned_values")
        if isinstance(planned, dict) and "root_module" in planned:
            return "plan", planned["root_module"]
        prior = document.get("prior_state")
        values = prior.get("values") if isinstance(prior, dict) else None
        if isinstance(values, dict) and "root_module" in values:
            return "plan", values["root_module"]
        return "plan", {}
    if "values" in document:
        values = document["values"]
        if not isinstance(values, dict):
            raise TerraformImportError(f"{path}: values must be an object")
        return "state", values.get("root_module", {})
    if "format_version" in document:
        return "state", {}  # an empty state: `terraform show -json` writes no values
    raise TerraformImportError(
        f"{path}: no values, planned_values or prior_state; "
        "give the output of `terraform show -json`"
    )


def _walk(root: Any, path: Path) -> tuple[list[TerraformResource], Counter[str]]:
    resources: list[TerraformResource] = []
    others: Counter[str] = Counter()
    stack: list[tuple[Any, int, str]] = [(root, 0, "root_module")]
    while stack:
        module, depth, where = stack.pop()
        if not isinstance(module, dict):
            raise TerraformImportError(f"{path}: {where} must be an object")
        if depth > MAX_MODULE_DEPTH:
            raise TerraformImportError(f"{path}: modules nested deeper than {MAX_MODULE_DEPTH}")
        for index, item in enumerate(_list(module, "resources", where, path)):
            found = _resource(item, f"{where}.resources[{index}]", path, others)
            if found is not None:
                resources.append(found)
        children = _list(module, "child_modules", where, path)
        for index, child in reversed(list(enumerate(children))):
            stack.append((child, depth + 1, f"{where}.child_modules[{index}]"))
    return resources, others


def _list(module: dict[str, Any], key: str, where: str, path: Path) -> list[Any]:
    items = module.get(key, [])
    if items is None:
        return []
    if not isinstance(items, list):
        raise TerraformImportError(f"{path}: {where}.{key} must be a list")
    return items


def _resource(item: Any, where: str, path: Path, others: Counter[str]) -> TerraformResource | None:
    if not isinstance(item, dict):
        raise TerraformImportError(f"{path}: {where} must be an object")
    address, type_ = item.get("address"), item.get("type")
    if not isinstance(address, str) or not isinstance(type_, str):
        raise TerraformImportError(f"{path}: {where} needs a string address and type")
    if item.get("mode", "managed") != "managed":
        return None  # data sources read; they describe nothing to manage
    provider = item.get("provider_name")
    if not isinstance(provider, str):
        raise TerraformImportError(f"{address}: provider_name must be a string")
    if not is_official_provider(provider):
        others[provider] += 1
        return None
    values = item.get("values", {})
    if not isinstance(values, dict):
        raise TerraformImportError(f"{address}: values must be an object")
    return TerraformResource(address=address, type=type_, values=values)


def is_official_provider(provider: str) -> bool:
    """`anthropics/anthropic` as a whole address or its last two segments
    (`registry.terraform.io/anthropics/anthropic`); `notanthropics/anthropic` is not it."""
    return provider == PROVIDER_SOURCE or provider.endswith("/" + PROVIDER_SOURCE)


def _organization_id(document: dict[str, Any]) -> str | None:
    """The provider blocks' organization_id, when the plan holds it as a constant.

    Every block of the official provider counts, aliased ones (`anthropic.eu`) included;
    blocks naming different organizations give no answer (`--organization-id` decides).
    """
    configuration = document.get("configuration")
    providers = configuration.get("provider_config") if isinstance(configuration, dict) else None
    if not isinstance(providers, dict):
        return None
    found = {
        constant
        for key, provider in providers.items()
        if isinstance(provider, dict) and _is_anthropic_block(str(key), provider)
        for constant in [_constant(provider, "organization_id")]
        if constant
    }
    return found.pop() if len(found) == 1 else None


def _is_anthropic_block(key: str, provider: dict[str, Any]) -> bool:
    full_name = provider.get("full_name")
    if isinstance(full_name, str):
        return is_official_provider(full_name)
    # Older plans carry no full_name: the local name `anthropic` (or `anthropic.ALIAS`).
    return provider.get("name") == "anthropic" or key.split(".", 1)[0] == "anthropic"


def _constant(provider: dict[str, Any], name: str) -> str | None:
    expressions = provider.get("expressions")
    expression = expressions.get(name) if isinstance(expressions, dict) else None
    constant = expression.get("constant_value") if isinstance(expression, dict) else None
    return constant if isinstance(constant, str) and constant else None
