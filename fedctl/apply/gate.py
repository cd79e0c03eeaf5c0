"""The checks between a plan and its first write, in one place that `plan` and `apply` share.

A reviewer approves what `fedctl plan` shows; if `apply` then refused on a check the plan
never ran, the refusal would only appear after merge. So every check apply runs lives
here, `judge` records the outcome on the Plan (`refusals`, `lint_findings`,
`policy_failures`), `plan` fails on it exactly as `apply` will, and `apply_plan` runs no
write unless the plan it is given was judged and not refused (`enforce`). The checks:

1. protection: an archive or replace of a resource `settings.protect` matches (by the
   name in the configuration, its live name, or its live ID; fedctl.plan.protection),
   from the configuration and from the snapshot of main;
2. policy: a failing `deny` policy (settings.policy_files and --policy), evaluated on
   the canonical bindings (fedctl.guards.policy.bindings) before any write;
3. lint: an error finding while settings.lint.block_apply is on (--allow-lint-errors);
4. safety-limits: settings.max_archives, max_key_deactivations, max_changes_percent
   (--allow-large-changes).

Predicted API refusals (an archived name, a rename into a taken one) stop `compute_plan`
itself, so both commands already share them.

NOTE: the guards (protect patterns, policy files, lint settings, limits) are read from
the configuration and the snapshot as they are today; the guards registry computes the
strictest of every source and hands its values to this module.

    plan = judge(GateInputs(plan, live, config, snapshot=snapshot), Overrides())
    enforce(plan)   # GateRefused naming each check, exit 1
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fedctl.apply.safety import ALLOW_FLAG, SafetyLimits, safety_refusals
from fedctl.core.errors import PlanError
from fedctl.core.pairing import live_names_by_id
from fedctl.plan.protection import protected_changes
from fedctl.plan.records import PolicyFailure
from fedctl.plan.refusals import Check, LintNote, Refusal

if TYPE_CHECKING:
    from fedctl.config import Config
    from fedctl.core.state import LiveState
    from fedctl.guards.policy.evaluate import PolicyResult
    from fedctl.lint.findings import Finding
    from fedctl.live.snapshot import Snapshot
    from fedctl.plan.plan import Plan
    from fedctl.plan.refusals import Overrides

LINT_FLAG = "--allow-lint-errors"


class GateRefused(PlanError):
    """A check apply runs before its first write refused the plan; names each check."""


@dataclass(frozen=True)
class GateInputs:
    """The plan and everything its checks read. `lint_findings`/`policy_results` may be
    computed ahead (plan lints while the live read waits); None: computed here."""

    plan: Plan
    live: LiveState
    config: Config
    snapshot: Snapshot | None = None
    policy_files: tuple[str, ...] = ()
    lint_findings: list[Finding] | None = None
    policy_results: list[PolicyResult] | None = None


def judge(inputs: GateInputs, overrides: Overrides) -> Plan:
    """The plan with every check's outcome recorded; never raises for a refusal."""
    from fedctl.lint.run import lint_config

    findings = (
        inputs.lint_findings if inputs.lint_findings is not None else lint_config(inputs.config)
    )
    failures = (
        inputs.policy_results
        if inputs.policy_results is not None
        else failed_policies(inputs.config, inputs.policy_files, inputs.live)
    )
    lint_gate_on = inputs.config.settings.lint.block_apply
    refusals = [
        *protection_refusals(inputs),
        *policy_refusals(failures),
        *lint_refusals(findings, enabled=lint_gate_on),
        *limit_refusals(inputs),
    ]
    allowed = {LINT_FLAG: overrides.allow_lint_errors, ALLOW_FLAG: overrides.allow_large_changes}
    recorded = tuple(
        refusal.model_copy(update={"overridden": allowed.get(refusal.override or "", False)})
        for refusal in refusals
    )
    return inputs.plan.model_copy(
        update={
            "gate_checked": True,
            "refusals": recorded,
            "lint_findings": tuple(_note(f, blocks=lint_gate_on) for f in findings),
            "policy_failures": tuple(_failure(result) for result in failures),
            "overrides": overrides,
        }
    )


def enforce(plan: Plan) -> None:
    """Raise GateRefused unless the plan was judged and nothing refuses it."""
    if not plan.gate_checked:
        raise GateRefused("the plan was not checked before apply; nothing was changed")
    blocking = [refusal for refusal in plan.refusals if not refusal.overridden]
    if not blocking:
        return
    resources = list(dict.fromkeys(name for refusal in blocking for name in refusal.resources))
    checks = ", ".join(dict.fromkeys(refusal.check.value for refusal in blocking))
    details = "; ".join(refusal.message for refusal in blocking)
    raise GateRefused(
        f"refused by the {checks} check{'s' if ',' in checks else ''} apply runs: {details}",
        resources,
    )


def failed_policies(
    config: Config, extra: tuple[str, ...], live: LiveState | None = None
) -> list[PolicyResult]:
    """The policies (settings.policy_files and `extra`) that fail on the configuration,
    workspaces named as the live organization names them."""
    from fedctl.guards.policy.evaluate import evaluate_policies
    from fedctl.guards.policy.load import load_policies, policy_paths

    paths = policy_paths(config, extra)
    if not paths:
        return []
    workspaces = live.workspaces if live is not None else ()
    results = evaluate_policies(load_policies(paths), config, workspaces=workspaces)
    return [result for result in results if not result.passed]


def protection_refusals(inputs: GateInputs) -> list[Refusal]:
    """Archives and replaces of protected resources: the configuration's protect list and
    the snapshot's (main's), each matched by name, live name or live ID."""
    changes = inputs.plan.changes
    refusals = []
    sources: list[tuple[tuple[str, ...], str, str]] = [
        (
            tuple(inputs.config.settings.protect),
            "by settings.protect",
            "remove it from settings.protect in a change of its own first",
        )
    ]
    if inputs.snapshot is not None:
        sources.insert(
            0,
            (
                inputs.snapshot.protected,
                f"in snapshot {inputs.snapshot.label}",
                "merge the change that removes the name from settings.protect first, let "
                "the next snapshot record it, then archive",
            ),
        )
    names = live_names_by_id(inputs.live)
    if inputs.snapshot is not None:
        names = {**live_names_by_id(inputs.snapshot.state), **names}
    for patterns, where, remedy in sources:
        found = protected_changes(changes, patterns, names)
        if not found:
            continue
        described = ", ".join(item.describe() for item in found)
        verb = "is" if len(found) == 1 else "are"
        refusals.append(
            Refusal(
                check=Check.PROTECTION,
                message=(
                    f"{described} {verb} protected {where} and this plan would archive or "
                    f"replace {'it' if len(found) == 1 else 'them'} (whatever it is called "
                    f"now); {remedy}"
                ),
                resources=tuple(item.address for item in found),
            )
        )
    return refusals


def policy_refusals(failures: list[PolicyResult]) -> list[Refusal]:
    """Each failing deny policy, naming the policy and the resource; no flag lets it pass."""
    return [
        Refusal(
            check=Check.POLICY,
            message=f"policy {result.policy} denies {result.resource}: {result.message}",
            resources=(result.resource,),
        )
        for result in failures
        if result.blocks
    ]


def lint_refusals(findings: list[Finding], *, enabled: bool) -> list[Refusal]:
    from fedctl.lint.gate import blocking

    errors = blocking(findings)
    if not enabled or not errors:
        return []
    named = ", ".join(f"{finding.check_id} on {finding.resource}" for finding in errors)
    if len(errors) == 1:
        count, remedy = "1 lint error", "fix it, silence it with lint.ignore and a reason"
    else:
        count = f"{len(errors)} lint errors"
        remedy = "fix them, silence each with lint.ignore and a reason"
    return [
        Refusal(
            check=Check.LINT,
            message=(
                f"{count} ({named}) while settings.lint.block_apply is on; {remedy}, or "
                f"pass {LINT_FLAG}"
            ),
            resources=tuple(dict.fromkeys(finding.resource for finding in errors)),
            override=LINT_FLAG,
        )
    ]


def limit_refusals(inputs: GateInputs) -> list[Refusal]:
    settings = inputs.config.settings
    limits = SafetyLimits(
        max_archives=settings.max_archives,
        max_changes_percent=settings.max_changes_percent,
        max_key_deactivations=settings.max_key_deactivations,
        min_changes_for_percent=settings.min_changes_for_percent,
    )
    return [
        Refusal(
            check=Check.SAFETY_LIMITS,
            message=error.message,
            resources=tuple(error.resources),
            override=ALLOW_FLAG,
        )
        for error in safety_refusals(inputs.plan, inputs.live, limits)
    ]


def _failure(result: PolicyResult) -> PolicyFailure:
    return PolicyFailure(
        policy=result.policy,
        severity=result.severity,
        resource=result.resource,
        message=result.message,
    )


def _note(finding: Finding, *, blocks: bool) -> LintNote:
    from fedctl.lint.findings import LintSeverity

    return LintNote(
        check_id=finding.check_id,
        severity=finding.severity.value,
        resource=finding.resource,
        message=finding.message,
        location=str(finding.location) if finding.location else None,
        blocks=blocks and finding.severity is LintSeverity.ERROR,
    )
