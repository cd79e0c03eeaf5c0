"""Where a saved plan's configuration is: the path `fedctl plan --out` recorded in it.

    config_path = recorded_config(Path("plan.json"))   # Path("federation")

The path is relative to the folder the plan was made in; `apply --config` overrides it.
It is read from an untrusted file, but only chooses what to load: the configuration's
digest must then match the plan's.
"""

from __future__ import annotations

import json
from pathlib import Path

from fedctl.errors import UsageError
from fedctl.plan.plan import Plan


def recorded_config(plan_file: Path) -> Path:
    """The recorded path; UsageError when the plan has none or it does not exist here."""
    recorded = Plan.from_file(plan_file).config_path
    if recorded is None:
        raise UsageError(
            f"{plan_file} does not record its configuration (an older fedctl made it); "
            "pass --config PATH"
        )
    if not Path(recorded).exists():
        raise UsageError(
            f"{plan_file} was made from the configuration at {json.dumps(recorded)}, which "
            "does not exist here; run apply from the folder the plan was made in, or pass "
            "--config PATH"
        )
    return Path(recorded)
