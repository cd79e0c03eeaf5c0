"""Synthetic organizations for the benchmarks, written in fedctl's configuration language.

One generated directory serves twice: as the configuration `fedctl plan/apply` reads, and
as the emulator's `--seed` (which reads the same language) for no-change plans.

Shape for N total resources: about N/20 issuers, and the rest split evenly between
service accounts and rules; each service account is a member of two of W workspaces and
has one rule enabled in those two workspaces.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class OrgShape:
    issuers: int
    service_accounts: int
    rules: int
    workspaces: int

    @property
    def total(self) -> int:
        return self.issuers + self.service_accounts + self.rules

    @classmethod
    def for_total(cls, total: int, *, workspaces: int = 8) -> OrgShape:
        issuers = max(1, total // 20)
        pairs = (total - issuers) // 2
        return cls(issuers=issuers, service_accounts=pairs, rules=pairs, workspaces=workspaces)


def workspace_names(shape: OrgShape) -> list[str]:
    return [f"ws-{index:02d}" for index in range(shape.workspaces)]


def build_documents(shape: OrgShape, *, variant: int = 0, changed_percent: int = 0) -> dict[str, dict]:
    """The configuration as {file name: YAML document}; `changed_percent` edits that share of rules."""
    names = workspace_names(shape)
    issuers = [
        {
            "name": f"issuer-{index:04d}",
            "issuer_url": f"https://idp-{index:04d}.example.com",
            "max_jwt_lifetime_seconds": 3600,
        }
        for index in range(shape.issuers)
    ]
    service_accounts = []
    rules = []
    changed_every = 100 // changed_percent if changed_percent else 0
    for index in range(shape.service_accounts):
        spaces = [names[index % len(names)], names[(index + 1) % len(names)]]
        service_accounts.append(
            {
                "name": f"sa-{index:05d}",
                "description": f"Workload {index}",
                "workspaces": [{"workspace": ws, "role": "workspace_developer"} for ws in spaces],
            }
        )
        changed = bool(changed_every) and index % changed_every == 0
        rules.append(
            {
                "name": f"rule-{index:05d}",
                "issuer": issuers[index % len(issuers)]["name"],
                "service_account": f"sa-{index:05d}",
                "description": f"Team {index} deploys" + (f" (rev {variant})" if changed else ""),
                "match": {
                    "subject_prefix": f"system:serviceaccount:team-{index}:deployer",
                    "audience": "https://api.anthropic.com",
                },
                "oauth_scope": "workspace:inference",
                "workspaces": spaces,
                "token_lifetime_seconds": 900 if changed else 600,
            }
        )
    return {
        "issuers.yaml": {"version": 1, "issuers": issuers},
        "service_accounts.yaml": {"version": 1, "service_accounts": service_accounts},
        "rules.yaml": {"version": 1, "rules": rules[: shape.rules]},
    }


def write_config(directory: Path, shape: OrgShape, *, changed_percent: int = 0) -> Path:
    """Write the configuration files into `directory` and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    documents = build_documents(shape, variant=1, changed_percent=changed_percent)
    for file_name, document in documents.items():
        (directory / file_name).write_text(yaml.safe_dump(document, sort_keys=False))
    return directory
