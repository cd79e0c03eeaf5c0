"""Admin API writes that never take effect twice, even when an answer is lost.

A write whose outcome is unknown (`OutcomeUnknown`: a 5xx, a dropped connection or a
timeout after the request left) is never blindly resent:

- create: list by name; an object that matches what was sent *is* the result; one that
  differs is an ApiError; none (after waiting out read lag) means the create did not
  happen, so it is sent again. A 409 on such a resend is resolved the same way.
  A 409 on a first send is settled by reading too: when no live or archived resource
  holds the name, nothing explains it but a concurrent modification (§6.2), so the
  create is sent again; when one does, the 409 goes to the caller to decide.
- update: read the object back and compare the sent fields; resend only if they differ.
- archive, membership upsert, enablement add: read back, resend if not done. The contract
  makes these idempotent (§2.2.5, §2.3, §2.7.2), so a resend is harmless anyway.
- deletes (membership, enablement) are idempotent (§2.3, §2.7.3): the client resends them
  like reads.

Reads after a write may lag it (the emulator's `stale-read` fault lags up to ~1 s), so a
"did not take effect" conclusion is only drawn after several reads spread over 1.2 s.

    account = create_service_account(client, name="ci", description="deploys")
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from fedctl.api import resources, wire
from fedctl.api.bodies import OMIT as OMIT  # library callers leave a field out with it
from fedctl.api.bodies import Omitted
from fedctl.api.client import AdminClient, OutcomeUnknown
from fedctl.api.readback import (
    MAX_SENDS,
    differences,
    read_back,
    resend_until_known,
    still_unknown,
)
from fedctl.api.resources import ISSUERS, RULES, SERVICE_ACCOUNTS, parse_reply, segment
from fedctl.core.errors import ApiError
from fedctl.core.state import Kind

Model = TypeVar("Model", bound=wire.WireModel)

# A create refused with a 409 that no live or archived name explains is sent again this
# many times, waiting a little longer each time (a concurrent modification holds a lock),
# at most CONFLICT_DELAY_CAP between sends: about 6 s in all before the step gives up.
MAX_CONFLICTS: Final = 10
CONFLICT_DELAY: Final = 0.1
CONFLICT_DELAY_CAP: Final = 0.8


@dataclass(frozen=True)
class _Kind:
    label: str
    collection: str
    model: type[wire.WireModel]
    list_active: Callable[[AdminClient], list[Any]]
    list_all: Callable[[AdminClient], list[Any]]


SERVICE_ACCOUNT = _Kind(
    "service account",
    SERVICE_ACCOUNTS,
    wire.ServiceAccount,
    resources.list_service_accounts,
    lambda client: resources.list_service_accounts(client, include_archived=True),
)
ISSUER = _Kind(
    "issuer",
    ISSUERS,
    wire.FederationIssuer,
    resources.list_issuers,
    lambda client: resources.list_issuers(client, include_archived=True),
)
RULE = _Kind(
    "rule",
    RULES,
    wire.FederationRule,
    resources.list_rules,
    lambda client: resources.list_rules(client, include_archived=True),
)


# ---- top-level resources: create, update, archive ---------------------------------------


def _create(client: AdminClient, kind: _Kind, body: dict[str, Any]) -> Any:
    resource = f"{kind.label} {body['name']}"
    unknown = False
    conflicts: list[ApiError] = []
    unknown_rounds = 0
    while True:
        try:
            data = client.request("POST", kind.collection, json=body, resource=resource)
            return parse_reply(client, kind.model, data, what=kind.label)
        except OutcomeUnknown:
            unknown = True
        except ApiError as exc:
            if exc.status != 409:
                raise
            # A 409 after an unknown outcome most likely means our own create took effect.
            if not unknown:
                if _name_is_held(client, kind, body["name"]) or len(conflicts) >= MAX_CONFLICTS:
                    raise
                conflicts.append(exc)
                client.sleeper.sleep(min(CONFLICT_DELAY * len(conflicts), CONFLICT_DELAY_CAP))
                continue
        existing = _find_created(client, kind, body, resource)
        if existing is not None:
            return existing
        unknown_rounds += 1
        if unknown_rounds >= MAX_SENDS:
            raise still_unknown(resource, "create")


def _name_is_held(client: AdminClient, kind: _Kind, name: str) -> bool:
    """Whether a live or archived resource of this kind is called `name` (archived names
    stay reserved, docs/admin-api.md §8)."""
    return any(item.name == name for item in kind.list_all(client))


def _find_created(client: AdminClient, kind: _Kind, body: dict[str, Any], resource: str) -> Any:
    def by_name() -> Any:
        return next((o for o in kind.list_active(client) if o.name == body["name"]), None)

    found, _ = read_back(client, by_name, lambda obj: obj is not None)
    if found is None:
        return None
    changed = differences(found, body)
    if changed:
        raise ApiError(
            message=(
                f"a create's outcome was unknown and the {kind.label} now named "
                f"{body['name']!r} ({found.id}) differs in {', '.join(changed)}"
            ),
            resource=resource,
            hint="someone else may have created it; run plan again",
        )
    return found


def _update(
    client: AdminClient, kind: _Kind, resource_id: str, body: dict[str, Any], name: str
) -> Any:
    path = f"{kind.collection}/{segment(resource_id)}"
    resource = f"{kind.label} {name}"

    def send() -> Any:
        # Without a name the update cannot meet a duplicate: a 409 is a concurrent
        # modification, refused unprocessed, and is retried (§6.2).
        data = client.request(
            "POST", path, json=body, resource=resource, retry_conflict="name" not in body
        )
        return parse_reply(client, kind.model, data, what=kind.label)

    return resend_until_known(
        client,
        send,
        _reader(client, kind, path, resource),
        lambda obj: not differences(obj, body),
        resource=resource,
        action="update",
    )


def _archive(client: AdminClient, kind: _Kind, resource_id: str, name: str) -> Any:
    path = f"{kind.collection}/{segment(resource_id)}"
    resource = f"{kind.label} {name}"

    def send() -> Any:
        data = client.request("POST", f"{path}/archive", resource=resource, retry_conflict=True)
        return parse_reply(client, kind.model, data, what=kind.label)

    # Archive is idempotent (§5.10): resending after a read that shows it live is safe.
    return resend_until_known(
        client,
        send,
        _reader(client, kind, path, resource),
        lambda obj: obj.archived_at is not None,
        resource=resource,
        action="archive",
    )


def _reader(client: AdminClient, kind: _Kind, path: str, resource: str) -> Callable[[], Any]:
    def read() -> Any:
        return parse_reply(
            client, kind.model, client.request("GET", path, resource=resource), what=kind.label
        )

    return read


# ---- by kind: the bodies apply builds from the field tables ------------------------------

_KINDS: Final = {Kind.SERVICE_ACCOUNT: SERVICE_ACCOUNT, Kind.ISSUER: ISSUER, Kind.RULE: RULE}


def _on_the_wire(kind: Kind, body: Mapping[str, Any]) -> dict[str, Any]:
    """A body as the API takes it: a rule names its service account in `target` (§3.6)."""
    sent = {key: value for key, value in body.items() if not isinstance(value, Omitted)}
    if kind is Kind.RULE and "service_account_id" in sent:
        account_id = sent.pop("service_account_id")
        sent["target"] = {"type": "service_account", "service_account_id": account_id}
    return sent


def create(client: AdminClient, kind: Kind, body: Mapping[str, Any]) -> Any:
    """Create a service account, issuer or rule from its body (`fedctl.api.bodies`)."""
    return _create(client, _KINDS[kind], _on_the_wire(kind, body))


def update(
    client: AdminClient, kind: Kind, resource_id: str, body: Mapping[str, Any], *, name: str
) -> Any:
    """Update one; `name` (its current name) identifies it in messages."""
    return _update(client, _KINDS[kind], resource_id, _on_the_wire(kind, body), name)


# ---- typed conveniences for library callers: keyword arguments, the same bodies --------


def create_service_account(client: AdminClient, *, name: str, **fields: Any) -> wire.ServiceAccount:
    result: wire.ServiceAccount = create(client, Kind.SERVICE_ACCOUNT, {"name": name, **fields})
    return result


def update_service_account(
    client: AdminClient, service_account_id: str, *, name: str, **fields: Any
) -> wire.ServiceAccount:
    """`name` identifies it in messages; a service account cannot be renamed (§2.2.4)."""
    result: wire.ServiceAccount = update(
        client, Kind.SERVICE_ACCOUNT, service_account_id, fields, name=name
    )
    return result


def archive_service_account(
    client: AdminClient, service_account_id: str, *, name: str
) -> wire.ServiceAccount:
    result: wire.ServiceAccount = _archive(client, SERVICE_ACCOUNT, service_account_id, name)
    return result


def create_issuer(
    client: AdminClient, *, name: str, issuer_url: str, **fields: Any
) -> wire.FederationIssuer:
    body = {"name": name, "issuer_url": issuer_url, **fields}
    result: wire.FederationIssuer = create(client, Kind.ISSUER, body)
    return result


def update_issuer(
    client: AdminClient, issuer_id: str, *, current_name: str, **fields: Any
) -> wire.FederationIssuer:
    result: wire.FederationIssuer = update(
        client, Kind.ISSUER, issuer_id, fields, name=current_name
    )
    return result


def archive_issuer(client: AdminClient, issuer_id: str, *, name: str) -> wire.FederationIssuer:
    result: wire.FederationIssuer = _archive(client, ISSUER, issuer_id, name)
    return result


def create_rule(client: AdminClient, *, name: str, **fields: Any) -> wire.FederationRule:
    """`service_account_id` is sent as the rule's `target`."""
    result: wire.FederationRule = create(client, Kind.RULE, {"name": name, **fields})
    return result


def update_rule(
    client: AdminClient, rule_id: str, *, current_name: str, **fields: Any
) -> wire.FederationRule:
    result: wire.FederationRule = update(client, Kind.RULE, rule_id, fields, name=current_name)
    return result


def archive_rule(client: AdminClient, rule_id: str, *, name: str) -> wire.FederationRule:
    result: wire.FederationRule = _archive(client, RULE, rule_id, name)
    return result
