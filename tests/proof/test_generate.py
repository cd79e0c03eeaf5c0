"""`fedctl test --generate`: per rule an admitted token and the nearest denied ones, named
by the pin each misses; the generated file passes `fedctl test` on the same configuration."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from fedctl.cli.main import cli
from tests.cli.access_fixtures import copy_quickstart


def test_generate_writes_cases_that_pass(tmp_path: Path) -> None:
    config = copy_quickstart(tmp_path)
    target = tmp_path / "generated.access-test.yaml"

    generated = CliRunner().invoke(cli, ["test", str(config), "--generate", str(target)])

    assert generated.exit_code == 0, generated.output
    assert generated.output == f"Wrote 3 access-test cases to {target}.\n"
    cases = yaml.safe_load(target.read_text())["cases"]
    assert [(case["name"], case["expect"]) for case in cases] == [
        ("payments-main admits its own token", {"rule": "payments-main"}),
        (
            "payments-main denies a token that misses subject_prefix "
            "pipeline:payments:ref:refs/heads/main",
            "denied",
        ),
        ("payments-main denies a token that misses claims.project payments", "denied"),
    ]
    assert cases[2]["claims"] == {
        "iss": "https://build.acme.example",
        "aud": "https://api.anthropic.com",
        "sub": "pipeline:payments:ref:refs/heads/main",
    }
    tested = CliRunner().invoke(cli, ["test", str(config), "--tests", str(target)])
    assert tested.exit_code == 0, tested.output
    assert tested.output.endswith("5 cases: 5 passed, 0 failed.\n")


def test_generate_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "kept.yaml"
    target.write_text("cases: []\n")
    result = CliRunner().invoke(
        cli, ["test", str(copy_quickstart(tmp_path)), "--generate", str(target)]
    )
    assert result.exit_code != 0
    assert target.read_text() == "cases: []\n"
