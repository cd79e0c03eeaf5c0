"""Which live IDs a workload needs for each rule the configuration declares.

A rule is found by its configured name among the live rules; a declared rule that is not
live yet cannot be used by anything, so it is an error that says to apply first. A
Console-managed or unmanageable rule is live like any other and resolved the same way.

    workloads = resolve_workloads(config, live, rule_names=("deploy",), workspace=None)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fedctl.access.explain.model import ASSUMED_DEFAULT_AUDIENCE
from fedctl.config import Config
from fedctl.core.errors import UsageError
from fedctl.core.escape import escape_terminal
from fedctl.core.resolved import ResolvedIssuer, ResolvedRule
from fedctl.core.state import DEFAULT_WORKSPACE, LiveState, Workspace
from fedctl.output.subjects import github_environment, kubernetes_subject


@dataclass(frozen=True)
class Workload:
    """The IDs (and token facts) one rule's workloads are configured with."""

    rule_name: str
    organization_id: str
    federation_rule_id: str
    service_account_id: str
    # Set only when the rule spans several workspaces (the exchange then requires it),
    # or when --workspace named one explicitly.
    workspace_id: str | None
    # The rule's `match.audience`; None when it sets none (the exchange then expects an
    # undocumented default, docs/admin-api.md §8 item 28).
    audience: str | None
    # The issuer's `max_jwt_lifetime_seconds`: a token minted for longer is refused.
    max_jwt_lifetime_seconds: int
    # What the rule's subject pins, which the job or pod must then declare.
    github_environment: str | None = None
    kubernetes_namespace: str | None = None
    kubernetes_service_account: str | None = None

    @property
    def token_audience(self) -> str:
        """The `aud` to request: the rule's audience, else the assumed default."""
        return self.audience or ASSUMED_DEFAULT_AUDIENCE

    def variables(self) -> dict[str, str]:
        """ANTHROPIC_* environment variables, in the order the SDK documents them."""
        values = {
            "ANTHROPIC_ORGANIZATION_ID": self.organization_id,
            "ANTHROPIC_FEDERATION_RULE_ID": self.federation_rule_id,
            "ANTHROPIC_SERVICE_ACCOUNT_ID": self.service_account_id,
        }
        if self.workspace_id is not None:
            values["ANTHROPIC_WORKSPACE_ID"] = self.workspace_id
        return values


def resolve_workloads(
    config: Config, live: LiveState, *, rule_names: Sequence[str], workspace: str | None
) -> list[Workload]:
    """One Workload per selected rule (default: every rule the configuration declares)."""
    declared = [rule.name for rule in config.rules]
    selected = list(dict.fromkeys(rule_names)) or declared
    unknown = [name for name in selected if name not in declared]
    if unknown:
        raise UsageError(
            f"rule {', '.join(unknown)}: not declared in {config.root}; "
            f"declared rules: {', '.join(declared) or '(none)'}"
        )
    if not selected:
        raise UsageError(f"{config.root} declares no rule; there is nothing to output")
    not_live = [name for name in selected if name not in live.rules]
    if not_live:
        raise UsageError(
            f"rule {', '.join(not_live)}: not in the live organization yet, so it has no "
            "ID; run `fedctl apply` first"
        )
    workloads = [_workload(name, live, workspace) for name in selected]
    for workload in workloads:
        _refuse_unprintable(workload)
    return workloads


def _workload(name: str, live: LiveState, workspace: str | None) -> Workload:
    rule = ResolvedRule.from_live(live.rules[name], issuer_url=None, workspace_names={})
    live_issuer = live.issuers.get(rule.issuer_name)
    issuer = ResolvedIssuer.from_live(live_issuer) if live_issuer is not None else None
    namespace, account = kubernetes_subject(rule.subject_prefix)
    return Workload(
        rule_name=name,
        organization_id=live.organization.id,
        federation_rule_id=rule.rule_id or "",
        service_account_id=rule.service_account_id or "",
        workspace_id=_workspace_id(rule, live, workspace),
        audience=rule.audience,
        max_jwt_lifetime_seconds=(issuer.max_jwt_lifetime_seconds if issuer is not None else 3600),
        github_environment=github_environment(rule.subject_prefix, rule.claims_dict or None),
        kubernetes_namespace=namespace,
        kubernetes_service_account=account,
    )


def _refuse_unprintable(workload: Workload) -> None:
    """Every value lands in shell, YAML or a comment: one printable line, or no output.

    NOTE: quoting alone would keep a newline safe in `export X='...'`, but a comment or
    a GitHub `$GITHUB_ENV` line cannot hold one, and no real ID, audience, environment
    or namespace contains a control or format character: such a value comes from a
    hostile pull request or server, so fedctl prints nothing rather than a part.
    """
    values = {
        "rule name": workload.rule_name,
        "organization ID": workload.organization_id,
        "rule ID": workload.federation_rule_id,
        "service account ID": workload.service_account_id,
        "workspace ID": workload.workspace_id,
        "match.audience": workload.audience,
        "GitHub environment (from the subject)": workload.github_environment,
        "Kubernetes namespace (from the subject)": workload.kubernetes_namespace,
        "Kubernetes service account (from the subject)": workload.kubernetes_service_account,
    }
    for field, value in values.items():
        if value is not None and not value.isprintable():
            raise UsageError(
                f"rule {escape_terminal(workload.rule_name)}: its {field} "
                f'"{escape_terminal(value)}" holds a line break or control character; '
                "nothing was printed (fix the configuration, or check the server)"
            )


def rule_workspaces(rule: ResolvedRule, live: LiveState) -> list[Workspace]:
    """The active workspaces a token from this rule may be minted for (a legacy binding
    is among the resolved rule's workspaces)."""
    active = [w for w in live.workspaces if not w.archived]
    if rule.applies_to_all_workspaces:
        return active
    enabled = set(rule.workspace_ids)
    return [w for w in active if w.id in enabled]


def _workspace_id(rule: ResolvedRule, live: LiveState, wanted: str | None) -> str | None:
    """The workspace to name at exchange: required when several are enabled.

    NOTE: the exchange falls back to the default workspace when the rule covers it
    (docs/admin-api.md §7.3), but a workload should not depend on which workspaces are
    enabled tomorrow: with several, fedctl asks which one instead of guessing.
    """
    choices = rule_workspaces(rule, live)
    name = rule.name
    if not choices:
        raise UsageError(
            f"rule {name}: is enabled in no active workspace, so no token can be minted "
            "through it; enable a workspace in the configuration and apply"
        )
    listed = ", ".join(_label(w) for w in choices)
    if wanted is None:
        if len(choices) == 1:
            return None
        raise UsageError(
            f"rule {name}: spans several workspaces ({listed}); choose one with --workspace NAME"
        )
    for candidate in choices:
        if wanted in (candidate.name, candidate.id) or (
            wanted == DEFAULT_WORKSPACE and candidate.is_default
        ):
            return candidate.id
    raise UsageError(f"rule {name}: --workspace {wanted} is not one of its workspaces ({listed})")


def _label(workspace: Workspace) -> str:
    return DEFAULT_WORKSPACE if workspace.is_default else workspace.name
