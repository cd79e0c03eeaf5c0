"""LiveState <-> snapshot file: the live state a credential-free plan is computed against.

A trusted job with org:admin writes the normalised LiveState (`fedctl snapshot`); pull
request jobs plan against the file with no network and no credential (`fedctl plan
--snapshot`), and `fedctl apply` refuses when the live resources the plan touches no
longer equal the snapshot's (`check_live_matches_snapshot`).

With a configuration (`fedctl snapshot PATH`), the snapshot also records the value of
every guard (fedctl.guards: protect patterns, the full text of policy files and access
tests, the lint gate and silences, the safety limits, allowed keys): plans and applies
against it enforce the stricter of those and the configuration's.

The digest is sha256 over the canonical JSON of the state and the guards (sorted keys,
sets sorted, no whitespace); a snapshot without guards hashes its state alone.
NOTE: it detects edits and corruption, not a forger: anyone can recompute a digest.
What makes a forged state harmless is apply's comparison with the live state, read with
apply's own credential, before anything is written; what makes forged guards harmless
is that they can only add to the configuration's, and `--guards-from REF` adds main's.
Format 1 (guards outside the digest) is refused: its guards cannot be trusted.

Usage:
    snapshot = take_snapshot(live)
    write_snapshot(snapshot, Path("snapshot.json")); read_snapshot(Path("snapshot.json"))
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from fedctl.core.address import Address
from fedctl.core.errors import PlanError, UsageError
from fedctl.core.safe_write import PRIVATE, write_file
from fedctl.core.state import Kind, LiveIssuer, LiveRule, LiveServiceAccount, LiveState
from fedctl.plan.actions import Change, SnapshotRef

SNAPSHOT_FORMAT = "fedctl-snapshot"
SNAPSHOT_FORMAT_VERSION = 2

LiveResource = LiveServiceAccount | LiveIssuer | LiveRule


class Snapshot(BaseModel):
    """A LiveState with the time it was read and the digest of its canonical JSON."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    taken_at: str
    digest: str
    state: LiveState
    # Every guard of the configuration the snapshot was taken with (main's), as
    # fedctl.guards.recorded stores them; None when taken without a configuration.
    guards: dict[str, Any] | None = None

    @property
    def protected(self) -> tuple[str, ...]:
        """settings.protect as recorded: a pull request cannot unprotect and archive in
        one change against it."""
        return tuple((self.guards or {}).get("settings.protect", ()))

    @property
    def ref(self) -> SnapshotRef:
        return SnapshotRef(digest=self.digest, taken_at=self.taken_at)

    @property
    def label(self) -> str:
        return self.ref.label


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, sets sorted, compact separators."""
    return json.dumps(_canonical(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _canonical(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _canonical(value.model_dump(mode="python"))
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_canonical(item) for item in value), key=canonical_json)
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def state_digest(state: LiveState) -> str:
    return snapshot_digest(state, None)


def snapshot_digest(state: LiveState, guards: Mapping[str, Any] | None) -> str:
    """The digest of the state alone, or with guards of the state and guards together."""
    data = state.model_dump(mode="python")
    if data.get("api_keys") is None:
        # Keys not read: the digest of a snapshot from before keys were read stays valid.
        data.pop("api_keys", None)
    covered = data if guards is None else {"state": data, "guards": dict(guards)}
    return "sha256:" + hashlib.sha256(canonical_json(covered).encode()).hexdigest()


def take_snapshot(
    state: LiveState,
    *,
    now: datetime | None = None,
    guards: Mapping[str, Any] | None = None,
) -> Snapshot:
    """`guards`: fedctl.guards.recorded.record_guards of the configuration, if any."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    recorded = json.loads(canonical_json(dict(guards))) if guards is not None else None
    return Snapshot(
        taken_at=moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        digest=snapshot_digest(state, recorded),
        state=state,
        guards=recorded,
    )


def snapshot_document(snapshot: Snapshot) -> str:
    """The file's text: header first, then the state, keys sorted, one trailing newline."""
    document = {
        "format": SNAPSHOT_FORMAT,
        "format_version": SNAPSHOT_FORMAT_VERSION,
        "taken_at": snapshot.taken_at,
        "digest": snapshot.digest,
        "state": _canonical(snapshot.state),
    }
    if snapshot.guards is not None:
        document["guards"] = snapshot.guards
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_snapshot(snapshot: Snapshot, path: Path) -> None:
    """Write the snapshot readable by its owner only (0600), even over an existing file.

    It holds no key material, but it does map the whole organization: who may mint what.
    """
    write_file(path, snapshot_document(snapshot), mode=PRIVATE)


def read_snapshot(path: Path) -> Snapshot:
    """The snapshot in `path`, refused unless its state hashes to the digest it records."""
    document = _read_document(path)
    if not isinstance(document, dict) or document.get("format") != SNAPSHOT_FORMAT:
        raise UsageError(f"{path}: not a fedctl snapshot; write one with `fedctl snapshot --out`")
    version = document.get("format_version")
    if version != SNAPSHOT_FORMAT_VERSION:
        why = (
            " (format 1 kept settings.protect and policy digests outside its digest, so "
            "they could be edited unseen)"
            if version == 1
            else ""
        )
        raise UsageError(
            f"{path}: snapshot format_version {version!r} is not "
            f"{SNAPSHOT_FORMAT_VERSION}{why}; take a new snapshot with this fedctl"
        )
    unknown = sorted(set(document) - _DOCUMENT_KEYS)
    if unknown:
        raise UsageError(f"{path}: unknown snapshot key {unknown[0]!r}; take a new snapshot")
    state, digest = _verified_state(path, document)
    guards = document.get("guards")
    if guards is not None:
        _check_guards(path, guards)
    return Snapshot(
        taken_at=str(document.get("taken_at")), digest=digest, state=state, guards=guards
    )


_DOCUMENT_KEYS = {"format", "format_version", "taken_at", "digest", "state", "guards"}


def _check_guards(path: Path, guards: object) -> None:
    """Refuse guards that are not what fedctl.guards records (hostile input)."""
    from fedctl.guards.entries import GuardValueInvalid
    from fedctl.guards.recorded import restore_guards

    try:
        restore_guards(guards)
    except GuardValueInvalid as exc:
        raise UsageError(
            f"{path}: {exc}; the snapshot was edited or corrupted, take a new one with "
            "`fedctl snapshot PATH`"
        ) from None


def _read_document(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the snapshot: {exc.strerror}") from exc
    except UnicodeDecodeError:
        raise UsageError(
            f"{path}: cannot read the snapshot (not UTF-8 text); write one with "
            "`fedctl snapshot --out FILE`"
        ) from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from exc
    except RecursionError:
        # NOTE: a snapshot is a CI artifact anyone may have edited; json recurses per level.
        raise UsageError(
            f"{path}: not a fedctl snapshot (nested too deeply); write one with "
            "`fedctl snapshot --out`"
        ) from None


def _verified_state(path: Path, document: dict[str, Any]) -> tuple[LiveState, str]:
    """The snapshot's state and digest, refused unless the state hashes to the digest."""
    try:
        state = LiveState.model_validate(document.get("state"))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UsageError(
            f"{path}: state.{where}: {first['msg']}; the snapshot was edited or corrupted, "
            "take a new one with `fedctl snapshot`"
        ) from exc
    guards = document.get("guards")
    if guards is not None and not isinstance(guards, dict):
        raise UsageError(f"{path}: guards must be an object; take a new snapshot")
    recorded, actual = document.get("digest"), snapshot_digest(state, guards)
    if recorded != actual:
        covered = "its state and guards hash" if guards is not None else "its state hashes"
        raise UsageError(
            f"{path}: snapshot digest mismatch: the file records {recorded}, {covered} "
            f"to {actual}; the snapshot was edited or corrupted, take a new one with "
            "`fedctl snapshot`"
        )
    return state, actual


def check_protection_held(plan: PlanLike, snapshot: Snapshot) -> None:
    """Refuse archiving or replacing what the snapshot's configuration protected.

    `settings.protect` lives in the files a pull request edits, so dropping a name and
    archiving it could be one change; against a snapshot of main, it takes two applies.
    Protection follows the resource: a rename through previous_names keeps it
    (fedctl.plan.protection).
    """
    from fedctl.core.pairing import live_names_by_id
    from fedctl.plan.protection import protected_changes

    found = protected_changes(plan.changes, snapshot.protected, live_names_by_id(snapshot.state))
    if found:
        one = len(found) == 1
        raise PlanError(
            message=(
                f"{', '.join(item.describe() for item in found)} {'is' if one else 'are'} "
                f"protected in snapshot {snapshot.label} and this plan would archive or "
                f"replace {'it' if one else 'them'}; nothing was changed: merge the "
                "change that removes the name from settings.protect first, let the next "
                "snapshot record it, then archive"
            ),
            resources=[item.address for item in found],
        )


def check_live_matches_snapshot(
    snapshot: Snapshot, live: LiveState, touched: Iterable[str]
) -> None:
    """Raise PlanError naming every touched `kind/name` whose live resource left the snapshot.

    A resource matches when it is absent from both, or present in both with the same ID
    and the same normalised spec; timestamps alone do not count (an edit undone is no
    difference for the reviewed plan).
    """
    differences: dict[Address, str] = {}
    for address in sorted({Address.parse(text) for text in touched}):
        if address.kind is Kind.API_KEY:
            difference = _key_difference(snapshot.state, live, address.name)
        else:
            difference = describe_difference(
                find_resource(snapshot.state, address), find_resource(live, address)
            )
        if difference:
            differences[address] = difference
    if differences:
        details = "; ".join(f"{address} {why}" for address, why in differences.items())
        raise PlanError(
            message=(
                f"live state moved away from snapshot {snapshot.label} in resources this plan "
                f"touches ({details}); nothing was changed: take a new snapshot and plan again"
            ),
            resources=list(differences),
        )


def check_plan_against_snapshot(
    plan: PlanLike, live: LiveState, snapshot_path: Path | None
) -> None:
    """For a saved plan made by `plan --snapshot`: the same snapshot, and live still equal.

    Touched resources are every `kind/name` the plan records a live version of or changes.
    """
    if plan.snapshot is None:
        if snapshot_path is not None:
            raise UsageError(
                "this plan was made against the live API, not a snapshot; drop --snapshot"
            )
        return
    if snapshot_path is None:
        raise UsageError(
            f"this plan was made against snapshot {plan.snapshot.label}; pass that file "
            "with --snapshot FILE so apply can check live state still matches it"
        )
    snapshot = read_snapshot(snapshot_path)
    if snapshot.digest != plan.snapshot.digest:
        raise PlanError(
            message=(
                f"{snapshot_path} is snapshot {snapshot.label}, but the plan was made against "
                f"{plan.snapshot.label}; pass the snapshot the plan was made from"
            )
        )
    check_live_matches_snapshot(snapshot, live, touched_addresses(plan))
    check_protection_held(plan, snapshot)


def touched_addresses(plan: PlanLike) -> set[Address]:
    """Every resource the plan records a live version of or changes."""
    touched = set(plan.live_versions)
    touched |= {change.address for change in plan.changes}
    return touched


class PlanLike(Protocol):
    """What the snapshot check reads from a Plan (kept structural: no import cycle)."""

    @property
    def snapshot(self) -> SnapshotRef | None: ...
    @property
    def live_versions(self) -> Mapping[Address, object]: ...
    @property
    def changes(self) -> Sequence[Change]: ...


def find_resource(state: LiveState, address: Address) -> LiveResource | None:
    """The active service account, issuer or rule at `address`, or None."""
    active: dict[Kind, dict[str, Any]] = {
        Kind.SERVICE_ACCOUNT: state.service_accounts,
        Kind.ISSUER: state.issuers,
        Kind.RULE: state.rules,
    }
    found: LiveResource | None = active.get(address.kind, {}).get(address.name)
    return found


def _key_difference(was: LiveState, now: LiveState, key_id: str) -> str:
    """'' when the API key's status is what the snapshot recorded, else a short phrase."""
    before = {key.id: key.status for key in was.api_keys or ()}.get(key_id)
    after = {key.id: key.status for key in now.api_keys or ()}.get(key_id)
    if before == after:
        return ""
    return f"changed status from {before or 'absent'} to {after or 'absent'} since the snapshot"


def describe_difference(was: LiveResource | None, now: LiveResource | None) -> str:
    """'' when equal for the plan's purpose, else a short phrase."""
    if was is None and now is None:
        return ""
    if was is None:
        return "was created since the snapshot"
    if now is None:
        return "was archived or renamed since the snapshot"
    if was.meta.id != now.meta.id:
        return f"was replaced since the snapshot ({was.meta.id} is now {now.meta.id})"
    old, new = was.spec.model_dump(mode="json"), now.spec.model_dump(mode="json")
    if isinstance(was, LiveRule) and isinstance(now, LiveRule):
        old["legacy_workspace_id"] = was.legacy_workspace_id
        new["legacy_workspace_id"] = now.legacy_workspace_id
        old["workspace_ids"] = sorted(old["workspace_ids"])
        new["workspace_ids"] = sorted(new["workspace_ids"])
    changed = sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))
    if not changed:
        return ""
    by = f" by {now.meta.updated_by_actor_id}" if now.meta.updated_by_actor_id else ""
    return f"changed {', '.join(changed)}{by} since the snapshot"
