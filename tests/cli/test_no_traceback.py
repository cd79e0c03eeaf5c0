"""No traceback for any input: every command, driven with random files, tokens and options.

Each example runs one command through click's CliRunner on the real group, with random
bytes, YAML, JSON or mutated real files (configurations, snapshots, saved plans, claims,
var files, templates), against no server (a closed loopback port) or the real emulator.
The outcome must be a documented exit code, no exception other than SystemExit, and no
"Traceback" anywhere in the output.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator

EXAMPLES = Path(__file__).parents[2] / "examples"
QUICKSTART = EXAMPLES / "quickstart"
CLAIMS = Path(__file__).parents[1] / "explain" / "data" / "github-push.json"

# Click's own usage errors exit 2 for every command; the rest is each command's contract.
DOCUMENTED_EXIT_CODES: dict[str, set[int]] = {
    "validate": {0, 1, 2},
    "lint": {0, 1, 2},
    "schema": {0, 1, 2},
    "plan": {0, 1, 2, 4},
    "apply": {0, 1, 2},
    "explain": {0, 1, 2, 3},
    "export": {0, 1, 2},
    "snapshot": {0, 1, 2},
    "drift": {0, 1, 2},
    "whoami": {0, 1, 2},
    "emulator": {0, 1, 2, 130},
}
# Short enough that a closed port fails fast; the flag is the documented bound.
TIMEOUT = ["--timeout", "1"]
SETTINGS = settings(
    # FEDCTL_FUZZ_EXAMPLES=500 hunts harder locally; the suite keeps the run short.
    max_examples=int(os.environ.get("FEDCTL_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

CONFIG_KEYS = [
    "version",
    "organization_id",
    "settings",
    "service_accounts",
    "issuers",
    "rules",
    "name",
    "issuer",
    "service_account",
    "match",
    "jwks",
    "keys",
    "type",
    "workspaces",
    "subject_prefix",
    "claims",
    "condition",
    "issuer_url",
    "oauth_scope",
    "previous_names",
    "state",
    "format",
    "digest",
]
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(["1", "https://x.example.com", "{{ x }}", "*", "default", "fdis_x"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(CONFIG_KEYS) | st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=20,
)


def _mutate(document: Any, draw: Callable[[st.SearchStrategy[Any]], Any]) -> Any:
    """The document with one randomly chosen node replaced by a random value."""
    if isinstance(document, dict) and document and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(document)))
        return {**document, key: _mutate(document[key], draw)}
    if isinstance(document, list) and document and draw(st.booleans()):
        index = draw(st.integers(0, len(document) - 1))
        return [*document[:index], _mutate(document[index], draw), *document[index + 1 :]]
    return draw(json_values)


@st.composite
def file_bytes(draw: Any, *, real: list[bytes] | None = None) -> bytes:
    """Random content: bytes, text, YAML, JSON, templates, or a real file mutated."""
    choices = ["bytes", "text", "yaml", "json", "template"]
    if real:
        choices += ["real", "mutated"]
    kind = draw(st.sampled_from(choices))
    if kind == "bytes":
        return bytes(draw(st.binary(max_size=200)))
    if kind == "text":
        return str(draw(st.text(max_size=200))).encode("utf-8", "surrogatepass")
    if kind == "yaml":
        return yaml.safe_dump(draw(json_values)).encode()
    if kind == "json":
        return json.dumps(draw(json_values)).encode()
    if kind == "template":
        return str(draw(st.sampled_from(TEMPLATES))).encode()
    assert real is not None
    original = draw(st.sampled_from(real))
    if kind == "real":
        return original
    return json.dumps(_mutate(json.loads(original), draw)).encode()


TEMPLATES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ x",
    "{% for %}",
    "{{ undefined_variable }}",
    "{{ self._TemplateReference__context }}",
    "{{ lipsum.__globals__ }}",
    "version: {{ 10 ** 10 ** 10 }}",
    "{% include '/etc/passwd' %}",
    "{{ range(10**9) | list }}",
    "version: 1\nservice_accounts:\n  - name: {{ name }}\n",
]

TOKENS = st.one_of(
    st.text(max_size=50),
    st.sampled_from(
        [
            "a.b.c",
            "...",
            "eyJhbGciOiJub25lIn0.eyJzdWIiOjF9.",
            "eyJhbGciOiJub25lIn0.W10.x",
            "eyJ9.eyJ9.eyJ9",
            "=.=.=",
            "eyJhbGciOiJub25lIn0." + "A" * 100_000 + ".x",
            "sk-ant-admin01-xyz",
            "sk-ant-api03-xyz",
        ]
    ),
    st.lists(st.text(alphabet="abcXYZ-_=+/0189", max_size=20), min_size=1, max_size=5).map(
        ".".join
    ),
)


class Workdir:
    """A temporary folder where an example writes its files; paths as strings."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0

    def file(self, content: bytes, suffix: str = ".yaml") -> str:
        self.count += 1
        path = self.root / f"f{self.count}{suffix}"
        path.write_bytes(content)
        return str(path)

    def directory(self) -> str:
        self.count += 1
        path = self.root / f"d{self.count}"
        path.mkdir()
        return str(path)

    def missing(self) -> str:
        return str(self.root / "does-not-exist")


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL on which nothing listens: connection refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def real_files(emulator: RunningEmulator, tmp_path: Path) -> dict[str, list[bytes]]:
    """A real snapshot and saved plan of a populated emulator, for mutation."""
    api = ["--base-url", emulator.base_url, "--auth-token", emulator.admin_token]
    runner = CliRunner()
    snapshot, plan = tmp_path / "snapshot.json", tmp_path / "plan.json"
    assert runner.invoke(cli, ["snapshot", "--out", str(snapshot), *api]).exit_code == 0
    result = runner.invoke(cli, ["plan", str(QUICKSTART), "--out", str(plan), *api])
    assert result.exit_code == 0, result.output
    return {
        "snapshot": [snapshot.read_bytes()],
        "plan": [plan.read_bytes()],
        "claims": [CLAIMS.read_bytes()],
    }


def invoke(args: list[str]) -> Result:
    return CliRunner().invoke(cli, args)


def assert_clean(command: str, args: list[str], result: Result) -> None:
    shown = f"fedctl {' '.join(a[:80] for a in args)}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        shown,
        repr(result.exception),
    )
    assert result.exit_code in DOCUMENTED_EXIT_CODES[command], (shown, result.output)
    assert "Traceback" not in result.stdout + result.stderr, shown
    # Exit 2 is click's usage error except where a command documents it (changes, drift).
    if result.exit_code == 2 and command not in ("plan", "drift"):
        assert result.stderr.count("Error:") == 1, (shown, result.stderr)


@pytest.fixture
def workdir() -> Iterator[Callable[[], Workdir]]:
    made: list[tempfile.TemporaryDirectory[str]] = []

    def new() -> Workdir:
        folder = tempfile.TemporaryDirectory()
        made.append(folder)
        return Workdir(Path(folder.name))

    yield new
    for folder in made:
        folder.cleanup()


def some_path(draw: Any, work: Workdir, content: st.SearchStrategy[bytes], suffix: str) -> str:
    """A file with random content, or a directory, or a path that does not exist."""
    kind = draw(st.sampled_from(["file", "file", "file", "directory", "missing"]))
    if kind == "directory":
        return work.directory()
    if kind == "missing":
        return work.missing()
    return work.file(draw(content), suffix)


@st.composite
def config_args(draw: Any, work: Workdir) -> list[str]:
    """PATH plus random --var / --var-file."""
    suffix = draw(st.sampled_from([".yaml", ".yml", ".yaml.j2", ".json", ""]))
    path = str(QUICKSTART) if draw(st.booleans()) else some_path(draw, work, file_bytes(), suffix)
    args = [path]
    for _ in range(draw(st.integers(0, 2))):
        args += ["--var", draw(st.text(max_size=15))]
    for _ in range(draw(st.integers(0, 1))):
        args += ["--var-file", some_path(draw, work, file_bytes(), ".yaml")]
    return args


@given(data=st.data())
@SETTINGS
def test_offline_commands_never_show_a_traceback(
    data: st.DataObject, workdir: Callable[[], Workdir]
) -> None:
    work = workdir()
    command = data.draw(st.sampled_from(["validate", "lint", "schema"]))
    if command == "schema":
        args = ["schema", "--out", some_path(data.draw, work, file_bytes(), "")]
    else:
        args = [command, *data.draw(config_args(work))]
        formats = {"validate": ["text", "json"], "lint": ["text", "json", "sarif"]}[command]
        args += ["--format", data.draw(st.sampled_from(formats))]
        if command == "lint":
            args += data.draw(st.sampled_from([[], ["--list"], ["--severity", "error"]]))
    assert_clean(command, args, invoke(args))


@given(data=st.data())
@SETTINGS
def test_explain_never_shows_a_traceback(
    data: st.DataObject, workdir: Callable[[], Workdir]
) -> None:
    work = workdir()
    real = [CLAIMS.read_bytes()]
    args = ["explain", *data.draw(config_args(work))]
    source = data.draw(st.sampled_from(["--claims", "--token", "--token-file", "none", "two"]))
    if source in ("--claims", "two"):
        args += ["--claims", some_path(data.draw, work, file_bytes(real=real), ".json")]
    if source in ("--token", "two"):
        args += ["--token", data.draw(TOKENS)]
    if source == "--token-file":
        args += ["--token-file", work.file(data.draw(TOKENS).encode("utf-8", "surrogatepass"))]
    args += data.draw(
        st.sampled_from([[], ["--rule", "deploy-main"], ["--at", "1e300"], ["--at", "nan"]])
    )
    args += ["--format", data.draw(st.sampled_from(["text", "json"]))]
    assert_clean("explain", args, invoke(args))


API_COMMANDS = ["whoami", "plan", "apply", "export", "snapshot", "drift", "explain"]


@st.composite
def api_command_args(draw: Any, work: Workdir, real: dict[str, list[bytes]]) -> list[str]:
    """One API command with random files and options (the server is added by the caller)."""
    command = draw(st.sampled_from(API_COMMANDS))
    args = [command]
    if command in ("plan", "drift"):
        args += draw(config_args(work))
    if command == "plan":
        args += draw(
            st.sampled_from(
                [
                    [],
                    ["--format", "json"],
                    ["--format", "markdown"],
                    ["--target", draw(st.text(max_size=20))],
                    ["--prune", "--detailed-exitcode"],
                    ["--fail-on", "broadening"],
                ]
            )
        )
        if draw(st.booleans()):
            template = work.file(str(draw(st.sampled_from(TEMPLATES))).encode(), ".j2")
            args += ["--format", "markdown", "--template", template]
        if draw(st.booleans()):
            args += ["--out", some_path(draw, work, st.just(b""), ".json")]
    if command == "apply":
        plan = some_path(draw, work, file_bytes(real=real["plan"]), ".json")
        args += [plan, "--config", str(QUICKSTART), "--auto-approve"]
        if draw(st.booleans()):
            args += ["--snapshot", some_path(draw, work, file_bytes(real=real["snapshot"]), "")]
    if command == "export":
        args += draw(
            st.sampled_from(
                [[], ["--out", work.directory()], ["--out", work.file(b"x")], ["--split-by-issuer"]]
            )
        )
    if command == "snapshot":
        args += ["--out", draw(st.sampled_from([work.directory(), work.missing()]))]
    if command == "drift":
        args += ["--fedctl-actor", draw(st.text(min_size=1, max_size=10))]
    if command == "explain":
        args += [
            str(QUICKSTART),
            "--live",
            "--claims",
            work.file(draw(file_bytes(real=real["claims"]))),
        ]
    if command == "whoami":
        args += ["--format", draw(st.sampled_from(["text", "json"]))]
    return args


@given(data=st.data())
@SETTINGS
def test_api_commands_against_a_closed_port_fail_in_one_line(
    data: st.DataObject, workdir: Callable[[], Workdir], closed_port_url: str
) -> None:
    work = workdir()
    real = {"plan": [b"{}"], "snapshot": [b"{}"], "claims": [CLAIMS.read_bytes()]}
    args = data.draw(api_command_args(work, real))
    args += ["--base-url", closed_port_url, "--auth-token", data.draw(TOKENS), *TIMEOUT]
    result = invoke(args)
    assert_clean(args[0], args, result)
    # One line, except the documented list of configuration problems.
    if result.exit_code == 1 and not result.stderr.endswith("nothing was changed.\n"):
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, (
            args,
            result.stderr,
        )


@given(data=st.data())
@SETTINGS
def test_api_commands_against_the_emulator_never_show_a_traceback(
    data: st.DataObject,
    workdir: Callable[[], Workdir],
    emulator: RunningEmulator,
    real_files: dict[str, list[bytes]],
) -> None:
    work = workdir()
    args = data.draw(api_command_args(work, real_files))
    token = data.draw(st.sampled_from([emulator.admin_token, emulator.admin_token]) | TOKENS)
    args += ["--base-url", emulator.base_url, "--auth-token", token, *TIMEOUT]
    assert_clean(args[0], args, invoke(args))


@pytest.mark.emulator
@given(data=st.data())
@SETTINGS
def test_emulator_command_never_shows_a_traceback(
    data: st.DataObject, workdir: Callable[[], Workdir], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command blocks until Ctrl-C: a stand-in event is "interrupted" at once.
    class InterruptedEvent:
        def wait(self) -> None:
            raise KeyboardInterrupt

    import fedctl.cli.emulator

    # Only the command module's view of `threading`: the server thread needs the real one.
    monkeypatch.setattr(fedctl.cli.emulator, "threading", SimpleNamespace(Event=InterruptedEvent))
    work = workdir()
    args = ["emulator", "--port", "0"]
    args += data.draw(
        st.sampled_from(
            [
                [],
                ["--fault-kinds", data.draw(st.text(max_size=20))],
                ["--state", some_path(data.draw, work, file_bytes(), ".db")],
                ["--seed", some_path(data.draw, work, file_bytes(), ".yaml")],
                ["--host", data.draw(st.sampled_from(["256.0.0.1", "", "example.invalid", "::1"]))],
                ["--workspace", data.draw(st.text(max_size=20))],
            ]
        )
    )
    assert_clean("emulator", args, invoke(args))
