"""Checks on what a matching token is worth: lifetime, workspaces, service accounts."""

from __future__ import annotations

from collections.abc import Iterator

from fedctl.core.state import DEFAULT_WORKSPACE
from fedctl.lint.checks import Check, located
from fedctl.lint.findings import CheckInfo, Finding, LintSeverity
from fedctl.lint.view import LintConfig

# One hour is the API default; the SDK refreshes long before expiry, so longer minted
# tokens only widen the window in which a stolen one is useful.
MAX_TOKEN_LIFETIME_SECONDS = 3600

# Both SDKs refresh a token 120 s before it expires (30 s mandatory), so a token living
# under five minutes is refreshed after less than three: docs/admin-api.md §7.5.
MIN_TOKEN_LIFETIME_SECONDS = 300
SDK_REFRESH_MARGIN_SECONDS = 120

SHORT_TOKEN_LIFETIME = CheckInfo(
    id="FED037",
    name="short-token-lifetime",
    severity=LintSeverity.WARNING,
    summary="Rule mints Anthropic tokens that live under five minutes",
    explanation=(
        "Both official SDKs refresh a token 120 s before it expires, so a token living "
        "under five minutes sends the workload back to the exchange on nearly every call. "
        "A single-use identity token (one with jti, such as a GitHub or GitLab job token) "
        "cannot be exchanged twice, so the workload fails at its first refresh."
    ),
    fix="Set token_lifetime_seconds to 300 or more (600 is the Console wizard's value; "
    "FED007 warns above 3600).",
)

LONG_TOKEN_LIFETIME = CheckInfo(
    id="FED007",
    name="long-token-lifetime",
    severity=LintSeverity.WARNING,
    summary="Rule mints Anthropic tokens that live longer than one hour",
    explanation=(
        "token_lifetime_seconds is how long the minted Anthropic token stays valid, and "
        "the SDK refreshes tokens two minutes before expiry, so a long lifetime gives a "
        "workload nothing but gives whoever copies a token hours of access. Archiving the "
        "rule does not revoke tokens already minted."
    ),
    fix="Set token_lifetime_seconds to 3600 or less (the Console wizard uses 600).",
)

ALL_WORKSPACES = CheckInfo(
    id="FED008",
    name="applies-to-all-workspaces",
    severity=LintSeverity.WARNING,
    summary="Rule is enabled in every workspace, including ones created later",
    explanation=(
        "applies_to_all_workspaces enables the rule in every workspace of the "
        "organization, present and future, so a workload can choose any workspace its "
        "service account is a member of. Listing workspaces keeps the blast radius "
        "visible in review."
    ),
    fix="Replace applies_to_all_workspaces with an explicit workspaces: list.",
)

ADMIN_ON_WORKSPACE_RULE = CheckInfo(
    id="FED009",
    name="admin-service-account-on-workspace-rule",
    severity=LintSeverity.ERROR,
    summary="Workspace-scoped rule targets an admin service account",
    explanation=(
        "A rule's oauth_scope caps what its tokens can do, but the target service account "
        "keeps its organization role. Giving a CI job's rule an admin service account "
        "means one change to the scope (in the Console) turns every matching token into "
        "an organization administrator; workspace work never needs admin."
    ),
    fix="Target a developer service account (organization_role: developer) and keep admin "
    "service accounts for Console-managed org:admin bootstrap rules.",
)

UNUSED_MEMBERSHIP = CheckInfo(
    id="FED010",
    name="unused-membership",
    severity=LintSeverity.WARNING,
    summary="Service account is a member of a workspace that none of its rules uses",
    explanation=(
        "A workspace membership grants the service account access to that workspace. "
        "When no rule targeting the service account is enabled there, the membership "
        "grants nothing today but becomes live the moment any rule is widened."
    ),
    fix="Remove the membership, or enable a rule of this service account in that workspace.",
)

RULE_OUTSIDE_MEMBERSHIPS = CheckInfo(
    id="FED031",
    name="rule-workspace-not-a-member",
    severity=LintSeverity.WARNING,
    summary="Rule is enabled in a workspace its service account is not a member of",
    explanation=(
        "The API accepts such a rule, but the token exchange refuses a workspace the "
        "target service account is not a member of (the default workspace excepted), so "
        "the rule cannot mint tokens there. It is usually a membership forgotten in review, "
        "and it becomes live access the moment someone adds the membership for another reason."
    ),
    fix="Add the workspace under the service account's workspaces, or remove it from the rule.",
)


def long_token_lifetime(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        if rule.token_lifetime_seconds > MAX_TOKEN_LIFETIME_SECONDS:
            message = (
                f"token_lifetime_seconds is {rule.token_lifetime_seconds}; minted tokens "
                f"should live at most {MAX_TOKEN_LIFETIME_SECONDS} s"
            )
            yield located(LONG_TOKEN_LIFETIME, rule, "token_lifetime_seconds", message)


def short_token_lifetime(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        lifetime = rule.token_lifetime_seconds
        if lifetime < MIN_TOKEN_LIFETIME_SECONDS:
            fresh = max(lifetime - SDK_REFRESH_MARGIN_SECONDS, 0)
            message = (
                f"token_lifetime_seconds is {lifetime}; the SDKs refresh "
                f"{SDK_REFRESH_MARGIN_SECONDS} s before expiry, so each token serves "
                f"{fresh} s before the workload exchanges its identity token again"
            )
            yield located(SHORT_TOKEN_LIFETIME, rule, "token_lifetime_seconds", message)


def all_workspaces(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        if rule.applies_to_all_workspaces:
            message = "applies_to_all_workspaces enables the rule in every workspace"
            yield located(ALL_WORKSPACES, rule, "applies_to_all_workspaces", message)


def admin_on_workspace_rule(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        account = config.service_account(rule.service_account_name)
        scopes = rule.oauth_scope.split()
        workspace_only = bool(scopes) and all(s.startswith("workspace:") for s in scopes)
        if account and account.organization_role == "admin" and workspace_only:
            message = (
                f"rule with scope {rule.oauth_scope!r} targets admin service account "
                f"{account.name!r}"
            )
            yield located(ADMIN_ON_WORKSPACE_RULE, rule, "service_account", message)


def unused_membership(config: LintConfig) -> Iterator[Finding]:
    for account in config.service_accounts:
        rules = config.rules_of(account.name)
        if any(rule.applies_to_all_workspaces for rule in rules):
            continue
        used = {workspace for rule in rules for workspace in rule.workspace_ids}
        for index, workspace in enumerate(account.workspace_ids):
            if workspace in used:
                continue
            message = (
                f"membership in workspace {workspace!r} is used by no rule of {account.name!r}"
            )
            yield located(UNUSED_MEMBERSHIP, account, f"workspaces[{index}]", message)


def rule_outside_memberships(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        account = config.service_account(rule.service_account_name)
        if account is None or rule.applies_to_all_workspaces:
            continue
        members = {*account.workspace_ids, DEFAULT_WORKSPACE}
        written_as_ids = {ref.startswith("wrkspc_") for ref in account.workspace_ids}
        for index, workspace in enumerate(rule.workspace_ids):
            # Offline, a name and an ID of one workspace cannot be compared: plan decides.
            if workspace in members or _written_differently(workspace, written_as_ids):
                continue
            message = (
                f"rule {rule.name!r} is enabled in workspace {workspace!r}, where service "
                f"account {account.name!r} is not a member; the exchange refuses it there"
            )
            yield located(RULE_OUTSIDE_MEMBERSHIPS, rule, f"workspaces[{index}]", message)


def _written_differently(workspace: str, written_as_ids: set[bool]) -> bool:
    return (not workspace.startswith("wrkspc_")) in written_as_ids


CHECKS = (
    Check(LONG_TOKEN_LIFETIME, long_token_lifetime),
    Check(SHORT_TOKEN_LIFETIME, short_token_lifetime),
    Check(ALL_WORKSPACES, all_workspaces),
    Check(ADMIN_ON_WORKSPACE_RULE, admin_on_workspace_rule),
    Check(UNUSED_MEMBERSHIP, unused_membership),
    Check(RULE_OUTSIDE_MEMBERSHIPS, rule_outside_memberships),
)
