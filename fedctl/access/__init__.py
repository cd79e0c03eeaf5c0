"""The access diff: who can mint which tokens, as whom, where, before and after a plan.

    from fedctl.access.diff import compute_access_diff
    compute_access_diff(desired, live, plan_changes=plan.changes) -> AccessDiff

Beside it, the questions the diff and the commands ask of rules: `proof/` (rule matches as
SMT formulas, decided by z3) and `explain/` (`fedctl explain`: which rules accept a token,
and why). This package file imports only the model, so `fedctl.plan.plan` can hold an AccessDiff
without importing the diff (which imports the plan vocabulary).
"""

from fedctl.access.model import AccessChange, AccessDiff, Effect, Finding

__all__ = ["AccessChange", "AccessDiff", "Effect", "Finding"]
