"""The export's data, before it becomes text: one entry per resource, and their sections."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fedctl.core.state import Kind, Organization

# The section key of each kind in the configuration language, in file order.
SECTION_BY_KIND: dict[Kind, str] = {
    Kind.SERVICE_ACCOUNT: "service_accounts",
    Kind.ISSUER: "issuers",
    Kind.RULE: "rules",
}


class Disposition(StrEnum):
    DECLARED = "declared"
    CONSOLE_MANAGED = "console_managed"
    ARCHIVED = "archived"
    NOT_DECLARABLE = "not_declarable"


@dataclass(frozen=True)
class Entry:
    """One resource as configuration: `body` is the YAML mapping, `notes` comment lines.

    `issuer_name` groups issuers and rules for --split-by-issuer (None for service
    accounts); `archived_issuer` marks entries whose issuer is archived.
    """

    kind: Kind
    name: str
    body: dict[str, Any]
    notes: tuple[str, ...]
    disposition: Disposition
    issuer_name: str | None = None
    sort_id: str = ""

    @property
    def declared(self) -> bool:
        return self.disposition is Disposition.DECLARED


@dataclass(frozen=True)
class Export:
    """Everything `fedctl export` writes, before it becomes text."""

    organization: Organization
    entries: tuple[Entry, ...]
    # Issuer names that are written as live (declared or Console-managed) entries.
    live_issuer_names: frozenset[str]
    # The `api_keys` block, rendered (None: the keys were not read).
    api_keys_block: str | None = None
