"""Cross-file checks on validated models -> Diagnostics (the last step of validation).

Each model already passed its own rules (models.py); what is left needs several
resources at once: duplicate names across files (both places shown), references from
rules to issuers and service accounts, workspace membership of a rule's workspaces,
`org:admin` on an admin service account, Console-managed scopes, previous_names.

    problems = run_checks(declared, locations)
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from fedctl.config.located_yaml import DataPath, LocationMap, format_path
from fedctl.config.models import Issuer, Rule, ServiceAccount
from fedctl.config.validated import Origin
from fedctl.core.errors import Diagnostic, Location, Severity
from fedctl.core.state import DECLARED_KINDS, DEFAULT_WORKSPACE, Kind, scope_is_manageable

_Named = TypeVar("_Named", ServiceAccount, Issuer, Rule)

KIND_WORDS = {
    Kind.SERVICE_ACCOUNT: "service account",
    Kind.ISSUER: "issuer",
    Kind.RULE: "rule",
}


@dataclass
class Declared:
    """Every resource that passed model validation, with where it was written."""

    service_accounts: list[tuple[ServiceAccount, Origin]] = field(default_factory=list)
    issuers: list[tuple[Issuer, Origin]] = field(default_factory=list)
    rules: list[tuple[Rule, Origin]] = field(default_factory=list)
    # Every name written, valid resource or not, in file order: a resource with one bad
    # field is still declared, so rules that refer to it and duplicates of its name are
    # judged in the same run without a false follow-on error.
    names: dict[Kind, list[tuple[str, Origin]]] = field(
        default_factory=lambda: {kind: [] for kind in DECLARED_KINDS}
    )
    # References of rules that failed model validation but name a well-formed issuer or
    # service account: (field, name, origin). They are checked too, so a wrong reference
    # shows in the same run as the rule's other errors (one pass).
    unvalidated_references: list[tuple[str, str, Origin]] = field(default_factory=list)

    def of_kind(self, kind: Kind) -> list[tuple[ServiceAccount | Issuer | Rule, Origin]]:
        chosen: dict[Kind, list[tuple[ServiceAccount | Issuer | Rule, Origin]]] = {
            Kind.SERVICE_ACCOUNT: list(self.service_accounts),
            Kind.ISSUER: list(self.issuers),
            Kind.RULE: list(self.rules),
        }
        return chosen[kind]


class _Reporter:
    def __init__(self, locations: dict[str, LocationMap]) -> None:
        self.locations = locations
        self.diagnostics: list[Diagnostic] = []

    def where(self, origin: Origin, *sub: str | int) -> Location | None:
        locations = self.locations.get(origin.file)
        return locations.value_at((*origin.path, *sub)) if locations else None

    def add(
        self,
        origin: Origin,
        sub: DataPath,
        message: str,
        *,
        code: str,
        severity: Severity = Severity.ERROR,
    ) -> None:
        path = format_path((*origin.path, *sub))
        self.diagnostics.append(Diagnostic(self.where(origin, *sub), path, message, severity, code))


def run_checks(
    declared: Declared,
    locations: dict[str, LocationMap],
    *,
    maybe_declared: Callable[[str], bool] = lambda _name: False,
) -> list[Diagnostic]:
    """Every cross-resource problem and note; errors and warnings mixed, unsorted.

    `maybe_declared(name)`: whether a file that could not be parsed may declare `name`;
    a reference to such a name is not reported (the syntax error is the real one).
    """
    report = _Reporter(locations)
    for kind in DECLARED_KINDS:
        _check_duplicates(report, kind, declared.names[kind])
        _check_previous_names(report, kind, declared.of_kind(kind))
    service_accounts = _first_by_name(declared.service_accounts)
    for account, origin in declared.service_accounts:
        _check_memberships(report, account, origin)
    issuer_names = {name for name, _ in declared.names[Kind.ISSUER]}
    account_names = {name for name, _ in declared.names[Kind.SERVICE_ACCOUNT]}
    known = {"issuer": issuer_names, "service_account": account_names}
    references = [
        *((key, getattr(rule, key), origin) for rule, origin in declared.rules for key in known),
        *declared.unvalidated_references,
    ]
    for field_name, name, origin in references:
        if name not in known[field_name] and not maybe_declared(name):
            word = field_name.replace("_", " ")
            report.add(
                origin,
                (field_name,),
                _unknown_reference(word, name, known[field_name]),
                code="undeclared-reference",
            )
    _check_issuer_urls(report, declared.issuers)
    _check_lone_workspace_names(report, declared)
    for rule, origin in declared.rules:
        target = service_accounts.get(rule.service_account)
        if target is not None:
            _check_admin_scope(report, rule, origin, target)
            _check_rule_workspaces(report, rule, origin, target)
        _note_console_managed(report, rule, origin)
    return report.diagnostics


def _first_by_name(items: Iterable[tuple[_Named, Origin]]) -> dict[str, _Named]:
    first: dict[str, _Named] = {}
    for item, _ in items:
        first.setdefault(item.name, item)
    return first


def _check_duplicates(report: _Reporter, kind: Kind, names: list[tuple[str, Origin]]) -> None:
    seen: dict[str, Origin] = {}
    for name, origin in names:
        if name in seen:
            first = seen[name]
            report.add(
                origin,
                ("name",),
                f"{KIND_WORDS[kind]} {_q(name)} is declared twice; the first is at "
                f"{report.where(first, 'name')} ({format_path(first.path)}); "
                "names are unique per kind, so rename or remove one",
                code="duplicate-name",
            )
        else:
            seen[name] = origin


def _check_previous_names(
    report: _Reporter, kind: Kind, items: list[tuple[ServiceAccount | Issuer | Rule, Origin]]
) -> None:
    current = {item.name for item, _ in items}
    claimed: dict[str, Origin] = {}
    for item, origin in items:
        for index, old in enumerate(item.previous_names):
            sub = ("previous_names", index)
            if old == item.name:
                report.add(
                    origin,
                    sub,
                    f"{_q(old)} is this {KIND_WORDS[kind]}'s own name",
                    code="previous-name",
                )
            elif old in current:
                report.add(
                    origin,
                    sub,
                    f"{_q(old)} is the name of another declared {KIND_WORDS[kind]}; "
                    "a previous name must no longer be in use",
                    code="previous-name",
                )
            elif old in claimed:
                first = claimed[old]
                report.add(
                    origin,
                    sub,
                    f"{_q(old)} is already a previous name at {report.where(first)} "
                    f"({format_path(first.path)}); one resource can take over a name",
                    code="previous-name",
                )
            else:
                claimed[old] = origin


def _check_memberships(report: _Reporter, account: ServiceAccount, origin: Origin) -> None:
    seen: set[str] = set()
    for index, membership in enumerate(account.workspaces):
        if membership.workspace in seen:
            report.add(
                origin,
                ("workspaces", index, "workspace"),
                f"{_q(membership.workspace)} is listed twice; give each workspace one role",
                code="duplicate-membership",
            )
        seen.add(membership.workspace)


def _unknown_reference(word: str, name: str, known: Iterable[str]) -> str:
    names = sorted(known)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if close:
        return f"no {word} named {_q(name)} is declared; did you mean {_q(close[0])}?"
    listing = ", ".join(names) if names else "none are declared"
    return f"no {word} named {_q(name)} is declared (declared: {listing})"


def _check_admin_scope(
    report: _Reporter, rule: Rule, origin: Origin, account: ServiceAccount
) -> None:
    # docs/admin-api.md §2.6.1 check 6: org:admin needs a target with organization_role admin.
    if "org:admin" in rule.scopes and account.organization_role != "admin":
        report.add(
            origin,
            ("oauth_scope",),
            f"grants org:admin, but service account {_q(account.name)} has organization_role "
            '"developer"; target an admin service account or use a workspace scope',
            code="org-admin-needs-admin",
        )


def _check_rule_workspaces(
    report: _Reporter, rule: Rule, origin: Origin, account: ServiceAccount
) -> None:
    """Warn when a rule is enabled where its service account is not a member (§5.8).

    The API accepts such a rule (membership is checked only at the token
    exchange), and a live organization can hold one, so it is a warning, not an error.

    Offline, a workspace is known only by how it is written, so this compares like with
    like: a name against the account's names, an ID against its IDs. `build_desired`
    repeats the check on resolved IDs.
    """
    if rule.applies_to_all_workspaces or not rule.workspaces:
        return
    members = {membership.workspace for membership in account.workspaces}
    member_ids = {ref for ref in members if ref.startswith("wrkspc_")}
    member_names = members - member_ids
    for index, ref in enumerate(rule.workspaces):
        if ref == DEFAULT_WORKSPACE or ref in members:
            continue
        is_id = ref.startswith("wrkspc_")
        if (is_id and member_names) or (not is_id and member_ids):
            continue  # written differently; decided after resolution
        listing = ", ".join(sorted(members)) or "only the default workspace"
        report.add(
            origin,
            ("workspaces", index),
            f"enabled in workspace {_q(ref)}, but its service account {_q(account.name)} is "
            f"not a member there (member of: {listing}), so the token exchange refuses that "
            "workspace; add it under the account's workspaces",
            severity=Severity.WARNING,
            code="rule-workspace-not-a-member",
        )


def _check_issuer_urls(report: _Reporter, issuers: list[tuple[Issuer, Origin]]) -> None:
    """Warn when two issuers trust the same provider (the same issuer_url).

    The API may accept both, but every rule under either then accepts that provider's
    tokens, and a review of one issuer's rules misses the other's.
    """
    first: dict[str, tuple[Issuer, Origin]] = {}
    for issuer, origin in issuers:
        url = issuer.issuer_url
        if not url:
            continue
        key = url.rstrip("/")
        if key not in first:
            first[key] = (issuer, origin)
            continue
        other, other_origin = first[key]
        where = report.where(other_origin, "issuer_url")
        at = f" ({where.file}:{where.line})" if where else ""
        report.add(
            origin,
            ("issuer_url",),
            f"issuer_url {_q(url)} is also the URL of issuer {_q(other.name)}{at}: tokens of "
            "that provider are trusted through both, so a review of one issuer's rules misses "
            "the other's; keep one issuer per provider and put every rule under it",
            severity=Severity.WARNING,
            code="duplicate-issuer-url",
        )


def _check_lone_workspace_names(report: _Reporter, declared: Declared) -> None:
    """Offline, a workspace named once that is close to a name used elsewhere is a typo.

    The live workspaces are unknown to `validate` (plan resolves them), so the only
    evidence is the configuration itself: `stagin` written once beside `staging`.
    """
    uses: dict[str, list[tuple[Origin, DataPath]]] = {}
    for account, origin in declared.service_accounts:
        for index, membership in enumerate(account.workspaces):
            uses.setdefault(membership.workspace, []).append(
                (origin, ("workspaces", index, "workspace"))
            )
    for rule, origin in declared.rules:
        for index, ref in enumerate(rule.workspaces or ()):
            uses.setdefault(ref, []).append((origin, ("workspaces", index)))
    names = [name for name in uses if not name.startswith("wrkspc_")]
    for name in names:
        if len(uses[name]) != 1 or name == DEFAULT_WORKSPACE:
            continue
        others = [other for other in names if other != name and len(uses[other]) > 1]
        close = difflib.get_close_matches(name, others, n=1, cutoff=0.8)
        if close:
            origin, sub = uses[name][0]
            report.add(
                origin,
                sub,
                f"workspace {_q(name)} is named only here, and {_q(close[0])} elsewhere; "
                f"did you mean {_q(close[0])}?",
                severity=Severity.WARNING,
                code="workspace-did-you-mean",
            )


def _note_console_managed(report: _Reporter, rule: Rule, origin: Origin) -> None:
    # docs/admin-api.md §5.9: only the two workspace scopes can be managed through the API.
    if not scope_is_manageable(rule.oauth_scope):
        report.add(
            origin,
            ("oauth_scope",),
            f"{_q(rule.oauth_scope)} is Console-managed: fedctl checks this rule against the "
            "live state and never creates, changes or archives it",
            severity=Severity.WARNING,
            code="console-managed",
        )


def _q(value: object) -> str:
    return json.dumps(value)
