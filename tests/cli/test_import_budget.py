"""What a routine plan loads: no template engine, solver or server for a no-change plan.

Counted by listing `sys.modules` in the process that planned, never by timing it: the
heavy modules cost start-up time before the first request, and a plan that needs none of
them must not pay for them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fedctl.emulator.server import RunningEmulator

REPO = Path(__file__).parents[2]
QUICKSTART = REPO / "examples" / "quickstart"
NOT_FOR_A_ROUTINE_PLAN = ("jinja2", "z3", "starlette", "uvicorn")

_PLAN_AND_LIST_MODULES = (
    "import sys, json, contextlib\n"
    "from fedctl.cli.main import main\n"
    "with contextlib.suppress(SystemExit):\n"
    "    main(sys.argv[1:])\n"
    "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
)


def _run(args: list[str], emulator: RunningEmulator) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")},
        "ANTHROPIC_AUTH_TOKEN": emulator.admin_token,
        "ANTHROPIC_BASE_URL": emulator.base_url,
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        [sys.executable, "-c", _PLAN_AND_LIST_MODULES, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )


def test_a_no_change_text_plan_over_http_loads_no_heavy_module(
    emulator: RunningEmulator,
) -> None:
    applied = _run(["apply", str(QUICKSTART), "--auto-approve"], emulator)
    assert "Apply complete" in applied.stdout, applied.stderr

    planned = _run(["plan", str(QUICKSTART), "--detailed-exitcode"], emulator)

    assert "No changes." in planned.stdout, planned.stderr
    loaded = json.loads(planned.stderr.strip().splitlines()[-1])
    heavy = [m for m in loaded if m.split(".")[0] in NOT_FOR_A_ROUTINE_PLAN]
    assert heavy == []


# What a plan imports before it starts the live read: the HTTP client, the credential and
# the wire models. The configuration models, the planner, the guards, lint, policies and
# renderers are imported while the pages arrive (issue 32: the first request leaves before
# the heavy imports).
NOT_BEFORE_THE_FIRST_REQUEST = (
    "fedctl.config.load",
    "fedctl.config.models",
    "fedctl.config.templating",
    "fedctl.guards.effective",
    "fedctl.guards.registry",
    "fedctl.keys.live",
    "fedctl.plan.plan",
    "fedctl.lint",
    "fedctl.policy",
    "fedctl.render",
    "fedctl.apply",
    "jinja2",
    "yaml",
)

_MODULES_WHEN_THE_READ_STARTS = (
    "import sys, json, contextlib\n"
    "from concurrent.futures import ThreadPoolExecutor\n"
    "import fedctl.pipeline\n"
    "seen = []\n"
    "class Recording(ThreadPoolExecutor):\n"
    "    def submit(self, fn, /, *args, **kwargs):\n"
    "        seen.append(sorted(sys.modules))\n"
    "        return super().submit(fn, *args, **kwargs)\n"
    "fedctl.pipeline.ThreadPoolExecutor = Recording\n"
    "from fedctl.cli.main import main\n"
    "with contextlib.suppress(SystemExit):\n"
    "    main(sys.argv[1:])\n"
    "print(json.dumps(seen[0]), file=sys.stderr)\n"
)


def test_a_plan_starts_reading_before_the_configuration_models_are_imported(
    emulator: RunningEmulator,
) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")},
        "ANTHROPIC_AUTH_TOKEN": emulator.admin_token,
        "ANTHROPIC_BASE_URL": emulator.base_url,
        "PYTHONPATH": str(REPO),
    }
    planned = subprocess.run(
        [sys.executable, "-c", _MODULES_WHEN_THE_READ_STARTS, "plan", str(QUICKSTART)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )

    assert planned.returncode == 0, planned.stderr
    loaded = json.loads(planned.stderr.strip().splitlines()[-1])
    early = [
        module
        for module in loaded
        if any(
            module == name or module.startswith(name + ".") for name in NOT_BEFORE_THE_FIRST_REQUEST
        )
    ]
    assert early == []
    # The read itself needs these: the test would pass vacuously if it ran too early.
    assert "fedctl.live" in loaded and "httpx" in loaded
