"""`fedctl output` snippets carry what the rule requires (issue 31 item 5): the GitHub
environment and the Kubernetes service account its subject pins, a GitLab `id_tokens`
job, the env lines' token-file placeholder, and a profile rewrite that clears the SDK's
cached token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from fedctl.cli.main import cli
from fedctl.core.state import LiveState, RuleMatchSpec
from fedctl.live.snapshot import take_snapshot, write_snapshot
from fedctl.output.subjects import github_environment, kubernetes_subject
from tests.cli.test_output import CONFIG, live_state
from tests.support.states import live_id


def _with_subject(subject: str, audience: str | None = "https://acme.example/claude") -> LiveState:
    state = live_state()
    deploy = state.rules["deploy"]
    match = RuleMatchSpec(subject_prefix=subject, audience=audience)
    changed = deploy.model_copy(update={"spec": deploy.spec.model_copy(update={"match": match})})
    return state.model_copy(update={"rules": {**state.rules, "deploy": changed}})


def _output(tmp_path: Path, state: LiveState, *args: str, **env: str) -> Result:
    folder = tmp_path / "federation"
    folder.mkdir(exist_ok=True)
    (folder / "fedctl.yaml").write_text(CONFIG)
    snapshot = tmp_path / "snapshot.json"
    write_snapshot(take_snapshot(state), snapshot)
    return CliRunner().invoke(
        cli, ["output", str(folder), "deploy", "--snapshot", str(snapshot), *args], env=env
    )


def test_subject_parsing() -> None:
    assert github_environment("repo:acme/app:environment:production", None) == "production"
    assert github_environment("repo:acme/app:environment:Prod%3AV1", None) == "Prod:V1"
    assert github_environment("repo:acme/app:ref:refs/heads/main", None) is None
    assert github_environment("repo:acme/app:ref:x", {"environment": "prod"}) == "prod"
    assert kubernetes_subject("system:serviceaccount:payments:api") == ("payments", "api")
    assert kubernetes_subject("system:serviceaccount:payments:") == ("payments", None)
    # `...:pay` also matches namespace `payments`: it pins no namespace.
    assert kubernetes_subject("system:serviceaccount:pay") == (None, None)
    assert kubernetes_subject("repo:acme/app") == (None, None)


def test_github_names_the_environment_the_subject_pins(tmp_path: Path) -> None:
    state = _with_subject("repo:acme/app:environment:production")
    result = _output(tmp_path, state, "--format", "github")
    assert result.exit_code == 0, result.output
    job = yaml.safe_load(result.stdout)
    assert job["environment"] == "production"
    assert 'environment: "production"  # the rule\'s subject pins it\n' in result.stdout


def test_github_without_an_environment_names_none(tmp_path: Path) -> None:
    result = _output(
        tmp_path, _with_subject("repo:acme/app:ref:refs/heads/main"), "--format", "github"
    )
    assert "environment" not in yaml.safe_load(result.stdout)


def test_kubernetes_names_the_service_account_and_namespace(tmp_path: Path) -> None:
    state = _with_subject("system:serviceaccount:payments:api-server")
    result = _output(tmp_path, state, "--format", "kubernetes")
    assert result.exit_code == 0, result.output
    pod = yaml.safe_load(result.stdout)
    assert pod["serviceAccountName"] == "api-server"
    assert (
        "# Deploy in namespace \"payments\" (the Deployment's metadata.namespace): the rule's "
        "subject pins it.\n" in result.stdout
    )


def test_gitlab_job_declares_the_id_token_with_the_audience(tmp_path: Path) -> None:
    state = _with_subject("project_path:acme/app:ref_type:branch:ref:main")
    result = _output(tmp_path, state, "--format", "gitlab")
    assert result.exit_code == 0, result.output
    job = yaml.safe_load(result.stdout)
    assert job == {
        "id_tokens": {"ANTHROPIC_IDENTITY_TOKEN": {"aud": "https://acme.example/claude"}},
        "variables": {
            "ANTHROPIC_ORGANIZATION_ID": live_state().organization.id,
            "ANTHROPIC_FEDERATION_RULE_ID": live_id("fdrl", "deploy"),
            "ANTHROPIC_SERVICE_ACCOUNT_ID": live_id("svac", "ci"),
        },
    }
    refused = _output(tmp_path, state, "--format", "gitlab", "--token-file", "/t")
    assert refused.exit_code == 1
    assert "--token-file does not apply to --format gitlab" in refused.stderr


def test_no_audience_warns_and_marks_the_assumption_in_every_format(tmp_path: Path) -> None:
    state = _with_subject("repo:acme/app:ref:refs/heads/main", audience=None)
    for output_format in ("env", "github", "gitlab", "kubernetes"):
        result = _output(tmp_path, state, "--format", output_format)
        assert result.exit_code == 0, result.output
        assert "warning: rule deploy sets no match.audience" in result.stderr
        assert '"https://api.anthropic.com" is assumed; set match.audience' in result.stdout
    documents = json.loads(_output(tmp_path, state, "--format", "json").stdout)
    assert documents[0]["audience_explicit"] is False


def _profile(tmp_path: Path, state: LiveState, config_dir: Path, **env: str) -> Result:
    args = ["--format", "profile", "--token-file", "/run/token", "--config-dir", str(config_dir)]
    return _output(tmp_path, state, *args, **env)


def test_a_changed_profile_clears_the_sdk_cached_token(tmp_path: Path) -> None:
    config_dir = tmp_path / "sdk"
    cache = config_dir / "credentials" / "deploy.json"
    assert _profile(tmp_path, live_state(), config_dir).exit_code == 0
    cache.parent.mkdir()
    cache.write_text('{"type": "oauth_token", "access_token": "old-workspace"}')
    # Same IDs again: the cached token still belongs to this profile and is kept.
    unchanged = _profile(tmp_path, live_state(), config_dir)
    assert unchanged.exit_code == 0, unchanged.output
    assert cache.exists()
    assert "Deleted" not in unchanged.output
    moved = _profile(tmp_path, _with_subject("repo:acme/app:environment:production"), config_dir)
    assert moved.exit_code == 0, moved.output
    profile = json.loads((config_dir / "configs" / "deploy.json").read_text())
    assert profile["authentication"]["federation_rule_id"] == live_id("fdrl", "deploy")
    assert cache.exists()
    # The subject change does not touch the profile's IDs; a workspace change does:
    state = live_state()
    other = state.model_copy(
        update={"organization": state.organization.model_copy(update={"id": "org-2"})}
    )
    rewritten = _profile(tmp_path, other, config_dir)
    assert rewritten.exit_code == 0, rewritten.output
    assert not cache.exists()
    assert f"Deleted {cache}: the SDK's cached token for the old profile" in rewritten.stdout


def test_profile_notes_where_the_typescript_sdk_looks(tmp_path: Path) -> None:
    config_dir = tmp_path / "sdk"
    xdg = tmp_path / "xdg"
    result = _profile(tmp_path, live_state(), config_dir, XDG_CONFIG_HOME=str(xdg))
    assert result.exit_code == 0, result.output
    assert (
        f"note: XDG_CONFIG_HOME is set, so the TypeScript SDK looks in {xdg}/anthropic, not "
        f"{config_dir}; give the workload ANTHROPIC_CONFIG_DIR={config_dir}\n" in result.stderr
    )
    same = _profile(tmp_path, live_state(), xdg / "anthropic", XDG_CONFIG_HOME=str(xdg))
    assert "XDG_CONFIG_HOME" not in same.stderr


@pytest.mark.parametrize("subject", ["repo:acme/app:environment:prod\u202eevil"])
def test_an_invisible_character_in_a_pinned_environment_is_refused(
    tmp_path: Path, subject: str
) -> None:
    result = _output(tmp_path, _with_subject(subject), "--format", "github")
    assert result.exit_code == 1
    assert "GitHub environment (from the subject)" in result.stderr
    assert result.stdout == ""
