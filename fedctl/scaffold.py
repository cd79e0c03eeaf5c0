"""`fedctl init`: a starter configuration for one provider, written without overwriting.

written = scaffold(Path("federation"), preset="github-actions", repo="acme/app")
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from fedctl.config.schema import schema_comment
from fedctl.config.settings_text import PRUNE_SETTINGS_BLOCK
from fedctl.errors import UsageError
from fedctl.presets import PRESETS

EXAMPLE_NOTE = (
    "# A starter from `fedctl init`: replace the example names, IDs and URLs with yours,\n"
    "# then `fedctl validate`, `fedctl lint` and `fedctl plan`.\n"
)
MEMBERSHIP = "      - workspace: production\n        role: workspace_developer\n"
REPO = re.compile(
    r"^(?P<owner>[A-Za-z0-9_.-]+)(@(?P<owner_id>[0-9]+))?/"
    r"(?P<repo>[A-Za-z0-9_.-]+)(@(?P<repo_id>[0-9]+))?$"
)


def starter_presets() -> list[str]:
    return sorted(name for name in PRESETS if _starter(name) is not None)


def _starter(preset: str) -> str | None:
    source = resources.files("fedctl.starters").joinpath(f"{preset}.yaml")
    return source.read_text(encoding="utf-8") if source.is_file() else None


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
        text = text.replace(
            MEMBERSHIP, "".join(MEMBERSHIP.replace("production", w) for w in workspaces)
        )
        text = text.replace("workspaces: [production]", f"workspaces: [{', '.join(workspaces)}]")
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
    """The starter for `repo`: OWNER/REPO, or OWNER@ID/REPO@ID (GitHub's immutable sub)."""
    if preset != "github-actions":
        raise UsageError("--repo applies to --preset github-actions only")
    found = REPO.match(repo)
    if found is None:
        raise UsageError(
            f"--repo {repo!r}: expected OWNER/REPO or OWNER@OWNER_ID/REPO@REPO_ID, e.g. acme/app"
        )
    owner, owner_id = found["owner"], found["owner_id"]
    names = f"{owner}/{found['repo']}"
    text = text.replace("acme@91234567/payments-api@812345678", repo)
    text = text.replace("acme/payments-api", names)
    text = text.replace("repository_owner: acme", f"repository_owner: {owner}")
    if owner_id:
        return text.replace('repository_owner_id: "91234567"', f'repository_owner_id: "{owner_id}"')
    # Without IDs there is no owner ID to pin: lint then says what to add (FED021, FED023).
    return re.sub(r"\n *repository_owner_id: .*", "", text)


def scaffold(
    folder: Path,
    *,
    preset: str,
    repo: str | None = None,
    workspaces: Sequence[str] = (),
    github_workflow: bool = False,
) -> list[Path]:
    """Write the starter; UsageError, writing nothing, when any target already exists."""
    files = {
        folder / "fedctl.yaml": render_starter(
            preset, repo=repo, workspaces=workspaces, folder=folder
        ),
        folder / ".gitignore": ".fedctl/\n",
    }
    if github_workflow:
        workflow = resources.files("fedctl.starters").joinpath("github-workflow.yml")
        # The workflow belongs to the repository (the working directory), not the folder.
        target = Path(".github") / "workflows" / "fedctl.yml"
        files[target] = workflow.read_text(encoding="utf-8")
    existing = [str(path) for path in files if path.exists()]
    if existing:
        raise UsageError(f"{', '.join(existing)} already exist(s); fedctl init never overwrites")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)
