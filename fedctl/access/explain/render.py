"""Explanation -> text for people or JSON for tools. Never shows the raw token or signature.

Usage:
    print(render_text(explanation))
    print(render_json(explanation))
"""

from __future__ import annotations

import json
from typing import Any

from fedctl.access.explain.matchers import show
from fedctl.access.explain.model import (
    ASSUMED_DEFAULT_AUDIENCE,
    Explanation,
    Outcome,
    RuleExplanation,
)
from fedctl.core.escape import escape_terminal

NOT_VERIFIED = (
    "The token was decoded WITHOUT verifying its signature: explain shows what the rules "
    "would decide about these claims, not that the token is genuine."
)
# Header members worth showing; the signature is never decoded or printed.
HEADER_MEMBERS = ("alg", "kid", "typ")


def render_text(explanation: Explanation) -> str:
    lines = [f"Token ({explanation.token.source}): {NOT_VERIFIED}"]
    header = _header_summary(explanation)
    if header:
        lines.append(f"Header: {header} (signature not shown)")
    lines.append("Claims:")
    for name, value in sorted(explanation.token.claims.items()):
        lines.append(f"  {name}: {show(value)}")
    lines.append(f"Rules from {explanation.source}.")
    lines += _issuer_lines(explanation)
    for rule in explanation.rules:
        lines.append("")
        lines += _rule_lines(rule)
    lines.append("")
    lines.append(_verdict(explanation))
    # NOTE: claims come from an unverified token: every line is shown escaped.
    return "\n".join(escape_terminal(line) for line in lines) + "\n"


def _header_summary(explanation: Explanation) -> str:
    header = explanation.token.header
    return " ".join(f"{name}={show(header[name])}" for name in HEADER_MEMBERS if name in header)


def _issuer_lines(explanation: Explanation) -> list[str]:
    iss = explanation.token.claims.get("iss")
    shown = show(iss) if iss is not None else "(absent)"
    if explanation.issuers:
        names = ", ".join(issuer.name for issuer in explanation.issuers)
        return [f"Issuer(s) whose issuer_url equals iss {shown} byte for byte: {names}."]
    lines = [f"No issuer has issuer_url equal to iss {shown} (compared byte for byte)."]
    for issuer in explanation.near_misses:
        lines.append(
            f"  Close: issuer {issuer.name} has issuer_url {show(issuer.issuer_url)} "
            "(differs in case, spacing or a trailing slash; the exchange needs an exact match)."
        )
    return lines


def _rule_lines(explained: RuleExplanation) -> list[str]:
    rule = explained.rule
    verdict = "WOULD MATCH" if explained.matches else "would not match"
    lines = [f"rule {rule.name} (issuer {rule.issuer_name}): {verdict}"]
    for result in explained.matchers:
        if result.outcome is Outcome.NOT_SET:
            lines.append(f"  {result.outcome.marker:<4} {result.matcher}: not set")
            continue
        lines.append(
            f"  {result.outcome.marker:<4} {result.matcher}: {result.reason}; "
            f"expected {result.expected}, got {result.actual}"
        )
    workspaces = (
        "every workspace (applies_to_all_workspaces)"
        if rule.applies_to_all_workspaces
        else ", ".join(rule.workspace_labels()) or "no workspace"
    )
    lines.append(
        f"  A match yields: service account {rule.service_account_name}, scope "
        f"{rule.oauth_scope}, workspaces {workspaces}."
    )
    lines.append("  At the exchange it would still face:")
    for check in explained.exchange_checks:
        lines.append(f"    {check.level.marker:<4} {check.check}: {check.message}")
    return lines


def _verdict(explanation: Explanation) -> str:
    if explanation.matched:
        return f"Matching rule(s): {', '.join(explanation.matching_rules)}."
    if not explanation.rules:
        return "No rule to explain: no issuer matches this token's iss."
    return "No rule would accept this token."


def render_json(explanation: Explanation) -> str:
    return json.dumps(explanation_to_json(explanation), indent=2, sort_keys=True) + "\n"


def explanation_to_json(explanation: Explanation) -> dict[str, Any]:
    token = explanation.token
    return {
        "verified": False,
        "note": NOT_VERIFIED,
        "token_source": token.source,
        "header": {name: token.header[name] for name in HEADER_MEMBERS if name in token.header},
        "claims": token.claims,
        "source": explanation.source,
        "assumed_default_audience": ASSUMED_DEFAULT_AUDIENCE,
        "issuers": [issuer.name for issuer in explanation.issuers],
        "near_misses": [issuer.name for issuer in explanation.near_misses],
        "rules": [_rule_json(rule) for rule in explanation.rules],
        "matched": explanation.matched,
        "matching_rules": list(explanation.matching_rules),
    }


def _rule_json(explained: RuleExplanation) -> dict[str, Any]:
    rule = explained.rule
    return {
        "name": rule.name,
        "issuer": rule.issuer_name,
        "matches": explained.matches,
        "matchers": [
            {
                "matcher": result.matcher,
                "outcome": result.outcome.value,
                "expected": result.expected,
                "actual": result.actual,
                "reason": result.reason,
            }
            for result in explained.matchers
        ],
        "yields": {
            "service_account": rule.service_account_name,
            "oauth_scope": rule.oauth_scope,
            "workspaces": list(rule.workspace_labels()),
            "applies_to_all_workspaces": rule.applies_to_all_workspaces,
        },
        "exchange_checks": [
            {"check": check.check, "level": check.level.value, "message": check.message}
            for check in explained.exchange_checks
        ],
    }
