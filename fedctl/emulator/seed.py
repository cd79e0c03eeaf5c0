"""`--seed FILE`: create Console-made resources at start-up from fedctl's YAML language.

Reads the `service_accounts`, `issuers` and `rules` sections with plain PyYAML (the
emulator shares no code with fedctl's config loader) and writes them through the store
as the Console would: the OAuth-caller limits do not apply, so an org:admin bootstrap
rule on an admin service account can be seeded. Field validation still applies.
Resources whose name already exists are left alone, so restarting on the same --state
file with the same seed is harmless. Workspace names that do not exist are created.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from fedctl.emulator.db import Actor
from fedctl.emulator.store import Store
from fedctl.emulator.validation import ApiFailure

CONFIG_SECTIONS = ("service_accounts", "issuers", "rules")


class SeedError(ValueError):
    """A seed file that cannot be loaded; the message names the file and the resource."""


def load_seed(store: Store, path: str) -> None:
    """Create every resource of the seed file (or *.yaml / *.yml directory) in the store."""
    sections: dict[str, list[tuple[Path, dict[str, Any]]]] = {name: [] for name in CONFIG_SECTIONS}
    for file in _seed_files(Path(path)):
        for section, entries in _read_sections(file).items():
            sections[section].extend((file, entry) for entry in entries)
    seeder = _Seeder(store)
    for file, entry in sections["service_accounts"]:
        seeder.run(file, "service_accounts", entry, seeder.service_account)
    for file, entry in sections["issuers"]:
        seeder.run(file, "issuers", entry, seeder.issuer)
    for file, entry in sections["rules"]:
        seeder.run(file, "rules", entry, seeder.rule)


def _seed_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(
            file
            for pattern in ("*.yaml", "*.yml")
            for file in path.rglob(pattern)
            if not any(part.startswith(".") for part in file.relative_to(path).parts)
        )
    if not path.is_file():
        raise SeedError(f"{path}: seed file not found")
    return [path]


def _read_sections(file: Path) -> dict[str, list[dict[str, Any]]]:
    try:
        data = _load_yaml(file.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError:
        raise SeedError(f"{file}: cannot read seed file: not UTF-8 text") from None
    except (OSError, yaml.YAMLError) as exc:
        raise SeedError(f"{file}: cannot read seed file: {exc}".splitlines()[0]) from None
    except RecursionError:
        # PyYAML's own composer recurses once per nesting level (libyaml stops at 1,000).
        raise SeedError(f"{file}: cannot read seed file: YAML nested too deeply") from None
    if not isinstance(data, dict):
        raise SeedError(f"{file}: expected a mapping at the top level")
    result: dict[str, list[dict[str, Any]]] = {}
    for section in CONFIG_SECTIONS:
        entries = data.get(section) or []
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise SeedError(f"{file}: {section} must be a list of mappings")
        result[section] = entries
    return result


def _load_yaml(text: str) -> Any:
    """libyaml when present (a 5,000-resource seed loads ~4x faster); PyYAML's own loader
    for broken YAML, so error messages do not depend on how PyYAML was built."""
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError:
        return yaml.safe_load(text)


class _Seeder:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.actor = Actor.console()
        self.ids: dict[tuple[str, str], str] = {}
        for kind, listing in (
            ("service_account", store.list_service_accounts),
            ("federation_issuer", store.list_issuers),
        ):
            for doc in _all_pages(listing):
                self.ids[(kind, doc["name"])] = doc["id"]
        self.rule_names = {
            doc["name"] for doc in _all_pages(lambda **kw: store.list_rules(**kw, issuer_id=None))
        }

    def run(self, file: Path, section: str, entry: dict[str, Any], action: Any) -> None:
        name = entry.get("name", "?")
        try:
            action(file, entry)
        except ApiFailure as failure:
            raise SeedError(f"{file}: {section}[{name}]: {failure.message}") from None
        except OSError as exc:  # a keys_file or ca_cert_file that cannot be read
            raise SeedError(f"{file}: {section}[{name}]: {exc.filename}: {exc.strerror}") from None
        except (KeyError, TypeError, ValueError) as exc:
            raise SeedError(f"{file}: {section}[{name}]: invalid entry ({exc})") from None

    def service_account(self, file: Path, entry: dict[str, Any]) -> None:
        if ("service_account", entry["name"]) in self.ids:
            return
        body = {
            "name": entry["name"],
            "description": entry.get("description"),
            "organization_role": entry.get("organization_role", "developer"),
        }
        doc = self.store.create_service_account(self.actor, body)
        self.ids[("service_account", doc["name"])] = doc["id"]
        for membership in entry.get("workspaces") or []:
            self.store.add_membership(
                self.actor,
                doc["id"],
                self.workspace_id(membership["workspace"]),
                membership.get("role", "workspace_developer"),
                from_workspace_side=False,
            )

    def issuer(self, file: Path, entry: dict[str, Any]) -> None:
        if ("federation_issuer", entry["name"]) in self.ids:
            return
        body: dict[str, Any] = {
            "name": entry["name"],
            "issuer_url": entry["issuer_url"],
            "jwks": _jwks(file, entry.get("jwks")),
        }
        for key in ("max_jwt_lifetime_seconds", "check_jti"):
            if key in entry:
                body[key] = entry[key]
        doc = self.store.create_issuer(self.actor, body)
        self.ids[("federation_issuer", doc["name"])] = doc["id"]

    def rule(self, file: Path, entry: dict[str, Any]) -> None:
        if entry["name"] in self.rule_names:
            return
        workspaces = [self.workspace_id(ref) for ref in entry.get("workspaces") or []]
        body: dict[str, Any] = {
            "name": entry["name"],
            "issuer_id": self.reference("federation_issuer", entry["issuer"]),
            "target": {
                "type": "service_account",
                "service_account_id": self.reference("service_account", entry["service_account"]),
            },
            "match": entry.get("match") or {},
            "oauth_scope": entry.get("oauth_scope", "workspace:inference"),
            "applies_to_all_workspaces": bool(entry.get("applies_to_all_workspaces", False)),
        }
        for key in ("description", "token_lifetime_seconds"):
            if key in entry:
                body[key] = entry[key]
        if workspaces:
            body["workspace_id"] = workspaces[0]
        doc = self.store.create_rule(self.actor, body)
        self.rule_names.add(doc["name"])
        for workspace_id in workspaces[1:]:
            self.store.add_rule_workspace(self.actor, doc["id"], {"workspace_id": workspace_id})

    def reference(self, kind: str, name: str) -> str:
        if (kind, name) not in self.ids:
            raise ValueError(f"{kind.replace('_', ' ')} {name!r} is not declared in the seed")
        return self.ids[(kind, name)]

    def workspace_id(self, reference: str) -> str:
        if reference == "default":
            return self.store.default_workspace_id
        if reference.startswith("wrkspc_"):
            return reference
        return str(self.store.ensure_workspace(reference)["id"])


def _jwks(file: Path, raw: Any) -> dict[str, Any]:
    """fedctl's jwks block -> the API's JWKS union (keys_file is read relative to the seed)."""
    if raw is None:
        return {"type": "discovery"}
    if not isinstance(raw, dict):
        raise ValueError("jwks must be a mapping")
    jwks: dict[str, Any] = {str(key): value for key, value in raw.items()}
    if jwks.get("type") == "inline" and "keys_file" in jwks:
        keys_path = file.parent / str(jwks.pop("keys_file"))
        try:
            document = json.loads(_read_side_file(keys_path))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{keys_path}: not JSON ({exc.msg})") from None
        jwks["keys"] = document["keys"] if isinstance(document, dict) else document
    if jwks.get("type") == "discovery" and "ca_cert_file" in jwks:
        jwks["ca_cert_pem"] = _read_side_file(file.parent / str(jwks.pop("ca_cert_file")))
    return jwks


def _read_side_file(path: Path) -> str:
    """A keys_file or ca_cert_file named by the seed; OSError is reported by the caller."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text") from None


def _all_pages(listing: Any) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    page = None
    while True:
        result: dict[str, Any] = listing(limit=100, page=page, include_archived=True)
        docs.extend(result["data"])
        page = result["next_page"]
        if page is None:
            return docs
