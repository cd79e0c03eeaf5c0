"""Token-exchange bookkeeping: used JWT IDs and the access tokens this emulator minted (§7)."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from dataclasses import dataclass

from fedctl.emulator.db import Database

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


class Tokens:
    """Used jtis and minted tokens over the shared `Database`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def consume_jti(self, issuer_id: str, jti: str) -> bool:
        """Record a jti as used; False when it was already used with this issuer."""
        with self._db.write() as db:
            try:
                db.execute("INSERT INTO used_jtis(issuer_id, jti) VALUES (?, ?)", (issuer_id, jti))
            except sqlite3.IntegrityError:
                return False
            return True

    def jti_used(self, issuer_id: str, jti: str) -> bool:
        with self._db.read() as db:
            row = db.execute(
                "SELECT 1 FROM used_jtis WHERE issuer_id = ? AND jti = ?", (issuer_id, jti)
            ).fetchone()
            return row is not None

    def mint(self, binding: MintedToken) -> str:
        """A new `sk-ant-oat01-` token; only its SHA-256 is stored."""
        token = MINTED_TOKEN_PREFIX + secrets.token_urlsafe(48)
        with self._db.write() as db:
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

    def lookup(self, token: str) -> MintedToken | None:
        """The binding of a live minted token, or None when unknown or expired."""
        with self._db.read() as db:
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


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
