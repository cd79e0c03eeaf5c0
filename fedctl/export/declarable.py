"""Keeps an export valid: a resource the configuration language cannot hold is commented.

The emulator (and the real API) can hold states that `fedctl validate` refuses: a rule
enabled in no workspace, a condition fedctl's stricter CEL check calls constant, a rule
in a workspace its service account has since left, an inline key without `kid`. Such a
resource is written as a comment with the validator's reason, and a rule whose issuer or
service account is not declared follows it, so the exported files always validate and
`fedctl plan` on them stays empty (undeclared resources are left alone unless prune).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ValidationError

from fedctl.core.state import Kind
from fedctl.export.entries import Disposition, Entry


def demote_undeclarable(
    entries: tuple[Entry, ...], unmanageable: dict[tuple[Kind, str], str] | None = None
) -> tuple[Entry, ...]:
    """Entries with every declared one that would not validate turned into a comment.

    `unmanageable` (kind, name) -> reason: live state fedctl cannot represent exactly.
    Declaring what fedctl read of it would misstate it, so it is a comment too.
    """
    reasons = unmanageable or {}
    checked = [
        _unmanageable(entry, reasons[(entry.kind, entry.name)])
        if entry.disposition is not Disposition.ARCHIVED and (entry.kind, entry.name) in reasons
        else _checked_alone(entry)
        for entry in entries
    ]
    declared = {(entry.kind, entry.name): entry for entry in checked if entry.declared}
    return tuple(_checked_references(entry, declared) for entry in checked)


def _checked_alone(entry: Entry) -> Entry:
    if not entry.declared:
        return entry
    problem = _model_problem(entry.kind, entry.body)
    return _not_declarable(entry, problem) if problem else entry


def _checked_references(entry: Entry, declared: dict[tuple[Kind, str], Entry]) -> Entry:
    if not entry.declared or entry.kind is not Kind.RULE:
        return entry
    issuer_name = str(entry.body["issuer"])
    account_name = str(entry.body["service_account"])
    if (Kind.ISSUER, issuer_name) not in declared:
        return _not_declarable(entry, f"its issuer {issuer_name} is not declared")
    # A rule enabled outside its account's memberships is declarable (§5.8):
    # validate and plan warn about it instead.
    if (Kind.SERVICE_ACCOUNT, account_name) not in declared:
        return _not_declarable(entry, f"its service account {account_name} is not declared")
    return entry


def _model_problem(kind: Kind, body: dict[str, Any]) -> str | None:
    from fedctl.config.models import Issuer, Rule, ServiceAccount

    models: dict[Kind, type[BaseModel]] = {
        Kind.SERVICE_ACCOUNT: ServiceAccount,
        Kind.ISSUER: Issuer,
        Kind.RULE: Rule,
    }
    try:
        models[kind].model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        # Only the location and the message: `input` may hold key material.
        message = " ".join(str(first["msg"]).split())
        return f"{where}: {message}" if where else message
    return None


def _unmanageable(entry: Entry, reason: str) -> Entry:
    note = f"Unmanageable: {reason}. fedctl shows it and never changes it."
    return replace(entry, notes=(*entry.notes, note), disposition=Disposition.NOT_DECLARABLE)


def _not_declarable(entry: Entry, problem: str) -> Entry:
    note = f"Cannot be declared: {problem}. fedctl leaves it as it is."
    return replace(entry, notes=(*entry.notes, note), disposition=Disposition.NOT_DECLARABLE)
