"""`fedctl init`: a starter configuration for one provider, written without overwriting.

Every value init writes into YAML (workspace names, the repository) is checked and, where
YAML would read it as anything but itself, quoted: `--workspace 'prod"uction\\nx: 1'` is
refused, never pasted. init writes only into a folder that holds no configuration yet: a
starter's example resources planned next to a real configuration would be created.

    written = scaffold(Path("federation"), preset="github-actions", repo="acme/app")
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from fedctl.config.schema import schema_comment
from fedctl.config.settings_text import PRUNE_SETTINGS_BLOCK
from fedctl.core.errors import UsageError
from fedctl.core.presets import PRESETS
from fedctl.core.safe_write import write_file

EXAMPLE_NOTE = (
    "# A starter from `fedctl init`: replace the example names, IDs and URLs with yours,\n"
    "# then `fedctl validate`, `fedctl lint` and `fedctl plan`.\n"
)
MEMBERSHIP = "      - workspace: production\n        role: workspace_developer\n"
_NAME = r"[A-Za-z0-9_.-]+"
GITHUB_REPO = re.compile(
    rf"^(?P<owner>{_NAME})(@(?P<owner_id>[0-9]+))?/(?P<repo>{_NAME})(@(?P<repo_id>[0-9]+))?$"
)
# GitLab groups nest: GROUP/SUBGROUP/PROJECT; the namespace ID goes on the last group.
GITLAB_PROJECT = re.compile(
    rf"^(?P<namespace>{_NAME}(/{_NAME})*?)(@(?P<namespace_id>[0-9]+))?"
    rf"/(?P<project>{_NAME})(@(?P<project_id>[0-9]+))?$"
)
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*")
# What each starter's --repo means, for --list and messages.
REPO_FORMS = {
    "github-actions": "--repo OWNER/REPO or OWNER@OWNER_ID/REPO@REPO_ID",
    "gitlab": "--repo GROUP/PROJECT or GROUP@NAMESPACE_ID/PROJECT@PROJECT_ID",
}


@dataclass(frozen=True)
class Written:
    """What init wrote, and how to find the repository IDs it could not fill in."""

    paths: list[Path]
    ids_hint: str | None


def starter_presets() -> list[str]:
    return sorted(name for name in PRESETS if _starter(name) is not None)


def describe_presets() -> list[str]:
    """One line per starter: its name, the provider and, where it applies, --repo."""
    names = starter_presets()
    width = max(len(name) for name in names)
    lines = []
    for name in names:
        repo = f" ({REPO_FORMS[name]})" if name in REPO_FORMS else ""
        lines.append(f"{name.ljust(width)}  {PRESETS[name].title}{repo}")
    return lines


def _starter(preset: str) -> str | None:
    source = resources.files("fedctl.config.starters").joinpath(f"{preset}.yaml")
    return source.read_text(encoding="utf-8") if source.is_file() else None


def yaml_scalar(value: str, option: str) -> str:
    """`value` as a YAML scalar that reads back as exactly itself; control characters
    refused (they have no place in a name and hide what a file says)."""
    if not value or any(unicodedata.category(char) in ("Cc", "Cf") for char in value):
        raise UsageError(
            f"{option} {json.dumps(value)}: control characters have no place in a name; "
            "give the name as the Admin API shows it"
        )
    if _PLAIN.fullmatch(value) and _reads_as_itself(value):
        return value
    return json.dumps(value)  # a JSON string is a YAML double-quoted scalar


def _reads_as_itself(value: str) -> bool:
    import yaml

    return bool(yaml.safe_load(f"x: {value}\n") == {"x": value})


def render_starter(
    preset: str, *, repo: str | None, workspaces: Sequence[str], folder: Path | None = None
) -> str:
    text = _starter(preset)
    if text is None:
        known = ", ".join(starter_presets())
        raise UsageError(f"--preset {preset}: no such preset; one of {known} (fedctl init --list)")
    text = re.sub(r"^# yaml-language-server: .*\n", "", text)
    # The schema `fedctl schema --out schemas` writes in the working folder (the repository).
    text = f"{schema_comment(folder)}\n{EXAMPLE_NOTE}{text}"
    text = _with_settings(text)
    if repo is not None:
        text = _with_repo(text, preset, repo)
    if workspaces:
        names = [yaml_scalar(name, "--workspace") for name in workspaces]
        memberships = "".join(MEMBERSHIP.replace("production", name) for name in names)
        text = text.replace(MEMBERSHIP, memberships)
        text = text.replace("workspaces: [production]", f"workspaces: [{', '.join(names)}]")
    return text


def _with_settings(text: str) -> str:
    """The starter with the prune settings after `version: 1`, unless it has settings."""
    if re.search(r"^settings:", text, re.MULTILINE):
        return text
    return re.sub(
        r"^version: 1\n",
        lambda m: m.group(0) + PRUNE_SETTINGS_BLOCK,
        text,
        count=1,
        flags=re.MULTILINE,
    )


def _with_repo(text: str, preset: str, repo: str) -> str:
    if preset == "github-actions":
        return _with_github_repo(text, repo)
    if preset == "gitlab":
        return _with_gitlab_project(text, repo)
    raise UsageError("--repo applies to --preset github-actions and --preset gitlab only")


def _with_github_repo(text: str, repo: str) -> str:
    """The starter for `repo`: OWNER/REPO, or OWNER@ID/REPO@ID (GitHub's immutable sub)."""
    found = GITHUB_REPO.match(repo)
    if found is None:
        raise UsageError(
            f"--repo {json.dumps(repo)}: expected OWNER/REPO or OWNER@OWNER_ID/REPO@REPO_ID, "
            "e.g. acme/app"
        )
    owner, owner_id = found["owner"], found["owner_id"]
    names = f"{owner}/{found['repo']}"
    text = text.replace("acme@91234567/payments-api@812345678", repo)
    text = text.replace("acme/payments-api", names)
    text = text.replace(
        "repository_owner: acme", f"repository_owner: {yaml_scalar(owner, '--repo')}"
    )
    if owner_id:
        return text.replace('repository_owner_id: "91234567"', f'repository_owner_id: "{owner_id}"')
    # Without IDs there is no owner ID to pin: lint then says what to add (FED021, FED023).
    return re.sub(r"\n *repository_owner_id: .*", "", text)


def _with_gitlab_project(text: str, repo: str) -> str:
    """GROUP/PROJECT fills `project_path`; the example's numeric IDs are replaced by the
    given ones or removed (never kept: they pin somebody else's project)."""
    found = GITLAB_PROJECT.match(repo)
    if found is None:
        raise UsageError(
            f"--repo {json.dumps(repo)}: expected GROUP/PROJECT or "
            "GROUP@NAMESPACE_ID/PROJECT@PROJECT_ID, e.g. acme/payments-api"
        )
    text = text.replace("acme/payments-api", f"{found['namespace']}/{found['project']}")
    for claim, example, given in (
        ("namespace_id", "4521", found["namespace_id"]),
        ("project_id", "87211", found["project_id"]),
    ):
        if given:
            text = text.replace(f'{claim}: "{example}"', f'{claim}: "{given}"')
        else:
            text = re.sub(rf"\n *{claim}: .*", "", text)
    return text


def ids_hint(preset: str, repo: str | None) -> str | None:
    """How to look up the immutable IDs a --repo without them leaves out, or None."""
    if repo is None or "@" in repo:
        return None
    if preset == "github-actions":
        return (
            "the repository's IDs were not given, so the owner ID is not pinned and lint "
            f"says what to add; find them with:\n  gh api repos/{repo} --jq '.owner.id, .id'\n"
            f"then run init again with --repo OWNER@OWNER_ID/REPO@REPO_ID"
        )
    if preset == "gitlab":
        encoded = repo.replace("/", "%2F")
        return (
            "the project's IDs were not given, so namespace_id and project_id are not pinned;"
            f" find them with:\n  glab api projects/{encoded} | jq '.namespace.id, .id'\n"
            "then run init again with --repo GROUP@NAMESPACE_ID/PROJECT@PROJECT_ID"
        )
    return None


def scaffold(
    folder: Path,
    *,
    preset: str,
    repo: str | None = None,
    workspaces: Sequence[str] = (),
    github_workflow: bool = False,
) -> Written:
    """Write the starter; UsageError, writing nothing, when any target already exists or
    the folder already holds a configuration."""
    files = {
        folder / "fedctl.yaml": render_starter(
            preset, repo=repo, workspaces=workspaces, folder=folder
        ),
        folder / ".gitignore": ".fedctl/\n",
    }
    if github_workflow:
        workflow = resources.files("fedctl.config.starters").joinpath("github-workflow.yml")
        # The workflow belongs to the repository (the working directory), not the folder.
        target = Path(".github") / "workflows" / "fedctl.yml"
        files[target] = workflow.read_text(encoding="utf-8")
    _refuse_existing_configuration(folder)
    existing = [str(path) for path in files if path.exists() or path.is_symlink()]
    if existing:
        raise UsageError(f"{', '.join(existing)} already exist(s); fedctl init never overwrites")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, text)
    return Written(list(files), ids_hint(preset, repo))


def _refuse_existing_configuration(folder: Path) -> None:
    from fedctl.config.discover import CONFIG_SUFFIXES

    if not folder.is_dir():
        return
    found = sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.name.endswith(CONFIG_SUFFIXES)
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )
    if found:
        listed = ", ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
        raise UsageError(
            f"{folder} already holds a configuration ({listed}); init writes a starter only "
            "into a new or empty folder, so its example resources are never planned next to "
            "yours: give another folder"
        )
