"""Access-test cases -> outcomes, with the same engine as `fedctl explain`.

A case passes when exactly the expected rule accepts the token (and, when asked, with
that service account, scope and workspace), or when no rule does and it expects `denied`.
A failing case says what matched instead, with explain's per-matcher lines.

    results = run_cases(load_cases(paths), rulebook_from_config(config), now=time.time())
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fedctl.access.explain.engine import explain_token
from fedctl.access.explain.model import Explanation, Outcome, Rulebook
from fedctl.access.explain.token import DecodedToken
from fedctl.config.modelfile import load_model_file
from fedctl.core.errors import Diagnostic, Location, ValidationFailed
from fedctl.guards.accesstest.model import AccessTestFile, Case, Expectation


@dataclass(frozen=True)
class LoadedCase:
    case: Case
    location: Location | None


@dataclass(frozen=True)
class CaseResult:
    name: str
    passed: bool
    expected: str
    got: str
    location: Location | None
    details: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "outcome": "pass" if self.passed else "fail",
            "expected": self.expected,
            "got": self.got,
            "location": str(self.location) if self.location else None,
            "details": list(self.details),
        }


def access_test_files(root: Path) -> list[Path]:
    from fedctl.config.discover import ACCESS_TEST_SUFFIXES

    if root.is_file():
        return []
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and path.name.endswith(ACCESS_TEST_SUFFIXES)
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )


def load_cases(paths: list[Path]) -> list[LoadedCase]:
    cases: list[LoadedCase] = []
    problems: list[Diagnostic] = []
    for path in paths:
        found, wrong = _load_file(path)
        cases += found
        problems += wrong
    if problems:
        raise ValidationFailed(problems)
    return cases


def _load_file(path: Path) -> tuple[list[LoadedCase], list[Diagnostic]]:
    document, locations, problems = load_model_file(path, AccessTestFile, what="access tests")
    if document is None or locations is None:
        return [], problems
    return [
        LoadedCase(case, locations.value_at(("cases", index)))
        for index, case in enumerate(document.cases)
    ], []


def run_cases(
    cases: list[LoadedCase], book: Rulebook, *, now: float | None = None
) -> list[CaseResult]:
    moment = time.time() if now is None else now
    return [_run_one(loaded, book, moment) for loaded in cases]


def token_claims(case: Case, now: float) -> dict[str, Any]:
    """The case's claims over a realistic token of its preset, with fresh times."""
    from fedctl.lint.samples import SAMPLES

    base: dict[str, Any] = {}
    if case.preset is not None:
        if case.preset not in SAMPLES:
            known = ", ".join(sorted(SAMPLES))
            raise ValidationFailed(
                [Diagnostic(None, "preset", f"unknown preset {case.preset!r}; known: {known}")]
            )
        base = copy.deepcopy(SAMPLES[case.preset])
    base.update({"iat": int(now) - 10, "nbf": int(now) - 10, "exp": int(now) + 290})
    base.pop("jti", None)  # a test token is never "already exchanged"
    base.update(case.claims)
    return base


def _run_one(loaded: LoadedCase, book: Rulebook, now: float) -> CaseResult:
    case = loaded.case
    token = DecodedToken(claims=token_claims(case, now), source="access test")
    explanation = explain_token(token, book, now=now)
    matched = explanation.matching_rules
    expected, passed, differing = _judge(case, explanation)
    got = ", ".join(f"rule {name}" for name in matched) or "denied (no rule accepts it)"
    if differing:
        # The right rule with another service account, scope or workspace: say which,
        # or "expected rule X, got rule X" reads as no difference at all.
        got += "".join(f", {label} {actual}" for label, _, actual in differing)
        got += f" ({' and '.join(label for label, _, _ in differing)} differ"
        got += "s)" if len(differing) == 1 else ")"
    details = () if passed else _why(explanation)
    return CaseResult(case.name, passed, expected, got, loaded.location, details)


def _judge(case: Case, explanation: Explanation) -> tuple[str, bool, list[tuple[str, str, str]]]:
    """What was expected, whether it held, and each (field, expected, actual) that differs."""
    matched = explanation.matching_rules
    if case.expect == "denied":
        return "denied", not matched, []
    assert isinstance(case.expect, Expectation)
    want = case.expect
    if matched != (want.rule,):
        return f"rule {want.rule}", False, []
    [explained] = [rule for rule in explanation.rules if rule.matches]
    facts = explained.rule
    workspaces = (
        "all workspaces"
        if facts.applies_to_all_workspaces
        else ", ".join(sorted(facts.workspace_labels())) or "no workspace"
    )
    workspace = want.workspace or case.workspace
    fields = [
        ("service account", want.service_account, facts.service_account_name or "none", None),
        ("scope", want.scope, facts.oauth_scope or "none", None),
        (
            "workspace",
            workspace,
            workspaces,
            facts.applies_to_all_workspaces or workspace in facts.workspace_labels(),
        ),
    ]
    expected = f"rule {want.rule}" + "".join(
        f", {label} {wanted}" for label, wanted, _, _ in fields if wanted is not None
    )
    differing = [
        (label, wanted, actual)
        for label, wanted, actual, holds in fields
        if wanted is not None and not (holds if holds is not None else wanted == actual)
    ]
    return expected, not differing, differing


def _why(explanation: Explanation) -> tuple[str, ...]:
    lines = []
    for explained in explanation.rules:
        for result in explained.matchers:
            shown = result.outcome is Outcome.NO_MATCH or (
                explained.matches and result.outcome is Outcome.MATCH
            )
            if shown:
                lines.append(
                    f"rule {explained.rule.name}: {result.matcher} {result.outcome.value}: "
                    f"{result.reason}"
                )
    return tuple(lines) or ("no issuer has the token's iss",)


def outcome_changes(
    cases: list[LoadedCase], before: Rulebook, after: Rulebook, *, now: float | None = None
) -> list[tuple[str, str, str]]:
    """(name, outcome before, outcome after) for each case whose outcome differs between
    two rulebooks."""
    moment = time.time() if now is None else now
    changes = []
    for was, will in zip(
        run_cases(cases, before, now=moment), run_cases(cases, after, now=moment), strict=True
    ):
        if was.got != will.got:
            changes.append((was.name, was.got, will.got))
    return changes
