"""The resolved read model of a rule: what every reader of a rule sees.

A `RuleSpec` holds what the configuration or the API says; a `ResolvedRule` adds what a
reader needs to reason about access without looking anything else up: defaults filled
(from the spec, which owns them), the issuer resolved to its `iss` (and its ID where
live), the service account's ID where live, and workspaces kept as IDs with their names
beside them. The fields it copies are read through the rule's field table
(`fedctl.core.fields.RULE_FIELDS`), so a rule field added there reaches this model without
another list of names. The access engine (`fedctl.access.proof`), the access diff, lint and
explain read only this.

NOTE: read from the configuration alone (lint, offline explain), a workspace's ID is not
known yet; `workspace_ids` then holds the references as written (a name, `default` or an
ID), which is what those readers compare and show.

Usage:
    rule = ResolvedRule.from_spec(spec, issuer_url="https://token.actions.githubusercontent.com")
    rule.claims  # (("event_name", "push"),): sorted pairs, hashable
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from fedctl.core.fields import RULE_FIELDS
from fedctl.core.resolved.workspaces import workspace_label
from fedctl.core.state import LiveRule, RuleSpec

# Where a resolved rule's values come from: every rule field of the table but those this
# model replaces with a resolved form (the match is flattened, workspaces get names).
_FLATTENED = frozenset({"match", "workspace_ids", "attributes"})


@dataclass(frozen=True)
class ResolvedRule:
    """One rule, resolved. `issuer_url` is None when the issuer is not known."""

    name: str
    issuer_name: str
    issuer_url: str | None
    service_account_name: str
    description: str
    subject_prefix: str | None
    audience: str | None
    claims: tuple[tuple[str, str], ...]
    condition: str | None
    oauth_scope: str
    workspace_ids: tuple[str, ...]
    # Workspace ID -> name, for the IDs whose name is known (renderers label with it).
    workspace_names: tuple[tuple[str, str], ...]
    applies_to_all_workspaces: bool
    token_lifetime_seconds: int
    # Where the rule is live: its own ID and the IDs its references resolve to.
    rule_id: str | None = None
    issuer_id: str | None = None
    service_account_id: str | None = None
    # A live legacy single-workspace binding (docs/admin-api.md §5.8), also in workspace_ids.
    legacy_workspace_id: str | None = None

    @classmethod
    def from_spec(
        cls,
        spec: RuleSpec,
        *,
        issuer_url: str | None,
        workspace_names: Mapping[str, str] | None = None,
        extra_workspace_ids: tuple[str, ...] = (),
    ) -> ResolvedRule:
        """`extra_workspace_ids`: IDs the live rule grants beyond its enablements (legacy)."""
        values: dict[str, Any] = {
            field.name: getattr(spec, field.name)
            for field in RULE_FIELDS
            if field.name not in _FLATTENED
        }
        match = spec.match
        ids = tuple(sorted({*spec.workspace_ids, *extra_workspace_ids}))
        names = workspace_names or {}
        return cls(
            **values,
            issuer_url=issuer_url,
            subject_prefix=match.subject_prefix,
            audience=match.audience,
            claims=tuple(sorted((match.claims or {}).items())),
            condition=match.condition,
            workspace_ids=ids,
            workspace_names=tuple((wid, names[wid]) for wid in ids if wid in names),
        )

    @classmethod
    def from_live(
        cls, rule: LiveRule, *, issuer_url: str | None, workspace_names: Mapping[str, str]
    ) -> ResolvedRule:
        """A live rule, its legacy binding counted among its workspaces."""
        legacy = rule.legacy_workspace_id
        resolved = cls.from_spec(
            rule.spec,
            issuer_url=issuer_url,
            workspace_names=workspace_names,
            extra_workspace_ids=(legacy,) if legacy else (),
        )
        return dataclasses.replace(
            resolved,
            rule_id=rule.meta.id,
            issuer_id=rule.issuer_id,
            service_account_id=rule.service_account_id,
            legacy_workspace_id=legacy,
        )

    @property
    def claims_dict(self) -> Mapping[str, str]:
        """The claims as a read-only mapping, built once (lint reads it many times a rule).

        NOTE: cached by hand, not with functools.cached_property, whose lock (Python 3.11)
        cost a 5,000-resource lint a tenth of its time.
        """
        cached: Mapping[str, str] | None = self.__dict__.get("_claims_dict")
        if cached is None:
            cached = MappingProxyType(dict(self.claims))
            object.__setattr__(self, "_claims_dict", cached)
        return cached

    @property
    def match_key(self) -> tuple[object, ...]:
        """Everything that decides which tokens the rule admits."""
        return (
            self.issuer_url,
            self.subject_prefix,
            self.audience,
            self.claims,
            self.condition,
        )

    @property
    def workspace_names_by_id(self) -> dict[str, str]:
        return dict(self.workspace_names)

    def workspace_labels(self) -> tuple[str, ...]:
        """Each workspace by name where known, else by ID (or reference), in order."""
        names = self.workspace_names_by_id
        return tuple(workspace_label(wid, names) for wid in self.workspace_ids)
