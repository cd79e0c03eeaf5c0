"""The field contract: every field of every kind, round-tripped through every step.

configuration -> plan -> apply (the emulator, over HTTP, through fedctl's own apply) ->
live -> YAML export -> Terraform export and import. Each row of `fedctl.core.fields` gets a
value other than its default, derived from the spec's type (or given below where a type
says too little: references, nested objects, workspaces). A row without a projection in a
step fails with the field and the step named; a row declared absent from a step by design
(`FieldInfo.absent`) is held to that declaration instead.

API keys have no field table: they are not declared by name (a policy governs them) and
fedctl's one write to them is a deactivation, so they have no field to round-trip; the
last test keeps it that way until a table exists.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml

from fedctl.api import bodies
from fedctl.api.connect import open_client
from fedctl.apply.run import execute_plan
from fedctl.config.load import load_config
from fedctl.config.models import SECTIONS
from fedctl.core.fields import (
    FIELDS_BY_KIND,
    ISSUER_FIELDS,
    RULE_FIELDS,
    SERVICE_ACCOUNT_FIELDS,
    FieldInfo,
    KindFields,
    Step,
)
from fedctl.core.state import DECLARED_KINDS, DesiredState, Kind, LiveState, RuleMatchSpec
from fedctl.desired import build_desired
from fedctl.emulator.server import RunningEmulator
from fedctl.export.document import build_export
from fedctl.export.render import render_files
from fedctl.export.terraform import build_terraform
from fedctl.export.terraform_import.configuration import import_terraform
from fedctl.live.read import read_live
from fedctl.plan.plan import Plan, compute_plan
from tests.support.terraform_state import terraform_state

TABLES = (SERVICE_ACCOUNT_FIELDS, ISSUER_FIELDS, RULE_FIELDS)
SECTION = {Kind.SERVICE_ACCOUNT: "service_accounts", Kind.ISSUER: "issuers", Kind.RULE: "rules"}
NAMES = {Kind.SERVICE_ACCOUNT: "contract-sa", Kind.ISSUER: "contract-idp", Kind.RULE: "contract"}

# Every resource at its defaults. The variant changes every field of each at once: a plan
# and an apply per field would cost a minute of emulator time, and each field is still
# checked, and named, on its own.
BASE: dict[str, Any] = {
    "settings": {"prune": False},
    "service_accounts": [{"name": "contract-sa"}, {"name": "contract-other"}],
    "issuers": [{"name": "contract-idp", "issuer_url": "https://auth.acme-corp.dev"}],
    "rules": [
        {
            "name": "contract",
            "issuer": "contract-idp",
            "service_account": "contract-sa",
            "match": {"subject_prefix": "system:serviceaccount:ci:deploy"},
            "oauth_scope": "workspace:inference",
            "workspaces": ["production"],
        }
    ],
}
# Values in the configuration's form where the spec's type does not give one.
GIVEN: dict[tuple[Kind, str], Any] = {
    (Kind.SERVICE_ACCOUNT, "memberships"): [{"workspace": "staging", "role": "workspace_user"}],
    (Kind.ISSUER, "issuer_url"): "https://login.acme-corp.dev/tenant",
    (Kind.ISSUER, "jwks"): {"type": "explicit_url", "url": "https://keys.acme-corp.dev/jwks"},
    (Kind.RULE, "service_account_name"): "contract-other",
    (Kind.RULE, "match"): {
        "subject_prefix": "system:serviceaccount:ci:release",
        "audience": "api://contract",
        "claims": {"env": "prod"},
        "condition": 'claims.env == "prod"',
    },
    (Kind.RULE, "oauth_scope"): "workspace:developer",
    (Kind.RULE, "workspace_ids"): ["production", "staging"],
}
# Fields whose other value only the server sets (the configuration can declare only the
# default): the emulator sets it, then plan must show it and apply must undo it.
SERVER_SET: dict[tuple[Kind, str], Any] = {
    (Kind.ISSUER, "jwks_polling_disabled"): lambda emulator, issuer_id: (
        emulator.store.issuers.pause_polling(issuer_id)
    ),
}
# A resource's identity: renaming it (or moving a rule to another issuer) is another
# resource, so these keep their value and are checked for it at every step.
IDENTITY = {(kind, "name") for kind in DECLARED_KINDS} | {(Kind.RULE, "issuer_name")}


def _variant_value(table: KindFields, field: FieldInfo) -> Any:
    """A configuration value other than the default, from the row's type and bounds."""
    key = (table.kind, field.name)
    if key in GIVEN:
        return GIVEN[key]
    annotation = table.spec.model_fields[field.name].annotation
    default = table.default(field)
    if annotation is bool:
        return not default
    if annotation is int and field.bounds is not None:
        low, high = field.bounds
        return next(value for value in (default // 2, low, high) if low <= value <= high)
    if typing.get_origin(annotation) is typing.Literal:
        return next(choice for choice in typing.get_args(annotation) if choice != default)
    if annotation is str and default == "":
        return f"contract {field.name}"
    pytest.fail(f"{table.kind.value}.{field.name}: step config: no value to declare; add one")


def _varied(table: KindFields) -> list[FieldInfo]:
    return [
        field
        for field in table
        if (table.kind, field.name) not in IDENTITY | set(SERVER_SET)
        and not field.absent_from(Step.CONFIG)
        and _declarable(table, field)
    ]


def _declarable(table: KindFields, field: FieldInfo) -> bool:
    return field.key_in_config in SECTIONS[SECTION[table.kind]].model_fields


def _undeclarable() -> list[str]:
    return [
        f"{table.kind.value}.{field.name}: step config: no key {field.key_in_config!r} in "
        "the configuration model, and no declared absence"
        for table in TABLES
        for field in table
        if not field.absent_from(Step.CONFIG) and not _declarable(table, field)
    ]


def _variant() -> dict[str, Any]:
    config = json.loads(json.dumps(BASE))
    for table in TABLES:
        resource = config[SECTION[table.kind]][0]
        for field in _varied(table):
            resource[field.key_in_config] = _variant_value(table, field)
    return config


def _write(folder: Path, config: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fedctl.yaml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    return folder


def _spec(state: DesiredState | LiveState, kind: Kind) -> Any:
    name = NAMES[kind]
    if kind is Kind.SERVICE_ACCOUNT:
        found: Any = state.service_accounts.get(name)
    elif kind is Kind.ISSUER:
        found = state.issuers.get(name)
    else:
        found = state.rules.get(name)
    return getattr(found, "spec", found)


def _desired(folder: Path, live: LiveState) -> DesiredState:
    return build_desired(load_config(folder), live.workspaces)


def _apply(emulator: RunningEmulator, folder: Path) -> tuple[Plan, LiveState]:
    """Plan the folder against the emulator and apply it with fedctl's own step runner."""
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
        live = read_live(client)
        plan = compute_plan(_desired(folder, live), live)
        result = execute_plan(client, plan, live, declared_organization_id=None, parallelism=4)
        assert result.ok, [outcome.error for outcome in result.outcomes if outcome.error]
        return plan, read_live(client)


def _mismatches(
    step: Step, expected: DesiredState | LiveState, found: DesiredState | LiveState | None
) -> list[str]:
    """`kind.field: step ...` for every field whose value did not survive the step."""
    problems: list[str] = []
    # After apply, a value that did not come back was either not sent or not read back.
    label = "apply (sent) and live (read back)" if step is Step.LIVE else str(step)
    for table in TABLES:
        want = _spec(expected, table.kind)
        got = _spec(found, table.kind) if found is not None else None
        for field in table:
            if field.absent_from(step) is not None:
                continue
            if got is None:
                problems.append(f"{table.kind.value}.{field.name}: step {label}: resource lost")
            elif getattr(got, field.name) != getattr(want, field.name):
                problems.append(
                    f"{table.kind.value}.{field.name}: step {label}: "
                    f"{getattr(want, field.name)!r} came out as {getattr(got, field.name)!r}"
                )
    return problems


def _planned(plan: Plan, base: DesiredState, variant: DesiredState) -> list[str]:
    """Every varied field is a changed field of its resource's change."""
    problems: list[str] = []
    for table in TABLES:
        changed = {
            path.split(".")[0].split("[")[0]
            for change in plan.changes
            if change.kind is table.kind and change.name == NAMES[table.kind]
            for path in change.changed_fields
        }
        for field in _varied(table):
            same = getattr(_spec(base, table.kind), field.name) == getattr(
                _spec(variant, table.kind), field.name
            )
            if same:
                problems.append(f"{table.kind.value}.{field.name}: step config: value not read")
            elif field.name not in changed:
                problems.append(f"{table.kind.value}.{field.name}: step plan: not a change")
    return problems


def _server_set_undone(
    emulator: RunningEmulator, live: LiveState, variant: DesiredState
) -> list[str]:
    """Each server-set field: set by the emulator, read back, planned, undone by apply."""
    problems: list[str] = []
    for (kind, name), server_sets in SERVER_SET.items():
        table = FIELDS_BY_KIND[kind]
        where = f"{kind.value}.{name}"
        default = table.default(table.field(name))
        server_sets(emulator, _live_id(live, kind))
        with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
            paused = read_live(client)
            if getattr(_spec(paused, kind), name) == default:
                problems.append(f"{where}: step live: the server's value is not read back")
                continue
            plan = compute_plan(variant, paused)
            if not any(name in change.changed_fields for change in plan.changes):
                problems.append(f"{where}: step plan: the server's value is not a change")
            execute_plan(client, plan, paused, declared_organization_id=None, parallelism=4)
            if getattr(_spec(read_live(client), kind), name) != default:
                problems.append(f"{where}: step apply: not sent, or not undone")
    return problems


def _live_id(live: LiveState, kind: Kind) -> str:
    resources: dict[Kind, Any] = {
        Kind.SERVICE_ACCOUNT: live.service_accounts,
        Kind.ISSUER: live.issuers,
        Kind.RULE: live.rules,
    }
    resource_id: str = resources[kind][NAMES[kind]].meta.id
    return resource_id


def _exported(live: LiveState, folder: Path) -> DesiredState:
    for name, text in render_files(build_export(live)).items():
        (folder / name).write_text(text, encoding="utf-8")
    return _desired(folder, live)


def _terraform_imported(live: LiveState, folder: Path) -> DesiredState:
    state = folder / "terraform.json"
    state.write_text(json.dumps(terraform_state(build_terraform(live))), encoding="utf-8")
    imported = import_terraform(state, organization_id=live.organization.id)
    config = folder / "federation"
    config.mkdir()
    for name, text in imported.files().items():
        (config / name).write_text(text, encoding="utf-8")
    return _desired(config, live)


def test_every_field_survives_every_step(emulator: RunningEmulator, tmp_path: Path) -> None:
    base_plan, _ = _apply(emulator, _write(tmp_path / "base", BASE))
    assert base_plan.changes
    variant_folder = _write(tmp_path / "variant", _variant())
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
        before = read_live(client)
    base, variant = _desired(tmp_path / "base", before), _desired(variant_folder, before)
    plan, live = _apply(emulator, variant_folder)
    problems = _undeclarable() + _planned(plan, base, variant)
    problems += [
        f"rule.match.{key}: step config: no value in GIVEN; every matcher is round-tripped"
        for key in RuleMatchSpec.model_fields
        if key not in GIVEN[(Kind.RULE, "match")]
    ]
    problems += _mismatches(Step.LIVE, variant, live)
    problems += _server_set_undone(emulator, live, variant)
    problems += [
        f"{change.kind.value}.{path}: step apply: planned again after apply"
        for change in compute_plan(variant, live).changes
        for path in change.changed_fields or ("(the whole resource)",)
    ]
    (tmp_path / "export").mkdir()
    problems += _mismatches(Step.EXPORT, variant, _exported(live, tmp_path / "export"))
    (tmp_path / "terraform").mkdir()
    problems += _mismatches(
        Step.TERRAFORM, variant, _terraform_imported(live, tmp_path / "terraform")
    )
    assert not problems, "\n".join(problems)


# ---- the declarations: a field absent from a step by design is absent there ----------


def _absences() -> list[tuple[KindFields, FieldInfo, Step, str]]:
    return [
        (table, field, step, reason)
        for table in TABLES
        for field in table
        for step, reason in field.absent
    ]


@pytest.mark.parametrize(
    ("table", "field", "step", "reason"),
    _absences(),
    ids=[f"{t.kind.value}.{f.name}-{s}" for t, f, s, _ in _absences()],
)
def test_a_field_declared_absent_from_a_step_is_absent_there(
    table: KindFields, field: FieldInfo, step: Step, reason: str
) -> None:
    where = f"{table.kind.value}.{field.name}: step {step}"
    assert reason.strip(), f"{where}: declared absent without a reason"
    if step is Step.CONFIG:
        assert field.key_in_config not in SECTIONS[SECTION[table.kind]].model_fields, where
    elif step is Step.SENT:
        sent = {*bodies.CREATE_BODIES[table.kind].__annotations__}
        sent |= {*bodies.UPDATE_BODIES[table.kind].__annotations__}
        assert field.key_on_wire not in sent, where
    elif step is Step.TERRAFORM:
        spec = _spec_with(table, field)
        assert field.key_in_terraform not in table.terraform_body(spec, {}), where
    elif step is Step.EXPORT:
        assert field.key_in_config not in table.config_body(_spec_with(table, field), {}), where


def _spec_with(table: KindFields, field: FieldInfo) -> Any:
    """A spec of the kind with this field set away from its default (as far as it can)."""
    sample = {
        Kind.SERVICE_ACCOUNT: {"name": "x"},
        Kind.ISSUER: {
            "name": "x",
            "issuer_url": "https://x.example",
            "jwks": {"type": "discovery"},
        },
        Kind.RULE: {
            "name": "x",
            "issuer_name": "i",
            "service_account_name": "s",
            "match": {"subject_prefix": "p"},
            "oauth_scope": "workspace:inference",
        },
    }[table.kind]
    annotation = table.spec.model_fields[field.name].annotation
    value: Any = {"contract": "value"} if field.name == "attributes" else None
    if annotation is bool:
        value = not table.default(field)
    return table.spec.model_validate({**sample, **({} if value is None else {field.name: value})})


def test_every_kind_the_configuration_declares_has_a_field_table() -> None:
    assert set(FIELDS_BY_KIND) == set(DECLARED_KINDS)
    assert Kind.API_KEY not in FIELDS_BY_KIND  # no table: see the module docstring
