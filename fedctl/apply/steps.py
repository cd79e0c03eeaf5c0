"""One Step -> one Admin API write through the client's safe write layer.

The planner's payloads hold API field values with references by name (see
PLAN-CONTRACT: `issuer_name`, `service_account_name`, and a step's own resource when
`live_id` is None); this module resolves them through `ResourceIds` and calls
`fedctl.api.writes` / `fedctl.api.workspace_writes`, which settle every ambiguous write by
reading back (a create that timed out but took effect is adopted, never repeated).

One case the write layer leaves to us: a 409 on the *first* send of a create. The plan
said the name was free, so either the live read lagged or someone created it since. The
existing resource is adopted when it matches what the configuration asks for, and the
step fails with a message naming the differing fields when it does not.

Usage:
    runner = StepRunner(client, ResourceIds.from_live(live))
    execute_steps(plan.steps, runner.run, parallelism=8)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

from pydantic import TypeAdapter, ValidationError

from fedctl.api import (
    bodies,
    key_writes,
    readback,
    resources,
    wire,
    workspace_writes,
    writes,
)
from fedctl.api.client import AdminClient
from fedctl.apply.names import ResourceIds
from fedctl.core.address import Address
from fedctl.core.errors import ApiError, PlanError
from fedctl.core.fields import FIELDS_BY_KIND
from fedctl.core.state import Kind
from fedctl.plan.actions import Operation, Step

# Reads spread over ~2 s, beyond the ~1 s read lag the emulator may inject.
ADOPT_READ_DELAYS: Final = (0.0, 0.3, 0.6, 1.0)

Args = TypeVar("Args")


class StepRunner:
    """Performs steps against one client, learning the IDs of what it creates."""

    def __init__(self, client: AdminClient, ids: ResourceIds) -> None:
        self.client = client
        self.ids = ids
        self._handlers: dict[Operation, Callable[[Step], None]] = {
            Operation.CREATE_SERVICE_ACCOUNT: self._create_service_account,
            Operation.UPDATE_SERVICE_ACCOUNT: self._update_service_account,
            Operation.ARCHIVE_SERVICE_ACCOUNT: self._archive_service_account,
            Operation.PUT_MEMBERSHIP: self._put_membership,
            Operation.REMOVE_MEMBERSHIP: self._remove_membership,
            Operation.CREATE_ISSUER: self._create_issuer,
            Operation.UPDATE_ISSUER: self._update_issuer,
            Operation.ARCHIVE_ISSUER: self._archive_issuer,
            Operation.CREATE_RULE: self._create_rule,
            Operation.UPDATE_RULE: self._update_rule,
            Operation.ARCHIVE_RULE: self._archive_rule,
            Operation.ENABLE_RULE_WORKSPACE: self._enable_rule_workspace,
            Operation.DISABLE_RULE_WORKSPACE: self._disable_rule_workspace,
            Operation.DEACTIVATE_API_KEY: self._deactivate_api_key,
        }

    def run(self, step: Step) -> None:
        """Perform one step; raises ApiError (or another FedctlError) when it fails."""
        self._handlers[step.operation](step)

    def _own_id(self, step: Step) -> str:
        return step.live_id or self.ids.require(step.kind, step.name)

    # ---- service accounts and memberships ---------------------------------------------

    def _create_service_account(self, step: Step) -> None:
        self._create(step)

    def _update_service_account(self, step: Step) -> None:
        self._update(step)

    def _archive_service_account(self, step: Step) -> None:
        writes.archive_service_account(self.client, self._own_id(step), name=step.name)

    def _put_membership(self, step: Step) -> None:
        workspace_writes.add_membership(
            self.client,
            service_account_id=self._own_id(step),
            workspace_id=step.payload["workspace_id"],
            workspace_role=step.payload["workspace_role"],
            resource=f"service account {step.name}",
        )

    def _remove_membership(self, step: Step) -> None:
        workspace_writes.remove_membership(
            self.client,
            service_account_id=self._own_id(step),
            workspace_id=step.payload["workspace_id"],
            resource=f"service account {step.name}",
        )

    # ---- issuers ------------------------------------------------------------------------

    def _create_issuer(self, step: Step) -> None:
        self._create(step)

    def _update_issuer(self, step: Step) -> None:
        self._update(step)

    def _archive_issuer(self, step: Step) -> None:
        writes.archive_issuer(self.client, self._own_id(step), name=step.name)

    # ---- rules and their workspaces ---------------------------------------------------

    def _create_rule(self, step: Step) -> None:
        self._create(step)

    def _update_rule(self, step: Step) -> None:
        self._update(step)

    def _archive_rule(self, step: Step) -> None:
        writes.archive_rule(self.client, self._own_id(step), name=step.name)

    def _enable_rule_workspace(self, step: Step) -> None:
        workspace_writes.add_rule_workspace(
            self.client,
            rule_id=self._own_id(step),
            workspace_id=step.payload["workspace_id"],
            resource=f"rule {step.name}",
        )

    def _deactivate_api_key(self, step: Step) -> None:
        if step.payload != {"status": "inactive"} or step.live_id is None:
            # The only key write fedctl makes; a saved plan cannot turn it into another.
            raise PlanError(
                f"step {step.id} ({step.description}): not a deactivation; plan again "
                "instead of applying this file"
            )
        with key_writes.key_client(self.client, read_only=False) as keyed:
            key_writes.deactivate_api_key(keyed, step.live_id)

    def _disable_rule_workspace(self, step: Step) -> None:
        workspace_writes.remove_rule_workspace(
            self.client,
            rule_id=self._own_id(step),
            workspace_id=step.payload["workspace_id"],
            resource=f"rule {step.name}",
        )

    # ---- shared -------------------------------------------------------------------------

    def _create(self, step: Step) -> None:
        """A create step's payload, references resolved to IDs, checked, sent, recorded."""
        body = self._with_ids(step, _create_body(step.kind, step.payload))
        typed(bodies.CREATE_BODIES[step.kind], body, step)
        try:
            created: wire.WireModel = writes.create(self.client, step.kind, body)
        except ApiError as exc:
            created = self._adopt_on_conflict(exc, step, _wire_body(step.kind, body))
        self.ids.record(step.kind, step.name, _id_of(created))

    def _update(self, step: Step) -> None:
        resource_id = self._own_id(step)
        body = self._with_ids(step, _update_body(step.kind, step.payload))
        typed(bodies.UPDATE_BODIES[step.kind], body, step)
        writes.update(self.client, step.kind, resource_id, body, name=step.name)
        if step.kind is not Kind.SERVICE_ACCOUNT:  # a service account keeps its name
            self._follow_rename(step, resource_id)

    def _with_ids(self, step: Step, payload: dict[str, Any]) -> dict[str, Any]:
        """The plan names what a field refers to; the body carries its ID (field rows).

        A payload carrying the ID itself is refused: a saved plan is hostile, and only
        a name resolved here is known to be one this plan's configuration declared.
        """
        references = [field for field in FIELDS_BY_KIND[step.kind] if field.reference]
        for field in references:
            if field.key_on_wire in payload:
                raise PlanError(
                    f"step {step.id} ({step.description}): {field.key_on_wire}: a plan names "
                    f"it by {field.name}; plan again instead of applying this file"
                )
        body = dict(payload)
        for field in references:
            if field.name in body and field.reference is not None:
                body[field.key_on_wire] = self.ids.require(field.reference, body.pop(field.name))
        return body

    def _follow_rename(self, step: Step, resource_id: str) -> None:
        new_name = step.payload.get("name")
        if isinstance(new_name, str) and new_name != step.name:
            self.ids.rename(step.kind, step.name, new_name, resource_id)

    def _adopt_on_conflict(
        self, exc: ApiError, step: Step, wire_body: dict[str, Any]
    ) -> wire.WireModel:
        """On a 409, the active resource of that name if it matches `wire_body`; else raise."""
        if exc.status != 409:
            raise exc
        existing = self._find_active(step.kind, step.name)
        if existing is None:
            raise self._unexplained_conflict(exc, step) from exc
        changed = readback.differences(existing, wire_body)
        # `differences` skips issuer_id (an update cannot change it); adoption must not.
        if (
            "issuer_id" in wire_body
            and getattr(existing, "issuer_id", None) != wire_body["issuer_id"]
        ):
            changed.append("issuer_id")
        if changed:
            raise _conflict_error(
                exc,
                step,
                f"already exists ({_id_of(existing)}) and differs from the configuration "
                f"in {', '.join(changed)}; it was not created by this plan",
                "run `fedctl plan` to see it, then align the configuration or rename",
            ) from exc
        return existing

    def _unexplained_conflict(self, exc: ApiError, step: Step) -> ApiError:
        """A 409 that no active resource of that name explains."""
        if self._archived_named(step.kind, step.name):
            return _conflict_error(
                exc,
                step,
                f"the name {step.name!r} is taken, but by no active {_label(step.kind)}; "
                "an archived one keeps its name reserved",
                "rename it in the configuration (previous names cannot be reused)",
            )
        # Nothing live or archived explains the 409, and the create was already sent
        # again several times: a conflict that does not clear, not a taken name.
        return _conflict_error(
            exc,
            step,
            f"the API kept answering 409 {exc.error_type or 'conflict'} although no "
            f"live or archived {_label(step.kind)} is named {step.name!r}",
            "run `fedctl apply` again; it plans from the live state",
        )

    def _find_active(self, kind: Kind, name: str) -> wire.WireModel | None:
        """The active resource called `name`, read a few times to outlast read lag."""
        for delay in ADOPT_READ_DELAYS:
            if delay:
                self.client.sleeper.sleep(delay)
            found = next((obj for obj in self._list_active(kind) if obj.name == name), None)
            if found is not None:
                return found
        return None

    def _archived_named(self, kind: Kind, name: str) -> bool:
        listing: list[wire.ServiceAccount] | list[wire.FederationIssuer] | list[wire.FederationRule]
        if kind is Kind.SERVICE_ACCOUNT:
            listing = resources.list_service_accounts(self.client, include_archived=True)
        elif kind is Kind.ISSUER:
            listing = resources.list_issuers(self.client, include_archived=True)
        else:
            listing = resources.list_rules(self.client, include_archived=True)
        return any(item.name == name and item.archived_at is not None for item in listing)

    def _list_active(
        self, kind: Kind
    ) -> list[wire.ServiceAccount] | list[wire.FederationIssuer] | list[wire.FederationRule]:
        if kind is Kind.SERVICE_ACCOUNT:
            return resources.list_service_accounts(self.client)
        if kind is Kind.ISSUER:
            return resources.list_issuers(self.client)
        return resources.list_rules(self.client)


def _label(kind: Kind) -> str:
    return kind.value.replace("_", " ")


def typed(args: type[Args], body: Mapping[str, Any], step: Step) -> Args:
    """A step's body as the write's keyword arguments, checked: a saved plan is hostile."""
    try:
        checked: Args = _adapter(args).validate_python(body, strict=True)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "body"
        raise PlanError(
            f"step {step.id} ({step.description}): {where}: {problem['msg']}; "
            "plan again instead of applying this file"
        ) from None
    return checked


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(args: Any) -> TypeAdapter[Any]:
    if args not in _ADAPTERS:
        _ADAPTERS[args] = TypeAdapter(args)
    return _ADAPTERS[args]


def _conflict_error(exc: ApiError, step: Step, message: str, hint: str) -> ApiError:
    return ApiError(
        message=message,
        status=exc.status,
        error_type=exc.error_type,
        request_id=exc.request_id,
        resource=Address(step.kind, step.name),
        hint=hint,
    )


def _id_of(model: wire.WireModel) -> str:
    resource_id = getattr(model, "id", None)
    if not isinstance(resource_id, str):
        raise ApiError(message="the API answered a create without an id")
    return resource_id


def _create_body(kind: Kind, payload: dict[str, Any]) -> dict[str, Any]:
    """Create bodies leave an empty null-clearing field (description) out (PLAN-CONTRACT)."""
    clearing = FIELDS_BY_KIND[kind].null_clearing()
    return {key: value for key, value in payload.items() if value or key not in clearing}


def _update_body(kind: Kind, payload: dict[str, Any]) -> dict[str, Any]:
    """On update an empty null-clearing field is sent as null, which clears it (§5.11)."""
    clearing = FIELDS_BY_KIND[kind].null_clearing()
    return {key: None if key in clearing and not value else value for key, value in payload.items()}


def _wire_body(kind: Kind, body: dict[str, Any]) -> dict[str, Any]:
    """The create body as the API sees it, for comparing with an existing resource."""
    if kind is not Kind.RULE:
        return body
    wire_body = dict(body)
    wire_body["target"] = {
        "type": "service_account",
        "service_account_id": wire_body.pop("service_account_id"),
    }
    return wire_body
