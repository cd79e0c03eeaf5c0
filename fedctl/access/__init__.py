"""The access diff: who can mint which tokens, as whom, where, before and after a plan.

compute_access_diff(desired, live, plan_changes=plan.changes) -> AccessDiff
"""

from fedctl.access.diff import compute_access_diff
from fedctl.access.model import AccessChange, AccessDiff, Effect, Finding, RuleAccess

__all__ = ["AccessChange", "AccessDiff", "Effect", "Finding", "RuleAccess", "compute_access_diff"]
