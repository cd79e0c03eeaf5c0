"""Shell and YAML injection through `fedctl output` (issue 27 item 1): a hostile audience
or ID (from a merged pull request or a hostile server) must never become code when the
documented `eval "$(fedctl output ...)"` runs, nor a key in the GitHub, GitLab or
Kubernetes YAML."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from fedctl.cli.main import cli
from fedctl.core.state import LiveState, RuleMatchSpec
from fedctl.live.snapshot import take_snapshot, write_snapshot
from tests.cli.test_output import CONFIG, live_state

NEWLINE_ATTACK = "https://api.anthropic.com\ntouch pwned #"
# Printable, so fedctl prints it: every shell and YAML metacharacter at once.
QUOTED_ATTACK = "https://x'\"; touch pwned; echo $(touch pwned) `touch pwned` #: {a: b}"
FORMATS = ("env", "json", "github", "gitlab", "kubernetes")


def _with_audience(audience: str) -> LiveState:
    state = live_state()
    deploy = state.rules["deploy"]
    match = RuleMatchSpec(subject_prefix=deploy.spec.match.subject_prefix, audience=audience)
    hostile = deploy.model_copy(update={"spec": deploy.spec.model_copy(update={"match": match})})
    return state.model_copy(update={"rules": {**state.rules, "deploy": hostile}})


def _output(tmp_path: Path, state: LiveState, *args: str) -> Result:
    folder = tmp_path / "federation"
    folder.mkdir(exist_ok=True)
    (folder / "fedctl.yaml").write_text(CONFIG)
    snapshot = tmp_path / "hostile.json"
    write_snapshot(take_snapshot(state), snapshot)
    return CliRunner().invoke(
        cli, ["output", str(folder), "deploy", "--snapshot", str(snapshot), *args]
    )


def _eval_in_sh(script: str, workdir: Path, *, then: str = "") -> subprocess.CompletedProcess[str]:
    """Run `eval "$OUT"` in a POSIX sh inside workdir, as the docs tell users to."""
    return subprocess.run(
        ["/bin/sh", "-c", f'eval "$OUT"\n{then}'],
        cwd=workdir,
        env={"OUT": script, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_newline_in_the_audience_is_refused_and_eval_runs_nothing(
    tmp_path: Path, output_format: str
) -> None:
    result = _output(tmp_path, _with_audience(NEWLINE_ATTACK), "--format", output_format)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        'error: rule deploy: its match.audience "https://api.anthropic.com\\ntouch pwned #" '
        "holds a line break or control character; nothing was printed (fix the "
        "configuration, or check the server)\n"
    )
    workdir = tmp_path / "sh"
    workdir.mkdir()
    _eval_in_sh(result.stdout, workdir)
    assert list(workdir.iterdir()) == []


def test_printable_shell_metacharacters_stay_values_when_evaluated(tmp_path: Path) -> None:
    result = _output(tmp_path, _with_audience(QUOTED_ATTACK))
    assert result.exit_code == 0, result.output
    workdir = tmp_path / "sh"
    workdir.mkdir()
    shell = _eval_in_sh(
        result.stdout,
        workdir,
        then='printf "%s|%s" "$ANTHROPIC_FEDERATION_RULE_ID" "${ANTHROPIC_AUTH_TOKEN-unset}"',
    )
    assert shell.returncode == 0, shell.stderr
    assert list(workdir.iterdir()) == []  # nothing ran
    assert shell.stdout.startswith("fdrl_") and shell.stdout.endswith("|unset")


def test_eval_unsets_credentials_that_would_shadow_federation(tmp_path: Path) -> None:
    result = _output(tmp_path, live_state(), "--token-file", "/run/token")
    workdir = tmp_path / "sh"
    workdir.mkdir()
    shell = subprocess.run(
        ["/bin/sh", "-c", 'eval "$OUT"; env'],
        cwd=workdir,
        env={
            "OUT": result.stdout,
            "PATH": "/usr/bin:/bin",
            "ANTHROPIC_API_KEY": "sk-leftover",
            "ANTHROPIC_AUTH_TOKEN": "leftover",
            "ANTHROPIC_PROFILE": "old",
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    names = {line.split("=", 1)[0] for line in shell.stdout.splitlines()}
    assert not names & {"ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_PROFILE"}
    assert "ANTHROPIC_IDENTITY_TOKEN_FILE=/run/token" in shell.stdout.splitlines()


@pytest.mark.parametrize("output_format", ("github", "gitlab", "kubernetes"))
def test_printable_metacharacters_stay_one_yaml_value(tmp_path: Path, output_format: str) -> None:
    result = _output(tmp_path, _with_audience(QUOTED_ATTACK), "--format", output_format)
    assert result.exit_code == 0, result.output
    document = yaml.safe_load(result.stdout)
    if output_format == "github":
        step = document["steps"][0]
        assert step["env"]["AUDIENCE"] == QUOTED_ATTACK
        assert "touch" not in step["run"]  # the script reads it from env, never pasted
    elif output_format == "gitlab":
        assert document["id_tokens"]["ANTHROPIC_IDENTITY_TOKEN"] == {"aud": QUOTED_ATTACK}
        assert set(document) == {"id_tokens", "variables"}
    else:
        sources = document["volumes"][0]["projected"]["sources"]
        assert sources[0]["serviceAccountToken"]["audience"] == QUOTED_ATTACK
