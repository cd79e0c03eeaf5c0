"""Checks the solver decides: a condition that is always true, a rule no token can match,
and a rule whose tokens another rule with the same grants already admits.

Each reads the resolved model of its rules (`fedctl.core.resolved`). Only rules with a condition
can be dead or tautological (the other matchers are independent exact or prefix tests,
always satisfiable). The usual matches are decided without z3 (fedctl.access.proof.questions).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from fedctl.core.resolved import ResolvedRule
from fedctl.lint.checks import Check, located
from fedctl.lint.findings import CheckInfo, Finding, LintSeverity
from fedctl.lint.view import LintConfig

TAUTOLOGY = CheckInfo(
    id="FED034",
    name="condition-always-true",
    severity=LintSeverity.WARNING,
    summary="Rule condition is true for every token the rest of its match admits",
    explanation=(
        "fedctl's solver proves that no token the issuer, subject, audience and claims "
        "admit fails the condition, so the condition constrains nothing. It reads as a "
        "pin a reviewer relies on, and the rule admits more than it appears to."
    ),
    fix="Make the condition compare a claim the rest of the match leaves open, or remove it.",
)

DEAD_RULE = CheckInfo(
    id="FED035",
    name="rule-matches-no-token",
    severity=LintSeverity.WARNING,
    summary="No token can satisfy the rule's match",
    explanation=(
        "fedctl's solver proves that the claims and condition contradict each other (a "
        "claim pinned to one value and compared with another, say), so the rule can never "
        "mint a token. It is usually a mistake that hides the rule its author meant."
    ),
    fix="Fix the contradiction (compare the value the claims pin), or remove the rule.",
)

REDUNDANT_RULE = CheckInfo(
    id="FED036",
    name="rule-redundant",
    severity=LintSeverity.NOTE,
    summary="Every token the rule admits is admitted by another rule with the same grants",
    explanation=(
        "fedctl's solver proves the rule's tokens are a subset of another rule's, and "
        "both grant the same service account, scope and workspaces. The redundant rule "
        "adds nothing but review surface, and tightening it leaves the access unchanged."
    ),
    fix="Remove the redundant rule, or tighten the broader one if it admits too much.",
)

# Rules compared pairwise for FED036, at most (a group larger than this is skipped).
MAX_GROUP = 50


def resolve(config: LintConfig, rule: ResolvedRule) -> ResolvedRule:
    """The rule as the solver compares it: workspace references (standing in for IDs) sorted."""
    ordered = tuple(sorted(rule.workspace_ids))
    return rule if ordered == rule.workspace_ids else replace(rule, workspace_ids=ordered)


def _condition_rules(config: LintConfig) -> Iterator[tuple[ResolvedRule, ResolvedRule]]:
    for rule in config.rules:
        if rule.condition is not None and config.issuer(rule.issuer_name) is not None:
            yield rule, resolve(config, rule)


def tautologies(config: LintConfig) -> Iterator[Finding]:
    for rule, resolved in _condition_rules(config):
        # Imported here: z3 loads only for a configuration with a condition.
        from fedctl.access.proof.answers import NONE, Found
        from fedctl.access.proof.questions import dead, tautology

        if tautology(resolved) is not NONE:
            continue
        example = dead(resolved)
        if isinstance(example, Found):
            message = (
                "the condition is true for every token the rest of the match admits, "
                f"e.g. {_token(example.claims)}; it pins nothing"
            )
            yield located(TAUTOLOGY, rule, "match.condition", message)


def dead_rules(config: LintConfig) -> Iterator[Finding]:
    for rule, resolved in _condition_rules(config):
        from fedctl.access.proof.answers import NONE
        from fedctl.access.proof.questions import dead

        if dead(resolved) is NONE:
            message = "no token can satisfy the match: its claims and condition contradict"
            yield located(DEAD_RULE, rule, "match.condition", message)


def redundant_rules(config: LintConfig) -> Iterator[Finding]:
    groups: dict[tuple[object, ...], list[tuple[ResolvedRule, ResolvedRule]]] = {}
    for rule in config.rules:
        resolved = resolve(config, rule)
        key: tuple[object, ...] = (
            resolved.issuer_url,
            resolved.service_account_name,
            resolved.oauth_scope,
            resolved.workspace_ids,
            resolved.applies_to_all_workspaces,
        )
        groups.setdefault(key, []).append((rule, resolved))
    for members in groups.values():
        if 1 < len(members) <= MAX_GROUP:
            yield from _redundant_in(members)


def _redundant_in(members: list[tuple[ResolvedRule, ResolvedRule]]) -> Iterator[Finding]:
    reported: set[str] = set()
    for index, (rule, resolved) in enumerate(members):
        for other_index, (_view, other) in enumerate(members):
            if other_index == index or other.name in reported:
                continue
            if resolved.match_key == other.match_key and other_index > index:
                continue  # identical rules: report the later one only
            if _subset(resolved, other):
                reported.add(resolved.name)
                message = (
                    f"every token this rule admits is admitted by rule {other.name}, "
                    "which has the same grants"
                )
                yield located(REDUNDANT_RULE, rule, "match", message)
                break


def _subset(rule: ResolvedRule, other: ResolvedRule) -> bool:
    from fedctl.access.proof.answers import NONE
    from fedctl.access.proof.questions import subsumed

    return subsumed(rule, other) is NONE


def _token(claims: dict[str, object]) -> str:
    from fedctl.access.rules import describe_token

    return describe_token(claims)


CHECKS = (
    Check(TAUTOLOGY, tautologies),
    Check(DEAD_RULE, dead_rules),
    Check(REDUNDANT_RULE, redundant_rules),
)
