"""The checks around the writes: the organization guard before, the read-back after.

Before the first write apply asks the API again which organization the credential acts
in: the plan may be minutes old (or a saved file), and a token swapped in between must
not send one organization's plan to another. After the last write it plans again from a
fresh read; a successful apply leaves nothing to do, and anything left is reported by
name (reads may lag writes, so a few spaced re-reads come first).

Usage:
    check_organization(client, plan_organization_id=plan.organization.id,
                       declared_organization_id=config_org_id)
    confirm_converged(replan, sleep=time.sleep)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from fedctl.api import resources
from fedctl.api.client import AdminClient
from fedctl.core.errors import ApplyError, PlanError
from fedctl.plan.actions import Change

if TYPE_CHECKING:
    from fedctl.plan.plan import Plan

# Seconds between read-backs; together ~3.5 s, beyond the ~1 s read lag allowed for.
CONFIRM_DELAYS: Final = (0.0, 0.5, 1.0, 2.0)


class OrganizationMismatch(PlanError):
    """The credential acts in another organization than the plan or configuration."""


class NotConverged(ApplyError):
    """Every step succeeded, yet a fresh plan still shows changes."""


def check_organization(
    client: AdminClient,
    *,
    plan_organization_id: str,
    declared_organization_id: str | None,
) -> str:
    """Return the organization ID the credential acts in, or refuse before any write."""
    organization = resources.get_organization(client)
    declared = (declared_organization_id or "").lower()
    if declared and organization.id.lower() != declared:
        raise OrganizationMismatch(
            f"the credential acts in organization {organization.id} ({organization.name}), "
            f"but the configuration declares organization_id {declared_organization_id}; "
            "nothing was changed; use a credential for the declared organization"
        )
    if organization.id.lower() != plan_organization_id.lower():
        raise OrganizationMismatch(
            f"the plan was made for organization {plan_organization_id}, but the credential "
            f"now acts in {organization.id} ({organization.name}); nothing was changed; "
            "run `fedctl plan` again with the intended credential"
        )
    return organization.id


def confirm_converged(
    replan: Callable[[], Plan],
    *,
    sleep: Callable[[float], None],
    relevant: Callable[[Change], bool] = lambda change: True,
) -> None:
    """Plan again until no relevant change is left (a few spaced tries), else NotConverged.

    `relevant` narrows the check to what this apply was asked to do (a targeted or saved
    plan leaves other differences alone on purpose).
    """
    left: list[str] = []
    for delay in CONFIRM_DELAYS:
        if delay:
            sleep(delay)
        plan = replan()
        left = [f"{c.action.symbol} {c.kind.value}/{c.name}" for c in plan.changes if relevant(c)]
        if not left:
            return
    raise NotConverged(
        f"every step succeeded, but a fresh plan still shows {len(left)} change(s): "
        f"{', '.join(left[:10])}{' ...' if len(left) > 10 else ''}; someone may be changing "
        "the organization at the same time; run `fedctl plan` to see it, then apply again"
    )
