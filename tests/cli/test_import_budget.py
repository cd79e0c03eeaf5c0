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


# What a plan imports before it starts the live read: the HTTP client and the credential
# (fedctl.cli.read_ahead starts it once click has parsed the options). The pydantic models
# (options, wire, state, configuration), the planner, the guards, lint, policies and
# renderers are imported while the pages arrive (issue 32: the first request leaves
# before the heavy imports).
NOT_BEFORE_THE_FIRST_REQUEST = (
    "pydantic",
    "fedctl.api.wire",
    "fedctl.core.state",
    "fedctl.live.read",
    "fedctl.plan",
    "fedctl.config",
    "fedctl.guards",
    "fedctl.api_keys",
    "fedctl.lint",
    "fedctl.guards.policy",
    "fedctl.render",
    "fedctl.apply",
    "jinja2",
    "yaml",
)

_MODULES_WHEN_THE_READ_STARTS = (
    "import sys, json, contextlib\n"
    "import fedctl.live.requests\n"
    "seen = []\n"
    "start_read = fedctl.live.requests.start_read\n"
    "def recording(client, finish):\n"
    "    seen.append(sorted(sys.modules))\n"
    "    return start_read(client, finish)\n"
    "fedctl.live.requests.start_read = recording\n"
    "from fedctl.cli.main import main\n"
    "with contextlib.suppress(SystemExit):\n"
    "    main(sys.argv[1:])\n"
    "print(json.dumps(seen[0]), file=sys.stderr)\n"
)

# The read's own thread, alone: what it has imported when its first request connects.
_MODULES_WHEN_THE_FIRST_REQUEST_CONNECTS = (
    "import sys, json, socket, contextlib\n"
    "seen = []\n"
    "connect = socket.socket.connect\n"
    "def recording(self, address):\n"
    "    seen.append(sorted(sys.modules))\n"
    "    return connect(self, address)\n"
    "socket.socket.connect = recording\n"
    "from fedctl.cli.read_ahead import http_settings\n"
    "from fedctl.live.requests import LiveReads\n"
    "with http_settings({}).open(read_only=True) as client:\n"
    "    LiveReads(client).results()\n"
    "print(json.dumps(seen[0]), file=sys.stderr)\n"
)


def _early(loaded: list[str]) -> list[str]:
    return [
        module
        for module in loaded
        if any(
            module == name or module.startswith(name + ".") for name in NOT_BEFORE_THE_FIRST_REQUEST
        )
    ]


def _modules_of(script: str, args: list[str], emulator: RunningEmulator) -> list[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")},
        "ANTHROPIC_AUTH_TOKEN": emulator.admin_token,
        "ANTHROPIC_BASE_URL": emulator.base_url,
        "PYTHONPATH": str(REPO),
    }
    ran = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    loaded: list[str] = json.loads(ran.stderr.strip().splitlines()[-1])
    return loaded


def test_a_plan_starts_reading_before_the_configuration_models_are_imported(
    emulator: RunningEmulator,
) -> None:
    loaded = _modules_of(_MODULES_WHEN_THE_READ_STARTS, ["plan", str(QUICKSTART)], emulator)
    assert _early(loaded) == []
    # The read itself needs these: the test would pass vacuously if it ran too early.
    assert "fedctl.live.requests" in loaded and "httpx" in loaded


def test_the_first_request_needs_no_pydantic_model(emulator: RunningEmulator) -> None:
    loaded = _modules_of(_MODULES_WHEN_THE_FIRST_REQUEST_CONNECTS, [], emulator)
    assert _early(loaded) == []
    assert "fedctl.api.connect" in loaded and "httpx" in loaded
