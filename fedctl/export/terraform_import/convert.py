"""Checks the provider's resources read from Terraform JSON and builds a LiveState of them.

The LiveState is then written by `fedctl export`'s own code, so an imported organization
reads exactly like an exported one (Console-managed rules commented, defaults left out).
Every value is checked for its type; each problem is one line naming the resource
address, and all of them are reported together. The attribute names are those
`fedctl.export.terraform` writes (docs/terraform.md); a null attribute is the server
default. `anthropic_workspace` resources only lend their names to workspace references.

Usage:
    converted = convert_resources(document.resources, organization_id="...")
    converted.live, converted.notes, converted.protected
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, get_args, get_origin

from fedctl.config.jwks import PRIVATE_MEMBERS
from fedctl.core.fields import ISSUER_FIELDS, RULE_FIELDS, SERVICE_ACCOUNT_FIELDS
from fedctl.core.state import (
    IssuerSpec,
    Kind,
    LiveIssuer,
    LiveMeta,
    LiveRule,
    LiveServiceAccount,
    LiveState,
    Organization,
    RuleMatchSpec,
    RuleSpec,
    ServiceAccountSpec,
    Workspace,
    WorkspaceRole,
)
from fedctl.export.terraform import ISSUER, MEMBERSHIP, RULE, RULE_WORKSPACE, SERVICE_ACCOUNT
from fedctl.export.terraform_import.errors import TerraformImportError
from fedctl.export.terraform_import.read import TerraformResource
from fedctl.export.terraform_import.values import Values, read_fields

WORKSPACE = "anthropic_workspace"
KNOWN_TYPES = (SERVICE_ACCOUNT, MEMBERSHIP, ISSUER, RULE, RULE_WORKSPACE, WORKSPACE)
WORKSPACE_ROLES = frozenset(get_args(WorkspaceRole))
JWKS_KEYS = {
    "discovery": ("discovery_base", "ca_cert_pem"),
    "explicit_url": ("url", "ca_cert_pem"),
    "inline": ("keys_json",),
}


@dataclass
class _Collected:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    accounts: dict[str, tuple[str, ServiceAccountSpec]] = field(default_factory=dict)  # by ID
    memberships: dict[str, dict[str, WorkspaceRole]] = field(default_factory=dict)  # by SA ID
    issuers: dict[str, tuple[str, IssuerSpec]] = field(default_factory=dict)  # by ID
    rules: list[tuple[Values, str]] = field(default_factory=list)
    # rule ID -> (address of the anthropic_federation_rule_workspace, workspace ID)
    rule_workspaces: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # `kind/name` of every resource with deletion_protection = true: settings.protect.
    protected: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ConvertedState:
    live: LiveState
    # Resources skipped or ignored, one line each.
    notes: list[str]
    # `kind/name` of the resources Terraform protects (deletion_protection = true).
    protected: tuple[str, ...]


def convert_resources(
    resources: tuple[TerraformResource, ...], *, organization_id: str
) -> ConvertedState:
    """The resources as a LiveState with notes and protections; raises on any problem."""
    collected = _Collected()
    live, notes = _build(resources, organization_id, collected)
    return ConvertedState(live=live, notes=notes, protected=tuple(sorted(collected.protected)))


def _build(
    resources: tuple[TerraformResource, ...], organization_id: str, collected: _Collected
) -> tuple[LiveState, list[str]]:
    for resource in resources:
        _collect(resource, collected)
    rules = _rules(collected)
    if collected.problems:
        raise TerraformImportError(*collected.problems)
    live = LiveState(
        organization=Organization(id=organization_id, name=""),
        workspaces=tuple(collected.workspaces.values()),
        service_accounts=_accounts(collected),
        issuers={
            spec.name: LiveIssuer(spec=spec, meta=LiveMeta(id=issuer_id))
            for issuer_id, (_, spec) in collected.issuers.items()
        },
        rules={rule.spec.name: rule for rule in rules},
    )
    return live, collected.notes


def _collect(resource: TerraformResource, collected: _Collected) -> None:
    values = Values(resource.address, resource.values, collected.problems)
    if resource.type not in KNOWN_TYPES:
        collected.notes.append(
            f"skipped {resource.address}: fedctl does not manage {resource.type}"
        )
        return
    resource_id = values.text("id")
    if resource_id is None:
        return  # a resource not created yet (unknown in a plan); reported by Values
    if resource.type == WORKSPACE:
        name = values.text("name")
        if name is not None:
            collected.workspaces[resource_id] = Workspace(id=resource_id, name=name)
    elif resource.type == SERVICE_ACCOUNT:
        _account(values, resource_id, collected)
    elif resource.type == MEMBERSHIP:
        _membership(values, collected)
    elif resource.type == ISSUER:
        _issuer(values, resource_id, collected)
    elif resource.type == RULE:
        collected.rules.append((values, resource_id))
        if resource.values.get("attributes"):
            # The configuration cannot declare them (the API refuses non-empty ones), so a
            # rule holding some is held by the planner as unmanageable; say so here.
            collected.notes.append(
                f"{resource.address}: attributes not carried over: the configuration "
                "cannot declare them"
            )
    else:
        rule_id, workspace_id = values.text("federation_rule_id"), values.text("workspace_id")
        if rule_id is not None and workspace_id is not None:
            enabled = collected.rule_workspaces.setdefault(rule_id, [])
            enabled.append((resource.address, workspace_id))


def _unique(values: Values, name: str, taken: list[str]) -> bool:
    if name in taken:
        values.problem(f"name {name!r} is used by another resource of this type")
        return False
    return True


def _account(values: Values, account_id: str, collected: _Collected) -> None:
    read = read_fields(values, SERVICE_ACCOUNT_FIELDS, {"memberships": dict})
    taken = [spec.name for _, spec in collected.accounts.values()]
    if read is None or not _unique(values, read["name"], taken):
        return
    spec = ServiceAccountSpec(**read)
    collected.accounts[account_id] = (values.address, spec)
    _protection(values, Kind.SERVICE_ACCOUNT, spec.name, collected)


def _protection(values: Values, kind: Kind, name: str, collected: _Collected) -> None:
    """`deletion_protection = true` reads back as a `kind/name` entry of settings.protect."""
    if values.boolean("deletion_protection", default=False):
        collected.protected.append(f"{kind.value}/{_literal_pattern(name)}")


def _literal_pattern(name: str) -> str:
    # settings.protect entries are globs; a name is matched as itself.
    return "".join(f"[{char}]" if char in "*?[" else char for char in name)


def _membership(values: Values, collected: _Collected) -> None:
    workspace_id = values.text("workspace_id")
    account_id = values.text("service_account_id")
    role = values.choice("workspace_role", tuple(sorted(WORKSPACE_ROLES)))
    if workspace_id is None or account_id is None or role is None:
        return
    collected.memberships.setdefault(account_id, {})[workspace_id] = role  # type: ignore[assignment]


def _accounts(collected: _Collected) -> dict[str, LiveServiceAccount]:
    accounts: dict[str, LiveServiceAccount] = {}
    for account_id, (_, spec) in collected.accounts.items():
        memberships = collected.memberships.get(account_id, {})
        full = spec.model_copy(update={"memberships": dict(sorted(memberships.items()))})
        accounts[spec.name] = LiveServiceAccount(spec=full, meta=LiveMeta(id=account_id))
    return accounts


def _issuer(values: Values, issuer_id: str, collected: _Collected) -> None:
    read = read_fields(values, ISSUER_FIELDS, {"jwks": lambda: _jwks(values)})
    taken = [spec.name for _, spec in collected.issuers.values()]
    if read is None or not _unique(values, read["name"], taken):
        return
    spec = IssuerSpec(**read)
    collected.issuers[issuer_id] = (values.address, spec)
    _protection(values, Kind.ISSUER, spec.name, collected)


def _jwks(values: Values) -> dict[str, Any] | None:
    jwks = values.nested("jwks")
    if jwks is None:
        return None if values.failed("jwks") else _discovery()
    kind = jwks.choice("type", tuple(JWKS_KEYS))
    if kind is None:
        return None
    if kind == "inline":
        keys = _inline_keys(jwks)
        return None if keys is None else {"type": "inline", "keys": keys}
    result: dict[str, Any] = {"type": kind}
    for key in JWKS_KEYS[kind]:
        result[key] = jwks.text(key, required=(key == "url"))
    return None if jwks.failed(*JWKS_KEYS[kind]) else result


def _discovery() -> dict[str, Any]:
    return {"type": "discovery", "discovery_base": None, "ca_cert_pem": None}


def _inline_keys(jwks: Values) -> list[dict[str, Any]] | None:
    text = jwks.text("keys_json")
    if text is None:
        return None
    try:
        keys = json.loads(text)
    except (ValueError, RecursionError):
        jwks.problem("keys_json is not JSON")
        return None
    if not isinstance(keys, list) or not all(isinstance(key, dict) for key in keys):
        jwks.problem("keys_json must be a JSON list of key objects")
        return None
    for index, key in enumerate(keys):
        private = sorted(member for member in PRIVATE_MEMBERS if member in key)
        if private:
            # NOTE: never copy private key material into configuration files.
            jwks.problem(f"keys_json[{index}] holds private key members ({', '.join(private)})")
            return None
    return keys


def _rules(collected: _Collected) -> list[LiveRule]:
    rules: list[LiveRule] = []
    for values, rule_id in collected.rules:
        rule = _rule(values, rule_id, collected)
        if rule is not None and _unique(values, rule.spec.name, [r.spec.name for r in rules]):
            rules.append(rule)
    rule_ids = {rule_id for _, rule_id in collected.rules}
    for rule_id, enabled in sorted(collected.rule_workspaces.items()):
        for address, _ in enabled if rule_id not in rule_ids else ():
            collected.problems.append(
                f"{address}: federation_rule_id {rule_id!r} is no {RULE} of this file"
            )
    return rules


def _rule(values: Values, rule_id: str, collected: _Collected) -> LiveRule | None:
    issuer_id = values.text("issuer_id")
    account_id = _target_account(values)
    issuer = collected.issuers.get(issuer_id or "")
    account = collected.accounts.get(account_id or "")
    if issuer_id is not None and issuer is None:
        values.problem(f"issuer_id {issuer_id!r} is no {ISSUER} of this file")
    if account_id is not None and account is None:
        values.problem(f"service_account_id {account_id!r} is no {SERVICE_ACCOUNT} of this file")
    spec = _rule_spec(values, rule_id, collected, issuer, account)
    if spec is None or issuer_id is None or account_id is None:
        return None
    _protection(values, Kind.RULE, spec.name, collected)
    return LiveRule(
        spec=spec, meta=LiveMeta(id=rule_id), issuer_id=issuer_id, service_account_id=account_id
    )


def _target_account(values: Values) -> str | None:
    """The rule's service account: flat `service_account_id` (fedctl's export) or the
    API's nested `target = { service_account_id }`; both given must agree."""
    flat = values.text("service_account_id", required=False)
    target = values.nested("target")
    nested = target.text("service_account_id", required=False) if target is not None else None
    if values.failed("service_account_id", "target") or (
        target and target.failed("service_account_id")
    ):
        return None
    if flat is not None and nested is not None and flat != nested:
        values.problem(
            f"service_account_id {flat!r} and target.service_account_id {nested!r} disagree"
        )
        return None
    if flat is None and nested is None:
        values.problem("service_account_id (or target.service_account_id) is required")
        return None
    return flat if flat is not None else nested


def _rule_spec(
    values: Values,
    rule_id: str,
    collected: _Collected,
    issuer: tuple[str, IssuerSpec] | None,
    account: tuple[str, ServiceAccountSpec] | None,
) -> RuleSpec | None:
    given = {
        "issuer_name": lambda: issuer[1].name if issuer else None,
        "service_account_name": lambda: account[1].name if account else None,
        "match": lambda: _match(values),
        "workspace_ids": lambda: _enablements(values, rule_id, collected),
    }
    read = read_fields(values, RULE_FIELDS, given)
    return None if read is None else RuleSpec(**read)


def _match(values: Values) -> RuleMatchSpec | None:
    match = values.nested("match")
    if match is None:
        if not values.failed("match"):
            values.problem("match is required")
        return None
    read = {
        key: match.string_map(key) if _is_map(info.annotation) else match.text(key, required=False)
        for key, info in RuleMatchSpec.model_fields.items()
    }
    if match.failed(*read):
        return None
    # Normalised as fedctl.desired does: unset, "" and {} all mean "not constrained".
    return RuleMatchSpec.normalised(read.__getitem__)


def _is_map(annotation: Any) -> bool:
    """`dict[str, str] | None`: a matcher of claim pairs rather than of one string."""
    return any(get_origin(member) is dict for member in get_args(annotation))


def _enablements(values: Values, rule_id: str, collected: _Collected) -> frozenset[str] | None:
    first = values.text("workspace_id", required=False)
    listed = values.strings("workspace_ids")
    if values.failed("workspace_id", "workspace_ids"):
        return None
    extra = {workspace_id for _, workspace_id in collected.rule_workspaces.get(rule_id, [])}
    found = set(listed or ()) | extra
    if first:
        found.add(first)
    return frozenset(found)
