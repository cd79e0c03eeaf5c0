"""Synthetic organizations for the benchmarks, written in fedctl's configuration language.

One generated directory serves twice: as the configuration `fedctl plan/apply` reads, and
as the emulator's `--seed` (`start_emulator(seed_path=...)`, which reads the same
language) for no-change plans without applying first.

Shape for N total resources: N/20 issuers (at least one), the rest split evenly between
service accounts and rules. Service account i is a `workspace_developer` member of two of
W workspaces (i mod W and i+1 mod W); rule i targets service account i (mod their number)
through issuer i (mod their number) and is enabled in that account's two workspaces, so
every rule is valid under the emulator's strict membership check (admin-api.md §5.8).

    shape = OrgShape.for_total(1000)
    write_config(Path("org"), shape, changed_percent=10)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

    @property
    def memberships(self) -> int:
        return self.service_accounts * min(2, self.workspaces)

    @property
    def enablements(self) -> int:
        return self.rules * min(2, self.workspaces)

    @classmethod
    def for_total(cls, total: int, *, workspaces: int = 8) -> OrgShape:
        issuers = max(1, total // 20)
        service_accounts = max(1, (total - issuers) // 2)
        rules = max(0, total - issuers - service_accounts)
        return cls(issuers, service_accounts, rules, workspaces)


def workspace_names(shape: OrgShape) -> list[str]:
    return [f"ws-{index:02d}" for index in range(shape.workspaces)]


def _changed(index: int, changed_percent: int) -> bool:
    """Whether resource `index` of its kind is edited: every (100/percent)-th one."""
    return bool(changed_percent) and index % (100 // changed_percent) == 0


def workspaces_of(index: int, names: list[str]) -> list[str]:
    return list(dict.fromkeys([names[index % len(names)], names[(index + 1) % len(names)]]))


def build_documents(
    shape: OrgShape, *, changed_percent: int = 0, changed_conditions: int = 0
) -> dict[str, dict[str, Any]]:
    """The configuration as {file name: YAML document}.

    `changed_percent` edits that share of every kind (an issuer's JWT lifetime, a service
    account's description, a rule's description and token lifetime), so "10 % changed"
    means 10 % of all resources carry an update. `changed_conditions` narrows the subject
    prefix of that many rules (the first ones), a change whose access diff needs the solver.
    """
    names = workspace_names(shape)
    issuers = [
        {
            "name": f"issuer-{index:04d}",
            "issuer_url": f"https://idp-{index:04d}.example.com",
            "max_jwt_lifetime_seconds": 7200 if _changed(index, changed_percent) else 3600,
        }
        for index in range(shape.issuers)
    ]
    service_accounts = [
        {
            "name": f"sa-{index:05d}",
            "description": f"Workload {index}"
            + (" (edited)" if _changed(index, changed_percent) else ""),
            "workspaces": [
                {"workspace": ws, "role": "workspace_developer"}
                for ws in workspaces_of(index, names)
            ],
        }
        for index in range(shape.service_accounts)
    ]
    rules = []
    for index in range(shape.rules):
        account = index % shape.service_accounts
        changed = _changed(index, changed_percent)
        rules.append(
            {
                "name": f"rule-{index:05d}",
                "issuer": issuers[index % shape.issuers]["name"],
                "service_account": f"sa-{account:05d}",
                "description": f"Team {index} deploys" + (" (edited)" if changed else ""),
                "match": {
                    "subject_prefix": f"system:serviceaccount:team-{index}:deployer"
                    + ("-v2" if index < changed_conditions else ""),
                    "audience": "https://api.anthropic.com",
                },
                "oauth_scope": "workspace:inference",
                "workspaces": workspaces_of(account, names),
                "token_lifetime_seconds": 900 if changed else 600,
            }
        )
    return {
        "issuers.yaml": {"version": 1, "issuers": issuers},
        "service_accounts.yaml": {"version": 1, "service_accounts": service_accounts},
        "rules.yaml": {"version": 1, "rules": rules},
    }


def changed_count(shape: OrgShape, changed_percent: int) -> int:
    """How many resources `build_documents(shape, changed_percent=...)` edits."""
    return sum(
        sum(_changed(index, changed_percent) for index in range(count))
        for count in (shape.issuers, shape.service_accounts, shape.rules)
    )


def write_config(
    directory: Path, shape: OrgShape, *, changed_percent: int = 0, changed_conditions: int = 0
) -> Path:
    """Write the configuration files into `directory` and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    documents = build_documents(
        shape, changed_percent=changed_percent, changed_conditions=changed_conditions
    )
    for file_name, document in documents.items():
        text = yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False)
        (directory / file_name).write_text(text, encoding="utf-8")
    return directory
