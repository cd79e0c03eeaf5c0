"""The resolved read model of a rule and its issuer: what every reader of a rule sees.

A `RuleSpec` holds what the configuration or the API says; a `ResolvedRule` adds what a
reader needs to reason about access without looking anything else up: defaults filled
(from the spec, which owns them), the issuer resolved to its `iss`, and workspaces kept
as IDs with their names beside them. The fields it copies are read through the rule's
field table (`fedctl.fields.RULE_FIELDS`), so a rule field added there reaches this model
without another list of names. The access engine (`fedctl.proof`) reads only this.

Usage:
    rule = ResolvedRule.from_spec(spec, issuer_url="https://token.actions.githubusercontent.com")
    rule.claims  # (("event_name", "push"),): sorted pairs, hashable
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fedctl.fields import RULE_FIELDS
from fedctl.state import IssuerSpec, RuleSpec

# Where a resolved rule's values come from: every rule field of the table but those this
# model replaces with a resolved form (the match is flattened, workspaces get names).
_FLATTENED = frozenset({"match", "workspace_ids", "attributes"})


@dataclass(frozen=True)
class ResolvedIssuer:
    name: str
    issuer_url: str

    @classmethod
    def from_spec(cls, spec: IssuerSpec) -> ResolvedIssuer:
        return cls(name=spec.name, issuer_url=spec.issuer_url)


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

    @property
    def claims_dict(self) -> dict[str, str]:
        return dict(self.claims)

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

    def workspace_label(self, workspace_id: str) -> str:
        name = dict(self.workspace_names).get(workspace_id)
        return f"{workspace_id} ({name})" if name else workspace_id
