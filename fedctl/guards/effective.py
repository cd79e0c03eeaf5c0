"""The configuration plus its trusted sources -> the effective configuration and the
guardrail changes: the one place strictest-wins happens.

Every later step (lint gate, policies, protection, safety limits, key allowances, access
tests) reads the effective configuration's settings, so none of them needs to know where
a guard came from. With no trusted source, the configuration's own guards apply, and the
plan says so (`guard_sources == ("configuration",)`).

    guarded = enforce_guards(config, [recorded_source(label, snapshot.guards)])
    guarded.config.settings.max_archives   # the lowest of the configuration's and main's
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fedctl.config.validated import Config
from fedctl.core.address import Address
from fedctl.core.errors import PlanError
from fedctl.core.patterns import is_protected

# Re-exported: the records moved to fedctl.guards.inputs (light enough to import before
# plan's first request); older importers keep naming them here.
from fedctl.guards.inputs import SNAPSHOT_LABEL as SNAPSHOT_LABEL
from fedctl.guards.inputs import GuardInputs as GuardInputs
from fedctl.guards.inputs import GuardSource as GuardSource
from fedctl.guards.registry import GUARDS
from fedctl.guards.texts import ConfigView, view_of
from fedctl.plan.actions import Action
from fedctl.plan.guardrails import CONFIGURATION_ONLY, GuardrailChange
from fedctl.plan.plan import Plan


@dataclass(frozen=True)
class Guarded:
    """The effective configuration, where its guards came from, and what the change moves."""

    config: Config
    sources: tuple[str, ...]
    changes: tuple[GuardrailChange, ...]
    trusted: tuple[GuardSource, ...]
    own_protect: tuple[str, ...]

    def onto(self, plan: Plan) -> Plan:
        """The plan with its guard sources and guardrail changes; refused when it would
        archive or replace what a trusted source protects. Without a trusted source, a
        configuration that sets guards gets a warning that it judges itself."""
        check_trusted_protection(plan, self)
        warnings = plan.warnings
        if not self.trusted and configures_guards(self.config):
            warnings = (*warnings, CONFIGURATION_ONLY_WARNING)
        return plan.model_copy(
            update={
                "guard_sources": self.sources,
                "guardrail_changes": self.changes,
                "warnings": warnings,
            }
        )


CONFIGURATION_ONLY_WARNING = (
    "guards (settings.protect, policies, lint, limits, allowed keys, access tests) come from "
    "this configuration only, so the change can loosen the checks it is judged by; plan and "
    "apply with --snapshot of main taken with PATH (`fedctl snapshot PATH`) or --guards-from "
    "origin/main"
)


def configures_guards(config: Config) -> bool:
    """Whether the configuration sets a guard beyond the defaults (access tests aside: a
    folder of cases is not a setting a change flips)."""
    from fedctl.config.models import Settings

    settings, defaults = config.settings, Settings()
    limits = ("max_archives", "max_changes_percent", "max_key_deactivations")
    return bool(
        settings.protect
        or settings.policy_files
        or not settings.lint.block_apply
        or any(getattr(settings, name) != getattr(defaults, name) for name in limits)
        or (config.api_keys is not None and config.api_keys.allow_active)
    )


def guard_values(view: ConfigView) -> dict[str, Any]:
    """Every guard's value in one configuration."""
    return {guard.key: guard.read(view) for guard in GUARDS}


def enforce_guards(
    config: Config, trusted: Sequence[GuardSource], *, tests: Sequence[Path] = ()
) -> Guarded:
    """The strictest of the configuration's guards and every trusted source's."""
    own_protect = tuple(config.settings.protect)
    config = dataclasses.replace(config, access_test_files=tuple(str(path) for path in tests))
    if not trusted:
        # Nothing to be stricter than: the configuration's guards as they are.
        return Guarded(config, (CONFIGURATION_ONLY,), (), (), own_protect)
    proposed = guard_values(view_of(config, tests=tuple(tests), origin="configuration"))
    changes: list[GuardrailChange] = []
    for guard in GUARDS:
        recorded = [source.values[guard.key] for source in trusted if guard.key in source.values]
        if recorded:
            changes += [
                GuardrailChange(guard=guard.key, effect=effect, detail=detail)
                for effect, detail in guard.compare(guard.merge(recorded), proposed[guard.key])
            ]
        effective = guard.merge([proposed[guard.key], *recorded])
        config = guard.install(config, effective, proposed[guard.key])
    sources = (CONFIGURATION_ONLY, *(source.label for source in trusted))
    return Guarded(config, sources, tuple(changes), tuple(trusted), own_protect)


def check_trusted_protection(plan: Plan, guarded: Guarded) -> None:
    """Refuse a plan that archives or replaces what a trusted source protects, or that
    leaves such a resource unarchived only because that source's protection holds (the
    change dropped it with prune on): unprotecting takes a merge of its own."""
    prune = plan.shape.prune if plan.shape.prune is not None else guarded.config.settings.prune
    changed = [
        change.address
        for change in plan.changes
        if change.action in (Action.ARCHIVE, Action.REPLACE)
    ]
    candidates = list(changed)
    if prune:
        candidates += [
            address for address in plan.unmanaged if not _matches(address, guarded.own_protect)
        ]
    # A snapshot's protection of archives and replaces is the gate's (fedctl.apply.gate),
    # which follows renames and IDs; here: --guards-from sources, and what prune drops.
    refused = {
        address: source.label
        for address in candidates
        for source in reversed(guarded.trusted)
        if _matches(address, source.values.get("settings.protect", ()))
        and not (source.label.startswith(SNAPSHOT_LABEL) and address in changed)
    }
    if refused:
        _refuse(refused)


def _matches(address: Address, patterns: Sequence[str]) -> bool:
    return is_protected(address.kind, address.name, patterns)


def _refuse(refused: dict[Address, str]) -> None:
    names: list[str] = sorted(refused)
    one = len(names) == 1
    where = "; ".join(sorted(set(refused.values())))
    raise PlanError(
        message=(
            f"{', '.join(names)} {'is' if one else 'are'} protected in {where} and this plan "
            f"would archive or replace {'it' if one else 'them'}; nothing was changed: merge "
            "the change that removes the name from settings.protect first, let the next "
            "snapshot record it, then archive"
        ),
        resources=names,
    )
