"""One kind of resource as rows of the `resources` table: lookups, pages, names, archiving.

Service accounts, issuers and rules share this shape (JSON documents with `id`, `name`,
`created_at` and `archived_at`), so the name claim, the archive-unless-still-referenced
step and the newest-first pages are written once here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from fedctl.emulator.db import Actor, Database, ResourceKind
from fedctl.emulator.paging import item_of, next_cursor, page, stale_cursor
from fedctl.emulator.validation import bad_request, conflict, not_found

# Renders documents as the API shows them; takes a whole page so that what a page's
# documents look up (names, enablements) is read in one query, not one per document.
Render = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


def _as_stored(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return docs


class Records:
    """The documents of one `kind`; `label` names it in 404 messages."""

    def __init__(self, db: Database, kind: ResourceKind, label: str) -> None:
        self._db = db
        self.kind = kind
        self.label = label

    def find(self, resource_id: str) -> dict[str, Any] | None:
        """The stored document, or None; call under a read or write."""
        row = self._db.execute(
            "SELECT doc FROM resources WHERE id = ? AND kind = ?", (resource_id, self.kind)
        ).fetchone()
        return None if row is None else dict(json.loads(row["doc"]))

    def all(self) -> list[dict[str, Any]]:
        """Every document, newest first; call under a read or write."""
        rows = self._db.execute(
            "SELECT doc FROM resources WHERE kind = ? ORDER BY created_at DESC, id DESC",
            (self.kind,),
        ).fetchall()
        return [dict(json.loads(row["doc"])) for row in rows]

    def names(self, resource_ids: Iterable[str]) -> dict[str, str]:
        """ID -> name of those that exist; call under a read or write."""
        wanted = sorted(set(resource_ids))
        marks = ", ".join("?" * len(wanted))
        rows = self._db.execute(
            f"SELECT id, name FROM resources WHERE kind = ? AND id IN ({marks})",  # noqa: S608
            [self.kind, *wanted],
        ).fetchall()
        return {str(row["id"]): str(row["name"]) for row in rows}

    def require(self, resource_id: str) -> dict[str, Any]:
        """A path reference: unknown -> 404 naming the kind; call under a read or write."""
        doc = self.find(resource_id)
        if doc is None:
            raise not_found(self.label)
        return doc

    def save(self, doc: dict[str, Any], *, new: bool) -> None:
        if new:
            self._db.execute(
                "INSERT INTO resources(id, kind, name, created_at, doc) VALUES (?, ?, ?, ?, ?)",
                (doc["id"], self.kind, doc["name"], doc["created_at"], json.dumps(doc)),
            )
        else:
            self._db.execute(
                "UPDATE resources SET name = ?, doc = ? WHERE id = ?",
                (doc["name"], json.dumps(doc), doc["id"]),
            )

    def claim_name(self, name: str, message: str, *, except_id: str | None = None) -> None:
        """409 with `message` when another resource of the kind has this name."""
        # Archived resources keep their names reserved (strict choice, §8 item 4).
        row = self._db.execute(
            "SELECT id FROM resources WHERE kind = ? AND name = ? AND id != ?",
            (self.kind, name, except_id or ""),
        ).fetchone()
        if row is not None:
            raise conflict(message)

    def archive(
        self,
        actor: Actor,
        doc: dict[str, Any],
        *,
        before: dict[str, Any],
        blocking: Iterable[str] = (),
        refusal: str = "",
    ) -> None:
        """Stamp `doc` archived, unless live resources named in `blocking` still use it.

        `refusal` is the 400 message, with `{names}` standing for the sorted names.
        """
        names = sorted(blocking)
        if names:
            raise bad_request(refusal.format(names=", ".join(names)))
        doc["archived_at"], doc["archived_by_actor_id"] = self._db.now(), actor.actor_id
        self.save(doc, new=False)
        self._db.remember(doc["id"], before)

    def get(self, resource_id: str, *, stale: bool, render: Render = _as_stored) -> dict[str, Any]:
        """One resource as `render` shows it, or its previous version on a stale read."""
        with self._db.read():
            doc = self.find(resource_id)
            rendered = None if doc is None else render([doc])[0]
            if rendered is not None and stale:
                lagging, previous = self._db.stale_version(resource_id)
                rendered = previous if lagging else rendered
        if rendered is None:
            raise not_found(self.label)
        return rendered

    def listing(
        self,
        list_key: str,
        *,
        limit: int,
        cursor: str | None,
        include_archived: bool,
        stale: bool,
        issuer_id: str | None = None,
        render: Render = _as_stored,
    ) -> dict[str, Any]:
        """One page of the list (§4.1), each document as `render` shows it."""
        if not stale:
            # Only the page is rendered (a rule costs three lookups), not the whole list.
            with self._db.read():
                raw, next_page = self._fresh_page(
                    list_key,
                    limit=limit,
                    cursor=cursor,
                    include_archived=include_archived,
                    issuer_id=issuer_id,
                )
                data = render(raw)
            return {"data": data, "next_page": next_page}
        with self._db.read():
            docs = self._db.maybe_stale(render(self.all()))
        docs = [
            doc
            for doc in docs
            if (include_archived or doc["archived_at"] is None)
            and (issuer_id is None or doc["issuer_id"] == issuer_id)
        ]
        data, next_page = page(
            list_key, docs, lambda doc: str(doc["id"]), limit=limit, cursor=cursor
        )
        return {"data": data, "next_page": next_page}

    def _fresh_page(
        self,
        list_key: str,
        *,
        limit: int,
        cursor: str | None,
        include_archived: bool,
        issuer_id: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page (no stale read), newest first; call under a read.

        Same order, filters and cursors as `page` over `all()`, but the page is found
        through the (kind, created_at, id) index from the cursor's entry on: scanning
        and parsing the whole kind for every page made listing quadratic.
        """
        where = "kind = ?"
        params: list[str | int] = [self.kind]
        if not include_archived:
            where += " AND json_extract(doc, '$.archived_at') IS NULL"
        if issuer_id is not None:
            where += " AND json_extract(doc, '$.issuer_id') = ?"
            params.append(issuer_id)
        if cursor is not None:
            after = self._db.execute(
                f"SELECT created_at, id FROM resources WHERE id = ? AND {where}",  # noqa: S608
                [item_of(list_key, cursor), *params],
            ).fetchone()
            if after is None:
                raise stale_cursor()
            where += " AND (created_at, id) < (?, ?)"
            params += [after["created_at"], after["id"]]
        rows = self._db.execute(
            f"SELECT doc FROM resources WHERE {where} "  # noqa: S608 - no values in the text
            "ORDER BY created_at DESC, id DESC LIMIT ?",
            [*params, limit + 1],
        ).fetchall()
        docs = [dict(json.loads(row["doc"])) for row in rows[:limit]]
        more = len(rows) > limit
        return docs, next_cursor(list_key, docs[-1]["id"]) if more and docs else None
