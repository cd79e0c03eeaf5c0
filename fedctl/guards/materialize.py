"""Trusted policy files and access-test cases -> files the usual loaders read.

The configuration names policies by path (settings.policy_files) and every reader
(`fedctl policy`, plan, apply) loads them from there; access tests likewise come from
files. So the trusted side's copies that the change does not carry as they are (edited
or deleted by it) are written to a private temporary folder and named in the effective
configuration: whoever reads the settings evaluates them, with the same bounded loader.

A trusted policy or case whose name the change also uses, with another definition, is
renamed (`short-lived-tokens-snapshot`, `NAME (as in snapshot)`) so both run.
"""

from __future__ import annotations

import atexit
import dataclasses
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fedctl.config.validated import Config
from fedctl.guards.texts import CaseText, PolicyText

_FOLDERS: list[str] = []


def install_policies(
    config: Config, effective: tuple[PolicyText, ...], proposed: tuple[PolicyText, ...]
) -> Config:
    extras = [item for item in effective if item not in proposed and item.text is not None]
    if not extras:
        return config
    taken = _proposed_policies(proposed)
    folder = _private_folder()
    paths = []
    for index, item in enumerate(extras):
        path = folder / f"{index}-{_slug(item.origin)}-{Path(item.file).name}"
        _write(path, _policy_copy(item, taken))
        paths.append(str(path))
    files = [*config.settings.policy_files, *paths]
    return dataclasses.replace(
        config, settings=config.settings.model_copy(update={"policy_files": files})
    )


def install_cases(
    config: Config, effective: tuple[CaseText, ...], proposed: tuple[CaseText, ...]
) -> Config:
    extras = [item for item in effective if item not in proposed]
    if not extras:
        return config
    names = {case.name for case in proposed}
    cases = []
    for item in extras:
        case = json.loads(item.definition)
        if item.name in names:
            case["name"] = f"{item.name} (as in {item.origin})"[:200]
        cases.append(case)
    path = _private_folder() / "trusted.access-test.yaml"
    _write(path, json.dumps({"cases": cases}, indent=2))
    return dataclasses.replace(config, access_test_files=(*config.access_test_files, str(path)))


def _proposed_policies(proposed: tuple[PolicyText, ...]) -> dict[str, dict[str, Any]]:
    """Policy name -> definition, over the change's own policy files that parse."""
    taken: dict[str, dict[str, Any]] = {}
    for item in proposed:
        for policy in _parsed_policies(item.text, item.file) or []:
            taken[str(policy["name"])] = policy
    return taken


def _policy_copy(item: PolicyText, taken: dict[str, dict[str, Any]]) -> str:
    """The trusted file's text, minus policies the change has unchanged, with the ones it
    changed renamed; the raw text when it does not parse (the loader then reports it)."""
    assert item.text is not None
    policies = _parsed_policies(item.text, item.file)
    if policies is None:
        return item.text
    kept = []
    for policy in policies:
        name = str(policy["name"])
        if taken.get(name) == policy:
            continue
        if name in taken:
            policy = {**policy, "name": f"{name}-{_slug(item.origin)}"[:63].rstrip("-")}
        kept.append(policy)
    return json.dumps({"policies": kept}, indent=2)


def _parsed_policies(text: str | None, file: str) -> list[dict[str, Any]] | None:
    from pydantic import ValidationError

    from fedctl.config.located_yaml import parse_yaml
    from fedctl.guards.policy.model import PolicyFile

    if text is None:
        return None
    parsed = parse_yaml(text, file)
    if parsed.diagnostics:
        return None
    try:
        document = PolicyFile.model_validate(parsed.data)
    except ValidationError:
        return None
    return [policy.model_dump(mode="json", exclude_none=True) for policy in document.policies]


def _slug(origin: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", origin.lower()).strip("-")[:40] or "trusted"


def _private_folder() -> Path:
    folder = tempfile.mkdtemp(prefix="fedctl-guards-")
    if not _FOLDERS:
        atexit.register(_remove_folders)
    _FOLDERS.append(folder)
    return Path(folder)


def _remove_folders() -> None:
    for folder in _FOLDERS:
        shutil.rmtree(folder, ignore_errors=True)


def _write(path: Path, text: str) -> None:
    from fedctl.core.safe_write import PRIVATE, write_file

    write_file(path, text, mode=PRIVATE)
