"""Lint findings in a command's output, counted by check code and severity.

Plan, apply and CLI tests are about planning: that lint ran, which checks fired and how
often, and what the plan says around the findings. The wording of a finding belongs to
lint and is asserted exactly in tests/lint only, so a reworded message changes one test
folder instead of every plan test that happens to trip the check.

    assert lint_counts(stderr) == {"FED001 error": 1, "FED023 warning": 1}
    assert without_findings(stderr) == "lint: 2 findings (1 error, 1 warning); ...\n"
"""

from __future__ import annotations

import re
from collections import Counter

# `file:line:col: FED001 error: rule/x: message` in text, "FED001 error: `rule/x`: ..." in
# Markdown. The gate's summary ("1 lint error (FED001 on rule/x)") is not a finding line.
_FINDING = re.compile(r"\b(?P<code>(?:FED|KEY)\d{3}) (?P<severity>error|warning|info): ")


def lint_counts(output: str) -> dict[str, int]:
    """`{"FED001 error": 1, ...}`: the finding lines of a text or Markdown output, counted."""
    counts: Counter[str] = Counter()
    for line in output.splitlines():
        found = _FINDING.search(line)
        if found is not None:
            counts[f"{found['code']} {found['severity']}"] += 1
    return dict(counts)


def without_findings(output: str) -> str:
    """The output with its finding lines left out: what the command says around them."""
    kept = [line for line in output.splitlines(keepends=True) if not _FINDING.search(line)]
    return "".join(kept)
