"""`fedctl doctor`: check, read-only, everything fedctl relies on in a live organization.

Run first against a real organization: the credential and `GET /v1/organizations/me`,
every list fedctl reads (status, envelope and pagination keys, each object's keys against
the fields fedctl parses), one `limit=1` walk over the smallest non-empty cursor list, the
headers fedctl sends, and how many live resources fedctl would hold as unmanageable. New
keys are `warn` ("the API has grown"); missing keys, wrong envelopes and refusals are
`FAIL`. Only GET requests are sent (the client is read-only, so a write would raise).

    report = run_doctor(client)
    exit_code = 1 if report.failed else 0
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from fedctl import __version__
from fedctl.api import wire
from fedctl.api.auth import OAUTH_BETA
from fedctl.api.client import API_VERSION, AdminClient
from fedctl.core.errors import ApiError

# Which edition of the Admin API behaviour fedctl implements (docs/admin-api.md: empty pages
# with a cursor do not end a list, API-key limit errors, the default audience); a bug
# report names it so a reader knows what fedctl expected.
CONTRACT_REVISION = 3
ORG = "/v1/organizations"
CURSOR_ENVELOPE = frozenset({"data", "next_page"})
ID_CURSOR_ENVELOPE = frozenset({"data", "has_more", "first_id", "last_id"})
MAX_WALK_PAGES = 100


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    expected: str = ""
    got: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "status": self.status.value,
            "detail": self.detail,
            "expected": self.expected,
            "got": self.got,
        }


@dataclass
class Report:
    base_url: str
    checks: list[Check] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(check.status is Status.FAIL for check in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "fedctl_version": __version__,
            "contract_revision": CONTRACT_REVISION,
            "base_url": self.base_url,
            "result": "FAIL" if self.failed else "ok",
            "checks": [check.to_json() for check in self.checks],
        }


@dataclass(frozen=True)
class Listing:
    """One list endpoint: where, which envelope, and the wire model of its objects."""

    name: str
    path: str
    model: type[wire.WireModel]
    params: dict[str, str | int] = field(default_factory=dict)
    envelope: frozenset[str] = CURSOR_ENVELOPE


def run_doctor(client: AdminClient) -> Report:
    return _Doctor(client).run()


class _Doctor:
    """One run: the read-only client, and the report its checks are added to."""

    def __init__(self, client: AdminClient) -> None:
        self.client = client
        self.report = Report(base_url=client.base_url)
        self.answered = 0

    def add(self, check: Check) -> None:
        self.report.checks.append(check)

    def run(self) -> Report:
        self.add(_credential(self.client))
        if self._object("organization", f"{ORG}/me", wire.Organization) is None:
            return self.report  # nothing else can be read with this credential
        pages = {listing.name: self._list(listing) for listing in _top_listings()}
        for listing in _child_listings(pages):
            self._list(listing)
        self.add(self._walk(pages))
        self.add(self._headers())
        self.add(_unmanageable(self.client))
        return self.report

    def _get(self, name: str, path: str, params: dict[str, str | int] | None = None) -> Any:
        try:
            body = self.client.request("GET", path, params=params)
        except ApiError as exc:
            self.add(
                Check(
                    name,
                    Status.FAIL,
                    f"GET {path}: {exc.render()}",
                    expected="200",
                    got=str(exc.status or "no answer"),
                )
            )
            return None
        self.answered += 1
        return body

    def _object(self, name: str, path: str, model: type[wire.WireModel]) -> Any:
        body = self._get(name, path)
        if body is None:
            return None
        if not isinstance(body, dict):
            self.add(Check(name, Status.FAIL, f"GET {path}: not a JSON object"))
            return None
        self.add(_keys_check(name, f"GET {path}", [body], model))
        return body

    def _list(self, listing: Listing) -> list[Any] | None:
        body = self._get(listing.name, listing.path, listing.params)
        if body is None:
            return None
        where = f"GET {listing.path}"
        envelope = set(body) if isinstance(body, dict) else set()
        missing = sorted(listing.envelope - envelope)
        data = body.get("data") if isinstance(body, dict) else None
        if missing or not isinstance(data, list):
            self.add(
                Check(
                    f"{listing.name} envelope",
                    Status.FAIL,
                    f"{where}: the page envelope lacks {', '.join(missing) or 'a data list'}",
                    expected=", ".join(sorted(listing.envelope)),
                    got=", ".join(sorted(envelope)),
                )
            )
            return None
        self.add(_keys_check(listing.name, where, data, listing.model))
        return data

    def _walk(self, pages: dict[str, list[Any] | None]) -> Check:
        """Follow `next_page` with limit=1 over the smallest non-empty cursor list."""
        sizes = {
            listing.name: len(pages[listing.name] or [])
            for listing in _top_listings()
            if listing.envelope is CURSOR_ENVELOPE and pages.get(listing.name)
        }
        if not sizes:
            return Check("pagination", Status.WARN, "not checked: every cursor list is empty")
        # The smallest list that takes more than one page, so a cursor is really followed.
        several = {name: size for name, size in sizes.items() if size > 1} or sizes
        smallest = min(several, key=lambda name: several[name])
        listing = next(item for item in _top_listings() if item.name == smallest)
        seen: list[str] = []
        cursor: str | None = None
        for _ in range(MAX_WALK_PAGES):
            params: dict[str, str | int] = {"limit": 1, **({"page": cursor} if cursor else {})}
            body = self._get("pagination", listing.path, params)
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                return Check(
                    "pagination", Status.FAIL, f"GET {listing.path}: a page broke the walk"
                )
            seen += [str(item.get("id")) for item in body["data"] if isinstance(item, dict)]
            cursor = body.get("next_page")
            if not cursor:
                break
        return _walk_result(listing, seen, sizes[smallest])

    def _headers(self) -> Check:
        detail = (
            f"anthropic-version {API_VERSION} and anthropic-beta {OAUTH_BETA} accepted on "
            f"{self.answered} answered request(s)"
        )
        if self.answered == 0:
            return Check("headers", Status.FAIL, "no request was answered", expected="200")
        return Check("headers", Status.OK, detail)


def _walk_result(listing: Listing, seen: list[str], expected: int) -> Check:
    where = f"GET {listing.path}?limit=1"
    if len(set(seen)) != len(seen):
        return Check("pagination", Status.FAIL, f"{where}: the cursor walk repeated an object")
    if expected < 100 and len(seen) != expected:
        return Check(
            "pagination",
            Status.FAIL,
            f"{where}: the walk found {len(seen)} object(s), the first page {expected}",
            expected=str(expected),
            got=str(len(seen)),
        )
    return Check(
        "pagination", Status.OK, f"{where}: {len(seen)} page(s) of one, then next_page null"
    )


def _credential(client: AdminClient) -> Check:
    credential = client.credential
    if credential is None:
        return Check("credential", Status.WARN, "unknown (an in-process emulator)")
    kind = "federation" if credential.federation else "bearer token"
    return Check("credential", Status.OK, f"{kind} from {credential.source}")


def _unmanageable(client: AdminClient) -> Check:
    from fedctl.live.read import read_live

    try:
        live = read_live(client)
    except ApiError as exc:
        return Check("unmanageable", Status.FAIL, f"reading the organization: {exc.render()}")
    reasons = [
        f"{kind.value}/{name}: {meta.unmanageable}" for kind, name, meta in live.unmanageable()
    ]
    if not reasons:
        return Check("unmanageable", Status.OK, "every live resource is one fedctl can manage")
    return Check(
        "unmanageable",
        Status.WARN,
        f"{len(reasons)} live resource(s) fedctl will show but never change: " + "; ".join(reasons),
    )


def _top_listings() -> list[Listing]:
    return list(TOP_LISTINGS)


def _child_listings(pages: dict[str, list[Any] | None]) -> list[Listing]:
    """The per-resource lists, on the first resource of each parent list."""
    listings = []
    for name, parent, template, model in CHILD_LISTINGS:
        first = _first_id(pages.get(parent))
        if first is not None:
            listings.append(Listing(name, template.format(first), model))
    return listings


def _first_id(items: list[Any] | None) -> str | None:
    for item in items or []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            return str(item["id"])
    return None


def _keys_check(name: str, where: str, items: list[Any], model: type[wire.WireModel]) -> Check:
    if not items:
        return Check(name, Status.OK, f"{where}: 200, empty (object keys not checked)")
    expected = set(model.model_fields)
    documented = expected | DOCUMENTED_UNREAD.get(model, frozenset()) | {"type"}
    seen: set[str] = set()
    missing: set[str] = set()
    for item in items:
        keys = set(item) if isinstance(item, dict) else set()
        seen |= keys
        missing |= expected - keys
    if missing:
        return Check(
            name,
            Status.FAIL,
            f"{where}: objects lack {', '.join(sorted(missing))}, which fedctl reads",
            expected=", ".join(sorted(expected)),
            got=", ".join(sorted(seen)),
        )
    grown = sorted(seen - documented)
    if grown:
        return Check(
            name,
            Status.WARN,
            f"{where}: the API has grown: {', '.join(grown)} (ignored when parsing; a "
            "resource using them may show as unmanageable)",
            got=", ".join(grown),
        )
    count = len(items)
    return Check(name, Status.OK, f"{where}: 200, {count} object(s), keys as fedctl reads them")


# Keys docs/admin-api.md §3 documents that fedctl does not need; present, they are no news.
# `type` is documented on every object.
DOCUMENTED_UNREAD: dict[type[wire.WireModel], frozenset[str]] = {
    wire.FederationIssuer: frozenset({"poll_status"}),
    wire.Workspace: frozenset(
        {
            "display_color",
            "compartment_id",
            "data_residency",
            "external_key_id",
            "tags",
            "user_profile_id",
        }
    ),
}

TOP_LISTINGS = (
    Listing("service accounts", f"{ORG}/service_accounts", wire.ServiceAccount),
    Listing("issuers", f"{ORG}/federation_issuers", wire.FederationIssuer),
    Listing("rules", f"{ORG}/federation_rules", wire.FederationRule),
    Listing(
        "workspaces (with default)",
        f"{ORG}/workspaces",
        wire.Workspace,
        {"include_default": "true", "limit": 1000},
        ID_CURSOR_ENVELOPE,
    ),
    Listing(
        "workspaces (without default)",
        f"{ORG}/workspaces",
        wire.Workspace,
        {"limit": 1000},
        ID_CURSOR_ENVELOPE,
    ),
)
MEMBER = wire.ServiceAccountWorkspaceMember
# (check name, parent listing, path template with the parent's first ID, model)
CHILD_LISTINGS: tuple[tuple[str, str, str, type[wire.WireModel]], ...] = (
    (
        "rule workspaces",
        "rules",
        f"{ORG}/federation_rules/{{}}/workspaces",
        wire.FederationRuleWorkspace,
    ),
    (
        "memberships (service account side)",
        "service accounts",
        f"{ORG}/service_accounts/{{}}/workspaces",
        MEMBER,
    ),
    (
        "memberships (workspace side)",
        "workspaces (without default)",
        f"{ORG}/workspaces/{{}}/service_accounts",
        MEMBER,
    ),
)
