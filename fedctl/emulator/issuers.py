"""Federation issuers (docs/admin-api.md §2.5, §3.2, §3.3, §5.3, §5.6, §5.9).

Issuers can be renamed and repointed; an OAuth caller may not touch one that backs a
Console-managed rule, and an issuer_url move onto a shared platform is checked against
every live rule under it.
"""

from __future__ import annotations

from typing import Any

from fedctl.emulator.db import Actor, Database, new_id
from fedctl.emulator.records import Records
from fedctl.emulator.tenancy import pins_tenant, shared_platform, tenant_message
from fedctl.emulator.validation import (
    bad_request,
    bool_field,
    check_issuer_urls,
    check_jwks,
    check_name,
    forbidden,
    int_field,
    is_api_manageable,
    object_body,
    string_field,
)

MAX_JWT_LIFETIME = 176400
ISSUER_UPDATE_FIELDS = {
    "name",
    "issuer_url",
    "jwks",
    "check_jti",
    "max_jwt_lifetime_seconds",
    "jwks_polling_disabled",
}


class Issuers:
    """Issuer operations of the emulated API."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.records = Records(db, "federation_issuer", "Federation issuer")
        self._rules = Records(db, "federation_rule", "Federation rule")

    def create(self, actor: Actor, body: Any) -> dict[str, Any]:
        body = object_body(
            body, {"name", "issuer_url", "jwks", "check_jti", "max_jwt_lifetime_seconds"}
        )
        name = check_name(string_field(body, "name", required=True) or "")
        issuer_url = string_field(body, "issuer_url", required=True) or ""
        if "jwks" in body and body["jwks"] is None:
            raise bad_request("jwks: must be an object, not null")
        jwks = check_jwks(body.get("jwks", {"type": "discovery"}))
        check_issuer_urls(issuer_url, jwks)
        # null means "use the default" for these two (§8 item 10).
        check_jti = bool_field(body, "check_jti", nullable=True)
        lifetime = int_field(
            body, "max_jwt_lifetime_seconds", low=1, high=MAX_JWT_LIFETIME, nullable=True
        )
        with self._db.write():
            self.records.claim_name(
                name,
                f"A federation issuer named {name!r} already exists "
                "(archived issuers keep their names).",
            )
            now = self._db.now()
            issuer_id = new_id("fdis_")
            doc: dict[str, Any] = {
                "type": "federation_issuer",
                "id": issuer_id,
                "name": name,
                "issuer_url": issuer_url,
                "jwks": jwks,
                "check_jti": True if check_jti is None else check_jti,
                "max_jwt_lifetime_seconds": 3600 if lifetime is None else lifetime,
                "jwks_polling_disabled_at": None,
                # The emulator never polls, so there is no poll status to report.
                "poll_status": None,
                "created_at": now,
                "created_by_actor_id": actor.actor_id,
                "updated_at": now,
                "updated_by_actor_id": actor.actor_id,
                "archived_at": None,
                "archived_by_actor_id": None,
            }
            self.records.save(doc, new=True)
            self._db.remember(issuer_id, None)
            return doc

    def get(self, issuer_id: str, *, stale: bool = False) -> dict[str, Any]:
        return self.records.get(issuer_id, stale=stale)

    def listing(
        self, *, limit: int, page: str | None, include_archived: bool, stale: bool = False
    ) -> dict[str, Any]:
        return self.records.listing(
            f"issuers:{include_archived}",
            limit=limit,
            cursor=page,
            include_archived=include_archived,
            stale=stale,
        )

    def update(self, actor: Actor, issuer_id: str, body: Any) -> dict[str, Any]:
        body = object_body(body, ISSUER_UPDATE_FIELDS)
        with self._db.write():
            doc = self.records.require(issuer_id)
            before = dict(doc)
            if doc["archived_at"] is not None:
                raise bad_request(
                    "This federation issuer is archived and cannot be updated; "
                    "create a new issuer instead."
                )
            live_rules = self._live_rules_of_issuer(issuer_id)
            if not actor.is_console and any(
                not is_api_manageable(rule["oauth_scope"]) for rule in live_rules
            ):
                raise forbidden(
                    "This issuer backs a rule whose oauth_scope is not workspace:developer or "
                    "workspace:inference; only a Console session may update it."
                )
            self._apply_issuer_changes(doc, body)
            if body.get("name") is not None:
                self.records.claim_name(
                    doc["name"],
                    f"A federation issuer named {doc['name']!r} already exists.",
                    except_id=issuer_id,
                )
            platform = shared_platform(doc["issuer_url"])
            if platform is not None and doc["issuer_url"] != before["issuer_url"]:
                loose = [
                    rule["name"] for rule in live_rules if not pins_tenant(platform, rule["match"])
                ]
                if loose:
                    raise bad_request(
                        f"issuer_url: live rules under this issuer do not pin a tenant "
                        f"({', '.join(sorted(loose))}); {tenant_message(platform)}"
                    )
            doc["updated_at"], doc["updated_by_actor_id"] = self._db.now(), actor.actor_id
            self.records.save(doc, new=False)
            self._db.remember(issuer_id, before)
            return doc

    def _apply_issuer_changes(self, doc: dict[str, Any], body: dict[str, Any]) -> None:
        """Null means "unchanged" for every issuer field (§2.5.4, §8 item 9)."""
        name = string_field(body, "name", nullable=True)
        if name is not None:
            doc["name"] = check_name(name)
        issuer_url = string_field(body, "issuer_url", nullable=True)
        if body.get("jwks") is not None:
            doc["jwks"] = check_jwks(body["jwks"])
        if issuer_url is not None:
            doc["issuer_url"] = issuer_url
        if issuer_url is not None or body.get("jwks") is not None:
            check_issuer_urls(doc["issuer_url"], doc["jwks"])
        check_jti = bool_field(body, "check_jti", nullable=True)
        if check_jti is not None:
            doc["check_jti"] = check_jti
        lifetime = int_field(
            body, "max_jwt_lifetime_seconds", low=1, high=MAX_JWT_LIFETIME, nullable=True
        )
        if lifetime is not None:
            doc["max_jwt_lifetime_seconds"] = lifetime
        polling_disabled = bool_field(body, "jwks_polling_disabled", nullable=True)
        if polling_disabled is True:
            raise bad_request("jwks_polling_disabled: only false is accepted (it resumes polling)")
        if polling_disabled is False:
            doc["jwks_polling_disabled_at"] = None

    def pause_polling(self, issuer_id: str) -> dict[str, Any]:
        """What Anthropic's poller does after repeated key fetch failures (§3.2): the
        emulator never fetches keys, so tests pause it by hand. An update sending
        `jwks_polling_disabled: false` resumes it."""
        with self._db.write():
            doc = self.records.require(issuer_id)
            before = dict(doc)
            doc["jwks_polling_disabled_at"] = self._db.now()
            self.records.save(doc, new=False)
            self._db.remember(issuer_id, before)
            return doc

    def archive(self, actor: Actor, issuer_id: str) -> dict[str, Any]:
        with self._db.write():
            doc = self.records.require(issuer_id)
            if doc["archived_at"] is not None:
                return doc
            self.records.archive(
                actor,
                doc,
                before=dict(doc),
                blocking=(rule["name"] for rule in self._live_rules_of_issuer(issuer_id)),
                refusal="Cannot archive an issuer referenced by live federation rules "
                "({names}); archive those rules first.",
            )
            return doc

    def for_body(self, issuer_id: str) -> dict[str, Any]:
        """A body reference: unknown -> 400, archived -> 400 (§8 items 5, 6)."""
        doc = self.records.find(issuer_id)
        if doc is None:
            raise bad_request(f"issuer_id: issuer {issuer_id} does not exist in this organization")
        if doc["archived_at"] is not None:
            raise bad_request(f"issuer_id: issuer {issuer_id} is archived")
        return doc

    def _live_rules_of_issuer(self, issuer_id: str) -> list[dict[str, Any]]:
        return [
            rule
            for rule in self._rules.all()
            if rule["archived_at"] is None and rule["issuer_id"] == issuer_id
        ]
