"""Run fedctl in a child process against an emulator and list the modules it loaded.

Import hygiene is tested by listing `sys.modules` in the process that ran the command,
never by timing it. The child sees only the emulator's credential (no ANTHROPIC_*
variable of the test run) and the checkout on its path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fedctl.emulator.server import RunningEmulator

REPO = Path(__file__).parents[2]

_RUN_AND_LIST_MODULES = (
    "import sys, json, contextlib\n"
    "from fedctl.cli.main import main\n"
    "with contextlib.suppress(SystemExit):\n"
    "    main(sys.argv[1:])\n"
    "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
)


def run_fedctl(emulator: RunningEmulator, *args: str) -> subprocess.CompletedProcess[str]:
    """fedctl ARGS in a child; the last line of its stderr lists its modules (`loaded`)."""
    return run_script(emulator, _RUN_AND_LIST_MODULES, *args)


def run_script(
    emulator: RunningEmulator, script: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """Python `script` in a child with ARGS, the emulator's credential and the checkout."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")},
        "ANTHROPIC_AUTH_TOKEN": emulator.admin_token,
        "ANTHROPIC_BASE_URL": emulator.base_url,
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )


def loaded(ran: subprocess.CompletedProcess[str]) -> list[str]:
    """The modules a child listed as the last line of its stderr, as `run_fedctl`'s does."""
    return list(json.loads(ran.stderr.strip().splitlines()[-1]))
