"""Every guard, named once. Snapshots, `--guards-from`, the strictest-wins merge and the
plan's "Guardrail changes" all walk this list: a new guard is one entry here.

key                             strictest of several sources          weakens when
settings.protect                every pattern of every source         a pattern is removed
settings.policy_files           every policy file of every source     one is removed or edited
settings.lint.block_apply       on if any source has it on            turned off
lint.ignore                     only the silences all sources share   a silence is added
settings.max_archives           the lowest                            raised
settings.max_changes_percent    the lowest                            raised
settings.min_changes_for_percent  the lowest (the percentage judged sooner)  raised
settings.max_key_deactivations  the lowest                            raised
api_keys.allow_active           only the keys all sources allow       a key is added
access_tests                    every case of every source            one is deleted or edited
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from pydantic import Field

from fedctl.config.patterns import ProtectPattern
from fedctl.config.validated import Config
from fedctl.guards.entries import (
    Guard,
    allowance_guard,
    limit_guard,
    switch_guard,
    union_guard,
    with_settings,
)
from fedctl.guards.files import ACCESS_TESTS, POLICIES
from fedctl.guards.ignores import LINT_IGNORES
from fedctl.guards.texts import ConfigView


def _allowance_labels(view: ConfigView) -> tuple[str, ...]:
    """`apikey_...` for an allowance by ID, `name:NAME` for one by name."""
    policy = view.config.api_keys
    if policy is None:
        return ()
    return tuple(sorted({item.id or f"name:{item.name}" for item in policy.allow_active}))


def _install_allowances(config: Config, effective: tuple[str, ...]) -> Config:
    policy = config.api_keys
    if policy is None:
        return config
    kept = [item for item in policy.allow_active if (item.id or f"name:{item.name}") in effective]
    if len(kept) == len(policy.allow_active):
        return config
    return dataclasses.replace(config, api_keys=policy.model_copy(update={"allow_active": kept}))


def _install_block_apply(config: Config, effective: bool) -> Config:
    return with_settings(
        config, lint=config.settings.lint.model_copy(update={"block_apply": effective})
    )


GUARDS: tuple[Guard[Any], ...] = (
    union_guard(
        "settings.protect",
        lambda view: tuple(sorted(set(view.config.settings.protect))),
        lambda config, effective: with_settings(config, protect=list(effective)),
        item=ProtectPattern,
        noun="pattern",
    ),
    POLICIES,
    switch_guard(
        "settings.lint.block_apply",
        lambda view: view.config.settings.lint.block_apply,
        _install_block_apply,
    ),
    LINT_IGNORES,
    limit_guard("settings.max_archives", "max_archives", maximum=1000),
    limit_guard("settings.max_changes_percent", "max_changes_percent", maximum=100),
    # Raising the minimum switches the percentage limit off for bigger plans: a weakening.
    limit_guard("settings.min_changes_for_percent", "min_changes_for_percent", maximum=100000),
    limit_guard("settings.max_key_deactivations", "max_key_deactivations", maximum=1000),
    allowance_guard(
        "api_keys.allow_active",
        _allowance_labels,
        _install_allowances,
        item=Annotated[str, Field(min_length=1, max_length=600)],
        noun="allowed active key",
    ),
    ACCESS_TESTS,
)

GUARD_KEYS = tuple(guard.key for guard in GUARDS)
