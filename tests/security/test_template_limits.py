"""Templates render in a child process with hard limits (issue 27 item 3).

Each payload once cost gigabytes or never ended. Run through the real CLI under a small
Python that reports the peak RSS of fedctl and of the template child it waited for, so
the bounds below cover the whole command. The bounds are generous (the machine
is shared); the limits themselves are 4 s wall, 3 s CPU and 512 MB address space.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli

# The machine is shared and starting Python can take seconds under load, so the bound is
# on the time beyond a harmless template's run made just before (same load), with an
# absolute ceiling as well.
EXTRA_WALL_SECONDS = 8
WALL_BOUND_SECONDS = 30
MEMORY_BOUND_KB = 512 * 1024

PAYLOADS = {
    "percent-format": '{{ "%999999999d" % 1 }}',
    "center": '{{ "x"|center(999999999) }}',
    "indent": '{{ "a\\nb"|indent(999999999) }}',
    "replace": '{% set s = "a" * 8000000 %}{{ s.replace("a", "a" * 1000) }}',
    "self-extending-loop": (
        "{% set items = [1] %}{% for x in items %}{% if items.append(x) %}{% endif %}{% endfor %}"
    ),
    "growing-loop": (
        '{% set items = ["aaaaaaaa"] %}{% for x in items %}'
        "{% if items.append(x ~ x) %}{% endif %}{% endfor %}"
    ),
}


# fedctl runs under a small Python that reports its children's peak RSS: a process
# forked from the test's own (hundreds of MB after other tests) would inherit that
# process's high-water mark in ru_maxrss and measure the test runner, not fedctl.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run([sys.executable, '-m', 'fedctl', *sys.argv[1:]],"
    " stdout=subprocess.PIPE, stderr=subprocess.STDOUT)\n"
    "sys.stdout.write(done.stdout.decode())\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "sys.stdout.write(f'\\nPEAK_KB={peak}\\n')\n"
    "sys.exit(done.returncode)\n"
)


def _run_cli(*args: str) -> tuple[int, str, float, int]:
    """(exit code, stdout, wall seconds, peak RSS in KB of fedctl and its children)."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args], capture_output=True, text=True, check=False
    )
    wall = time.monotonic() - started
    output, _, peak = done.stdout.rpartition("\nPEAK_KB=")
    return done.returncode, output, wall, int(peak)


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_a_costly_template_is_a_located_error_within_time_and_memory_bounds(
    name: str, tmp_path: Path
) -> None:
    (tmp_path / "rules.yaml.j2").write_text("version: {{ 1 }}\n")
    baseline_code, _output, baseline, _peak = _run_cli("validate", str(tmp_path))
    assert baseline_code == 0
    (tmp_path / "rules.yaml.j2").write_text(f"version: 1\n# {PAYLOADS[name]}\n")
    code, output, wall, peak_kb = _run_cli("validate", str(tmp_path))
    assert code == 1, output
    first = output.splitlines()[0]
    assert first.startswith(f"{tmp_path / 'rules.yaml.j2'}:"), output
    assert "template error: the template" in first
    assert "Traceback" not in output
    assert wall - baseline < EXTRA_WALL_SECONDS
    assert wall < WALL_BOUND_SECONDS
    assert peak_kb < MEMORY_BOUND_KB


def test_the_memory_limit_names_the_template_line(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml.j2").write_text(f"version: 1\n# {PAYLOADS['center']}\n")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{tmp_path / 'rules.yaml.j2'}:2:1: template error: the template needs more than "
        "the 512 MB a template may use"
    )


def test_fedctl_render_is_bounded_too(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml.j2").write_text(f"version: 1\n# {PAYLOADS['replace']}\n")
    result = CliRunner().invoke(cli, ["render", str(tmp_path)])
    assert result.exit_code == 1
    assert "512 MB" in result.output


def test_templates_before_and_after_a_costly_one_are_still_reported(tmp_path: Path) -> None:
    (tmp_path / "a.yaml.j2").write_text("version: 1\n{{ missing }}\n")
    (tmp_path / "b.yaml.j2").write_text(f"# {PAYLOADS['self-extending-loop']}\n")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "a.yaml.j2:2:1: template variable error" in result.stdout
    assert "b.yaml.j2:1:1: template error: the template ran longer than" in result.stdout or (
        "b.yaml.j2:1:1: template error: the template used more than" in result.stdout
    )


def test_a_configuration_without_templates_starts_no_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a child process was started")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    (tmp_path / "fedctl.yaml").write_text("version: 1\n")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert (result.exit_code, result.stderr) == (0, "")


def test_a_plain_template_still_renders(tmp_path: Path) -> None:
    (tmp_path / "fedctl.yaml.j2").write_text("version: {{ 1 }}\n")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert (result.exit_code, result.stderr) == (0, ""), result.output


def test_a_costly_markdown_template_is_bounded_too(tmp_path: Path) -> None:
    from fedctl.core.errors import UsageError
    from fedctl.render.markdown import render_markdown
    from tests.support.showcase import showcase_plan

    template = tmp_path / "comment.md.j2"
    template.write_text(PAYLOADS["percent-format"])
    started = time.monotonic()
    with pytest.raises(UsageError) as raised:
        render_markdown(showcase_plan(), template_path=template)
    assert str(raised.value) == (
        f"--template {template}: template error: the template needs more than the 512 MB "
        "a template may use"
    )
    assert time.monotonic() - started < WALL_BOUND_SECONDS
