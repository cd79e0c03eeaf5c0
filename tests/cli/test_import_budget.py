"""What a routine plan loads: no template engine, solver or server for a no-change plan.

Counted by listing `sys.modules` in the process that planned, never by timing it: the
heavy modules cost start-up time before the first request, and a plan that needs none of
them must not pay for them.
"""

from __future__ import annotations

from fedctl.emulator.server import RunningEmulator
from tests.support.modules import REPO, loaded, run_fedctl, run_script

QUICKSTART = REPO / "examples" / "quickstart"
NOT_FOR_A_ROUTINE_PLAN = ("jinja2", "z3", "starlette", "uvicorn")


def test_a_no_change_text_plan_over_http_loads_no_heavy_module(
    emulator: RunningEmulator,
) -> None:
    applied = run_fedctl(emulator, "apply", str(QUICKSTART), "--auto-approve")
    assert "Apply complete" in applied.stdout, applied.stderr

    planned = run_fedctl(emulator, "plan", str(QUICKSTART), "--detailed-exitcode")

    assert "No changes." in planned.stdout, planned.stderr
    heavy = [m for m in loaded(planned) if m.split(".")[0] in NOT_FOR_A_ROUTINE_PLAN]
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
    ran = run_script(emulator, script, *args)
    assert ran.returncode == 0, ran.stderr
    return loaded(ran)


def test_a_plan_starts_reading_before_the_configuration_models_are_imported(
    emulator: RunningEmulator,
) -> None:
    modules = _modules_of(_MODULES_WHEN_THE_READ_STARTS, ["plan", str(QUICKSTART)], emulator)
    assert _early(modules) == []
    # The read itself needs these: the test would pass vacuously if it ran too early.
    assert "fedctl.live.requests" in modules and "httpx" in modules


def test_the_first_request_needs_no_pydantic_model(emulator: RunningEmulator) -> None:
    modules = _modules_of(_MODULES_WHEN_THE_FIRST_REQUEST_CONNECTS, [], emulator)
    assert _early(modules) == []
    assert "fedctl.api.connect" in modules and "httpx" in modules
