"""One resolved read model per kind: what lint, explain, access, the access engine, graph,
policy bindings and output read, instead of a view of their own.

Each model carries every field of its kind's table (`fedctl.core.fields`) with defaults
filled, references by name and (where live) by ID, and workspaces as IDs with their
names beside them. `workspace_label` is the one function that turns a workspace ID into
the text a person reads.

    rule.py             ResolvedRule
    issuer.py           ResolvedIssuer
    service_account.py  ResolvedServiceAccount
    api_key.py          ResolvedApiKey
    workspaces.py       workspace_label, LabelStyle
"""

from fedctl.core.resolved.api_key import ResolvedApiKey
from fedctl.core.resolved.issuer import ResolvedIssuer
from fedctl.core.resolved.rule import ResolvedRule
from fedctl.core.resolved.service_account import ResolvedServiceAccount
from fedctl.core.resolved.workspaces import LabelStyle, workspace_label

__all__ = [
    "LabelStyle",
    "ResolvedApiKey",
    "ResolvedIssuer",
    "ResolvedRule",
    "ResolvedServiceAccount",
    "workspace_label",
]
