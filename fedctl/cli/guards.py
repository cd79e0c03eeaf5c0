"""`--guards-from REF|DIR` (plan, apply, policy, test): where the trusted guards come from.

The option only parses; fedctl.guards reads and merges.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from fedctl.config import Config
    from fedctl.guards.inputs import GuardInputs
    from fedctl.live.snapshot import Snapshot

F = TypeVar("F", bound=Callable[..., Any])


def guards_from_option(func: F) -> F:
    return click.option(
        "--guards-from",
        "guards_from",
        default=None,
        metavar="REF|DIR",
        help="Take the guards (protect, policies, lint, limits, allowed keys, access tests) "
        "also from main: a git revision of this repository (e.g. origin/main), read through "
        "git, or a separate checkout's configuration folder. The strictest of each applies.",
    )(func)


def tests_option(func: F) -> F:
    return click.option(
        "--tests",
        "test_files",
        multiple=True,
        metavar="FILE",
        help="An access-test file (repeatable), besides the *.access-test.yaml files under PATH.",
    )(func)


def guard_inputs(
    path: str,
    *,
    guards_from: str | None,
    tests: Sequence[str] = (),
    variables: Sequence[str] = (),
    var_files: Sequence[str] = (),
    snapshot: Snapshot | None = None,
) -> GuardInputs:
    """The trusted sources given on the command line (and a snapshot's record, when the
    caller wants it counted here rather than by plan_from_config)."""
    from fedctl.guards.inputs import GuardInputs

    trusted = []
    if snapshot is not None:
        from fedctl.guards.inputs import SNAPSHOT_LABEL
        from fedctl.guards.recorded import recorded_source

        recorded = recorded_source(f"{SNAPSHOT_LABEL}{snapshot.label}", snapshot.guards)
        trusted += [recorded] if recorded is not None else []
    if guards_from is not None:
        from fedctl.guards.trusted import guards_from as read_guards_from

        trusted.append(
            read_guards_from(
                guards_from,
                Path(path),
                variables=variables,
                var_files=var_files,
                tests=tuple(Path(file) for file in tests),
            )
        )
    return GuardInputs(tuple(trusted), tuple(Path(file) for file in tests))


def effective_config(config: Config, inputs: GuardInputs) -> Config:
    """The configuration with each guard the strictest of it and the trusted sources."""
    from fedctl.guards.effective import enforce_guards

    return enforce_guards(config, inputs.trusted, tests=inputs.tests).config
