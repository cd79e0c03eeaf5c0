"""The validated configuration every later step starts from (the output of `load_config`).

config = load_config("examples/quickstart")
config.rules[0].name                                   # "deploy-main"
config.location_of(Kind.RULE, "deploy-main", "match.subject_prefix")
# Location("examples/quickstart/fedctl.yaml", 31, 23)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fedctl.config.located_yaml import DataPath, LocationMap, format_path
from fedctl.config.models import ApiKeysPolicy, Issuer, Rule, ServiceAccount, Settings
from fedctl.core.errors import Diagnostic, Location
from fedctl.core.state import Kind

SECTION_OF_KIND: dict[Kind, str] = {
    Kind.SERVICE_ACCOUNT: "service_accounts",
    Kind.ISSUER: "issuers",
    Kind.RULE: "rules",
}
KIND_OF_SECTION = {section: kind for kind, section in SECTION_OF_KIND.items()}


@dataclass(frozen=True)
class Origin:
    """Where one declared resource sits: its file and its path in that file."""

    file: str
    path: DataPath

    @property
    def directory(self) -> Path:
        return Path(self.file).parent


@dataclass
class Config:
    """Every file's sections merged and validated; file references (keys_file...) resolved."""

    root: Path
    files: tuple[str, ...]
    organization_id: str | None
    settings: Settings
    service_accounts: tuple[ServiceAccount, ...]
    issuers: tuple[Issuer, ...]
    rules: tuple[Rule, ...]
    locations: dict[str, LocationMap]
    origins: dict[tuple[Kind, str], Origin]
    # The sha256 of the validated content (fedctl.config.load.compute_digest), computed
    # when first asked (saved plans, apply), not by every load: ~0.1 s at 5,000
    # resources. A copy made with dataclasses.replace keeps the loaded configuration's
    # digest, as it did when this was a plain value.
    digest_of: Callable[[], str] = field(repr=False, compare=False)
    warnings: list[Diagnostic] = field(default_factory=list)
    settings_origin: Origin | None = None
    # The `api_keys` block; None when no file has one (keys are then never read).
    api_keys: ApiKeysPolicy | None = None
    # Access-test files beyond the *.access-test.yaml under `root`: --tests files and the
    # trusted side's cases (fedctl.guards), run by `fedctl test` and `fedctl plan`.
    access_test_files: tuple[str, ...] = ()

    @property
    def digest(self) -> str:
        return self.digest_of()

    def path_of(self, kind: Kind, name: str, field_path: str | DataPath | None = None) -> str:
        """The resource's field path as diagnostics print it, e.g. `rules[2].match`."""
        origin = self.origins.get((kind, name))
        if origin is None:
            return ""
        return format_path((*origin.path, *_parse_field_path(field_path)))

    def location_of(
        self, kind: Kind, name: str, field_path: str | DataPath | None = None
    ) -> Location | None:
        """Where a resource (or one of its fields, e.g. "match.subject_prefix") is written.

        A field the file leaves out points at the nearest enclosing node.
        """
        origin = self.origins.get((kind, name))
        if origin is None:
            return None
        locations = self.locations.get(origin.file)
        if locations is None:
            return None
        return locations.value_at((*origin.path, *_parse_field_path(field_path)))

    def describe(self, kind: Kind, name: str, field_path: str | DataPath | None = None) -> str:
        """`file:line:col: rules[2].match` for messages of later steps (plan, lint)."""
        location = self.location_of(kind, name, field_path)
        path = self.path_of(kind, name, field_path)
        return f"{location}: {path}" if location else path


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _parse_field_path(field_path: str | DataPath | None) -> DataPath:
    if field_path is None:
        return ()
    if isinstance(field_path, tuple):
        return field_path
    parts: list[str | int] = []
    for match in _PART.finditer(field_path):
        key, index = match.groups()
        parts.append(int(index) if index is not None else key)
    return tuple(parts)
