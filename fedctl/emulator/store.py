"""The emulator's store: one `Database` and the per-kind stores that hold it.

`Store` is what the app and the seed loader talk to. It is SQLite behind one lock (see
`db.py`); each kind's semantics live in its own module (workspaces, accounts,
memberships, issuers, rules, tokens). The flat names below (`store.create_rule`, ...) are
the per-kind methods themselves, so the routes read as the contract's endpoint list.

    store = Store(None, organization_id=ORG_ID, organization_name="Local")
    account = store.create_service_account(Actor.console(), {"name": "ci"})
"""

from __future__ import annotations

from typing import Any

from fedctl.emulator.accounts import ServiceAccounts
from fedctl.emulator.db import Database
from fedctl.emulator.issuers import Issuers
from fedctl.emulator.memberships import Memberships
from fedctl.emulator.rules import Rules
from fedctl.emulator.tokens import Tokens
from fedctl.emulator.workspaces import Workspaces


class Store:
    """All operations of the emulated Admin API; see the module docstring."""

    def __init__(self, path: str | None, *, organization_id: str, organization_name: str) -> None:
        self.db = Database(path)
        self.workspaces = Workspaces(self.db)
        with self.db.write():
            self.db.claim_organization(organization_id, organization_name)
            self.workspaces.ensure_default()
        self.service_accounts = ServiceAccounts(self.db)
        self.memberships = Memberships(self.db, self.workspaces, self.service_accounts)
        self.issuers = Issuers(self.db)
        self.rules = Rules(self.db, self.workspaces, self.service_accounts, self.issuers)
        self.tokens = Tokens(self.db)
        self._bind_operations()

    def _bind_operations(self) -> None:
        workspaces, accounts, memberships = self.workspaces, self.service_accounts, self.memberships
        self.ensure_workspace = workspaces.ensure
        self.archive_workspace = workspaces.archive
        self.get_workspace = workspaces.get
        self.list_workspaces = workspaces.listing
        self.create_service_account = accounts.create
        self.get_service_account = accounts.get
        self.list_service_accounts = accounts.listing
        self.update_service_account = accounts.update
        self.archive_service_account = accounts.archive
        self.service_account_role = accounts.role
        self.list_service_account_workspaces = memberships.list_of_account
        self.list_workspace_members = memberships.list_of_workspace
        self.get_membership = memberships.get
        self.add_membership = memberships.add
        self.update_membership = memberships.update
        self.remove_membership = memberships.remove
        self.is_member = memberships.is_member
        self.create_issuer = self.issuers.create
        self.get_issuer = self.issuers.get
        self.list_issuers = self.issuers.listing
        self.update_issuer = self.issuers.update
        self.archive_issuer = self.issuers.archive
        self.create_rule = self.rules.create
        self.get_rule = self.rules.get
        self.list_rules = self.rules.listing
        self.update_rule = self.rules.update
        self.archive_rule = self.rules.archive
        self.list_rule_workspaces = self.rules.list_workspaces
        self.add_rule_workspace = self.rules.add_workspace
        self.remove_rule_workspace = self.rules.remove_workspace
        self.consume_jti = self.tokens.consume_jti
        self.jti_used = self.tokens.jti_used
        self.mint_token = self.tokens.mint
        self.lookup_token = self.tokens.lookup

    def close(self) -> None:
        self.db.close()

    @property
    def organization_id(self) -> str:
        with self.db.read():
            return self.db.meta("organization_id") or ""

    def organization(self) -> dict[str, Any]:
        with self.db.read():
            return {
                "id": self.db.meta("organization_id"),
                "name": self.db.meta("organization_name"),
                "type": "organization",
            }

    @property
    def default_workspace_id(self) -> str:
        return self.workspaces.default_id

    def exchange_view(self, rule_id: str) -> dict[str, Any] | None:
        """The rule with its issuer, target account and enabled workspaces, or None."""
        with self.db.read():
            rule = self.rules.records.find(rule_id)
            if rule is None:
                return None
            return {
                "rule": self.rules.render(rule),
                "issuer": self.issuers.records.find(rule["issuer_id"]),
                "account": self.service_accounts.records.find(rule["target"]["service_account_id"]),
                "workspaces": self.workspaces.all(),
                "default_workspace_id": self.workspaces.default_id,
            }
