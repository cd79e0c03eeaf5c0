"""Live rules no file declares that stay after this plan: they still grant access.

Part of the plan's access section: with `settings.prune: false`, and for rules that are
protected, Console-managed, unmanageable or listed in `settings.unmanaged`, the files
are not the whole truth, so a reviewer must see which live rules keep minting tokens
although no file declares them. Only rules grant access (an issuer or a service account
mints nothing without a rule), so only rules are listed. Pure data, no HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fedctl.core.resolved import workspace_label
from fedctl.core.state import LiveRule
from fedctl.plan.actions import Action, Change

STILL_GRANTS = "still grants access; not managed by this configuration"


def still_granting(
    undeclared_rules: Mapping[str, LiveRule],
    changes: Sequence[Change],
    workspace_names: Mapping[str, str],
) -> tuple[str, ...]:
    """`rule/NAME (id): still grants access; ... (as SA in WORKSPACES)`, sorted by name.

    `undeclared_rules` are the active live rules no file declares (by live name); those
    this plan archives are left out, as the plan already shows them going away.
    """
    archived_ids = {
        change.live_id for change in changes if change.action is Action.ARCHIVE and change.live_id
    }
    lines = []
    for name, rule in sorted(undeclared_rules.items()):
        if rule.meta.id in archived_ids:
            continue
        spec = rule.spec
        if spec.applies_to_all_workspaces:
            where = "every workspace"
        else:
            labels = sorted(workspace_label(ws, workspace_names) for ws in spec.workspace_ids)
            where = f"workspaces {', '.join(labels)}" if labels else "no workspace"
        lines.append(
            f"rule/{name} ({rule.meta.id}): {STILL_GRANTS} "
            f"(as service_account/{spec.service_account_name} in {where})"
        )
    return tuple(lines)
