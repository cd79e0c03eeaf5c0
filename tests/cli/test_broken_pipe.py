"""`fedctl validate --format json | head` ends quietly (issue 31 item 14).

This machine's pipes do not always report EPIPE to a writer whose reader left, so the
closed pipe is simulated where the output is written: the echo of the JSON raises
BrokenPipeError, exactly as a real closed pipe makes it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
import pytest

from fedctl.cli.main import main

QUICKSTART = Path(__file__).parents[2] / "examples" / "quickstart"


def test_a_reader_that_goes_away_gets_no_error_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_echo = click.echo

    def closed_stdout(
        message: Any = None,
        file: Any = None,
        nl: bool = True,
        err: bool = False,
        color: bool | None = None,
    ) -> None:
        if not err:
            raise BrokenPipeError(32, "Broken pipe")
        real_echo(message, file=file, nl=nl, err=err, color=color)

    monkeypatch.setattr(click, "echo", closed_stdout)
    # click replaces sys.stdout/sys.stderr with quiet wrappers; put them back afterwards.
    monkeypatch.setattr(sys, "stdout", sys.stdout)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    with pytest.raises(SystemExit):
        main(["validate", str(QUICKSTART), "--format", "json"])
    captured = capsys.readouterr()
    assert "Broken pipe" not in captured.err
    assert captured.err == ""
