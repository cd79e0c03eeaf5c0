"""The README cannot drift: its set-up commands are the ones CI runs, and every
`console` block in it is executed and its output compared, line for line.

In an expected output, `...` inside a line stands for any text (IDs the emulator makes
up), and a line that is only `...` for any number of lines (steps that finish in
parallel, in any order).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
# The walk-through may continue in docs/: their console blocks run too.
DOCS = sorted((ROOT / "docs").rglob("*.md"))
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Session:
    """One `console` block: commands (after `$ `) each with the output that follows it."""

    index: int
    commands: tuple[tuple[str, str], ...]
    page: str = "README.md"


def _blocks(language: str, text: str = README) -> list[str]:
    return [body for lang, body in FENCE.findall(text) if lang == language]


def _sessions() -> list[Session]:
    pages = [("README.md", README)] + [
        (str(path.relative_to(ROOT)), path.read_text()) for path in DOCS
    ]
    return [session for page, text in pages for session in _page_sessions(page, text)]


def _page_sessions(page: str, text: str) -> list[Session]:
    sessions = []
    for index, body in enumerate(_blocks("console", text)):
        commands: list[tuple[str, list[str]]] = []
        for line in body.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif commands:
                commands[-1][1].append(line)
        sessions.append(Session(index, tuple((c, "\n".join(out)) for c, out in commands), page))
    return sessions


def _run(command: str, cwd: Path) -> str:
    argv = shlex.split(command)
    assert argv[0] == "fedctl", f"README console blocks run fedctl only, not {argv[0]}"
    env = {k: v for k, v in os.environ.items() if k not in {"FORCE_COLOR"}}
    env["NO_COLOR"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "fedctl", *argv[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return (result.stdout + result.stderr).rstrip("\n")


def _workspace(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    return tmp_path


def _pattern(expected: str) -> re.Pattern[str]:
    parts = []
    for line in expected.splitlines():
        if line == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*".join(re.escape(piece) for piece in line.split("...")) + r"\n")
    return re.compile("".join(parts))


def test_ellipsis_pattern_matches_text_and_lines() -> None:
    pattern = _pattern("a ... c\n...\nz")
    assert pattern.fullmatch("a b c\nx\ny\nz\n")
    assert pattern.fullmatch("a  c\nz\n")
    assert not pattern.fullmatch("a b d\nz\n")


def test_readme_opens_with_the_two_set_up_commands() -> None:
    shell_blocks = _blocks("sh")
    assert len(shell_blocks) >= 2
    main_job, tests = shell_blocks[0].strip(), shell_blocks[1].strip()
    assert README.index(shell_blocks[0]) < README.index("## ")
    assert "fedctl plan examples/quickstart --local" in main_job
    assert "fedctl apply examples/quickstart --local" in main_job
    ci_script = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci_script[-1] == tests, "CI must run exactly the README's test command"


def test_main_job_command_plans_and_applies_the_quickstart(tmp_path: Path) -> None:
    cwd = _workspace(tmp_path)
    main_job = _blocks("sh")[0].strip()
    fedctl_steps = [s.strip() for s in main_job.split("&&") if s.strip().startswith("fedctl ")]
    assert len(fedctl_steps) == 2
    for step in fedctl_steps:
        argv = shlex.split(step)
        result = subprocess.run(
            [sys.executable, "-m", "fedctl", *argv[1:]],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    replan = subprocess.run(
        [
            sys.executable,
            "-m",
            "fedctl",
            "plan",
            "examples/quickstart",
            "--local",
            "--detailed-exitcode",
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert replan.returncode == 0, replan.stdout + replan.stderr
    assert "No changes." in replan.stdout


def _session_id(session: Session) -> str:
    prefix = "" if session.page == "README.md" else f"{session.page}-"
    return f"{prefix}console-block-{session.index}"


def test_the_readme_is_read_to_the_end_in_ten_minutes() -> None:
    assert len(README.splitlines()) < 400


def test_every_docs_page_is_reachable_from_the_readme() -> None:
    lint_index = (ROOT / "docs" / "lint" / "README.md").read_text()
    for path in DOCS:
        relative = str(path.relative_to(ROOT))
        if relative.startswith("docs/lint/") and path.name != "README.md":
            assert f"({path.name})" in lint_index, relative
        elif relative.startswith("docs/first-hour/"):
            continue  # configurations the walk-through runs, not pages
        else:
            assert f"({relative})" in README, f"{relative} is not linked from the README"


@pytest.mark.parametrize("session", _sessions(), ids=_session_id)
def test_console_block_output_matches_the_readme(session: Session, tmp_path: Path) -> None:
    cwd = _workspace(tmp_path)
    for command, expected in session.commands:
        output = _run(command, cwd)
        text = output + "\n" if output else ""
        assert _pattern(expected).fullmatch(text), f"$ {command}\n{output}"
