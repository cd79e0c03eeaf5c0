"""Access-test results as text (failures explained) and JUnit XML (for CI test reports)."""

from __future__ import annotations

import json
from xml.etree import ElementTree

from fedctl.core.escape import escape_terminal
from fedctl.guards.accesstest.run import CaseResult


def render_text(results: list[CaseResult]) -> str:
    lines = []
    for result in results:
        where = f"{result.location}: " if result.location else ""
        if result.passed:
            lines.append(escape_terminal(f"pass {result.name}"))
            continue
        lines.append(
            escape_terminal(
                f"{where}FAIL {result.name}: expected {result.expected}, got {result.got}"
            )
        )
        lines += [escape_terminal(f"    {detail}") for detail in result.details]
    failed = sum(not result.passed for result in results)
    lines.append(f"{len(results)} cases: {len(results) - failed} passed, {failed} failed.")
    return "\n".join(lines)


def render_json(results: list[CaseResult]) -> str:
    """Every case's result as one JSON list (`fedctl test --format json`)."""
    return json.dumps([result.to_json() for result in results], indent=2)


def render_junit(results: list[CaseResult]) -> str:
    failed = sum(not result.passed for result in results)
    suite = ElementTree.Element(
        "testsuite", name="fedctl access tests", tests=str(len(results)), failures=str(failed)
    )
    for result in results:
        case = ElementTree.SubElement(suite, "testcase", classname="access", name=result.name)
        if not result.passed:
            failure = ElementTree.SubElement(
                case, "failure", message=f"expected {result.expected}, got {result.got}"
            )
            failure.text = "\n".join(result.details)
    return ElementTree.tostring(suite, encoding="unicode") + "\n"
