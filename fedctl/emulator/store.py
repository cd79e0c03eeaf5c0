"""The emulator's store: every resource operation plus the token-exchange bookkeeping.

`Store` is what the app and the seed loader talk to. It is SQLite behind one lock (see
`db.py`); resource semantics live in accounts.py, issuers.py and rules.py.

    store = Store(None, organization_id=ORG_ID, organization_name="Local")
    account = store.create_service_account(Actor.console(), {"name": "ci"})
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from fedctl.emulator.rules import RuleStore

MINTED_TOKEN_PREFIX = "sk-ant-oat01-"  # noqa: S105 - a prefix, not a secret


@dataclass(frozen=True)
class MintedToken:
    """What a minted access token is bound to (§7.2)."""

    rule_id: str
    service_account_id: str
    scope: str
    workspace_id: str
    expires_at: float

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(self.scope.split())


class Store(RuleStore):
    """All operations of the emulated Admin API; see the module docstring."""

    # ---- exchange bookkeeping ------------------------------------------------------------

    def exchange_view(self, rule_id: str) -> dict[str, Any] | None:
        """The rule with its issuer, target account and enabled workspaces, or None."""
        with self._read():
            rule = self._resource("federation_rule", rule_id)
            if rule is None:
                return None
            return {
                "rule": self._render_rule(rule),
                "issuer": self._resource("federation_issuer", rule["issuer_id"]),
                "account": self._resource("service_account", rule["target"]["service_account_id"]),
                "workspaces": self._all_workspaces(),
                "default_workspace_id": self.default_workspace_id,
            }

    def is_member(self, service_account_id: str, workspace_id: str) -> bool:
        with self._read():
            return self._is_member(service_account_id, workspace_id)

    def consume_jti(self, issuer_id: str, jti: str) -> bool:
        """Record a jti as used; False when it was already used with this issuer."""
        with self._write() as db:
            try:
                db.execute("INSERT INTO used_jtis(issuer_id, jti) VALUES (?, ?)", (issuer_id, jti))
            except sqlite3.IntegrityError:
                return False
            return True

    def jti_used(self, issuer_id: str, jti: str) -> bool:
        with self._read() as db:
            row = db.execute(
                "SELECT 1 FROM used_jtis WHERE issuer_id = ? AND jti = ?", (issuer_id, jti)
            ).fetchone()
            return row is not None

    def mint_token(self, binding: MintedToken) -> str:
        """A new `sk-ant-oat01-` token; only its SHA-256 is stored."""
        token = MINTED_TOKEN_PREFIX + secrets.token_urlsafe(48)
        with self._write() as db:
            db.execute(
                "INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?)",
                (
                    _token_hash(token),
                    binding.rule_id,
                    binding.service_account_id,
                    binding.scope,
                    binding.workspace_id,
                    binding.expires_at,
                ),
            )
        return token

    def lookup_token(self, token: str) -> MintedToken | None:
        """The binding of a live minted token, or None when unknown or expired."""
        with self._read() as db:
            row = db.execute(
                "SELECT * FROM tokens WHERE token_hash = ?", (_token_hash(token),)
            ).fetchone()
        if row is None or row["expires_at"] <= time.time():
            return None
        return MintedToken(
            row["rule_id"],
            row["service_account_id"],
            row["scope"],
            row["workspace_id"],
            row["expires_at"],
        )

    def service_account_role(self, service_account_id: str) -> str | None:
        """The live service account's organization_role, or None when gone or archived."""
        with self._read():
            doc = self._resource("service_account", service_account_id)
        if doc is None or doc["archived_at"] is not None:
            return None
        return str(doc["organization_role"])


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
