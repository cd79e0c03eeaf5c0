"""Files on disk -> validated Config: discover, render, parse, validate, resolve, check.

`load_config` collects every problem of every step before it gives up, so one run of
`fedctl validate` lists them all, sorted by file and line.

    config = load_config("prod", variables=["env=prod"], var_files=["vars/prod.yaml"])
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from fedctl.config.checks import Declared, run_checks
from fedctl.config.discover import discover_files, is_template
from fedctl.config.files import resolve_file_references
from fedctl.config.located_yaml import LocationMap, ParsedFile, format_path
from fedctl.config.models import SECTIONS, ApiKeysPolicy, ConfigFile, Settings
from fedctl.config.plain_yaml import load_yaml
from fedctl.config.skipped import keep, named_policy_files, var_file_paths
from fedctl.config.templating import load_variables, render_templates
from fedctl.config.translate import diagnostics_from
from fedctl.config.validated import KIND_OF_SECTION, Config, Origin
from fedctl.core.errors import Diagnostic, Severity, ValidationFailed

HEADER_KEYS = ("version", "organization_id", "settings", "api_keys")


@dataclass
class _Collected:
    """What validation kept so far, across files."""

    declared: Declared = field(default_factory=Declared)
    locations: dict[str, LocationMap] = field(default_factory=dict)
    data: dict[str, object] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    organization_id: tuple[str, Origin] | None = None
    settings: tuple[Settings, Origin] | None = None
    api_keys: tuple[ApiKeysPolicy, Origin] | None = None
    # Text of files that could not be read, rendered or parsed: a name they mention may
    # be declared there, so a reference to it is not reported (the real error is theirs).
    unparsed_texts: list[str] = field(default_factory=list)


def load_config(
    path: str | Path, *, variables: Sequence[str] = (), var_files: Sequence[str] = ()
) -> Config:
    """Load and validate PATH (a file or a folder); raise ValidationFailed listing every error.

    Raises ConfigError when PATH itself is missing and UsageError for a malformed --var.
    """
    root = Path(path)
    values, problems = load_variables(variables, var_files)
    collected = _Collected(diagnostics=list(problems))
    files = _read_configuration(root, values, var_files, collected)
    resolve_file_references(
        collected.declared, collected.locations, collected.diagnostics, root=root
    )
    unparsed, stray = collected.unparsed_texts, _names_under_unknown_keys(collected.data)
    collected.diagnostics.extend(
        run_checks(
            collected.declared,
            collected.locations,
            maybe_declared=lambda name: (
                name in stray or any(_mentions(text, name) for text in unparsed)
            ),
        )
    )
    collected.diagnostics = [name_resource(d, collected.data) for d in collected.diagnostics]
    errors = [d for d in collected.diagnostics if d.severity == Severity.ERROR]
    if errors:
        raise ValidationFailed(sort_diagnostics(errors))
    warnings = sort_diagnostics([d for d in collected.diagnostics if d not in errors])
    return _build(root, files, collected, warnings)


def _read_configuration(
    root: Path, values: dict[str, object], var_files: Sequence[str], collected: _Collected
) -> list[Path]:
    """Discover, read and validate each file; returns the files that are configuration.

    Variable files and the policy files settings.policy_files names are left out
    (fedctl.config.skipped) before anything is validated.
    """
    files = discover_files(root)
    if root.is_dir():
        files = keep(files, var_file_paths(var_files))
    problems_of: dict[Path, list[Diagnostic]] = {file: [] for file in files}
    texts = _read_texts(files, problems_of)
    rendered = _render_all(texts, values, problems_of)
    read = [(file, _parse(file, texts, rendered), problems_of[file]) for file in files]
    skipped = set()
    if root.is_dir():
        skipped = named_policy_files(root, (parsed.data for _, parsed, _ in read if parsed))
    kept = keep(files, skipped)
    for file, parsed, problems in read:
        if file not in kept:
            continue
        collected.diagnostics.extend(problems)
        if parsed is None or (parsed.data is None and parsed.diagnostics):
            collected.unparsed_texts.append(_text_of(file))
        if parsed is not None:
            collected.locations[parsed.file] = parsed.locations
            collected.data[parsed.file] = parsed.data
            collected.diagnostics.extend(parsed.diagnostics)
            _validate_file(parsed, collected)
    return kept


def _names_under_unknown_keys(data: dict[str, object]) -> set[str]:
    """Names listed under a misspelt section (`service_acounts:`): maybe declared there."""
    names: set[str] = set()
    for document in data.values():
        if not isinstance(document, dict):
            continue
        for key, items in document.items():
            if key in SECTIONS or key in HEADER_KEYS or not isinstance(items, list):
                continue
            names.update(
                item["name"]
                for item in items
                if isinstance(item, dict) and isinstance(item.get("name"), str)
            )
    return names


def _text_of(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _mentions(text: str, name: str) -> bool:
    """Whether `name` appears in `text` as a whole name (not inside a longer one)."""
    return re.search(rf"(?<![A-Za-z0-9_-]){re.escape(name)}(?![A-Za-z0-9_-])", text) is not None


def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """File, then line, then column; diagnostics without a place come first."""

    def key(diagnostic: Diagnostic) -> tuple[str, int, int, str, str]:
        where = diagnostic.location
        if where is None:
            return ("", 0, 0, diagnostic.path, diagnostic.message)
        return (where.file, where.line, where.column, diagnostic.path, diagnostic.message)

    return sorted(diagnostics, key=key)


_PLAIN_NAME = re.compile(r"[a-z0-9-]{1,255}")
_RESOURCE_PATH = re.compile(r"^(service_accounts|issuers|rules)\[(\d+)\]")


def name_resource(diagnostic: Diagnostic, data: dict[str, object]) -> Diagnostic:
    """Add `rule/deploy-main` to a diagnostic about a field of a named resource."""
    match = _RESOURCE_PATH.match(diagnostic.path)
    if diagnostic.resource or match is None or diagnostic.location is None:
        return diagnostic
    document = data.get(diagnostic.location.file)
    items = document.get(match[1]) if isinstance(document, dict) else None
    index = int(match[2])
    item = items[index] if isinstance(items, list) and index < len(items) else None
    name = item.get("name") if isinstance(item, dict) else None
    if not isinstance(name, str) or not name:
        return diagnostic
    if not _PLAIN_NAME.fullmatch(name):
        name = json.dumps(name)  # an invalid name is shown quoted, control characters escaped
    return dataclasses.replace(diagnostic, resource=f"{KIND_OF_SECTION[match[1]].value}/{name}")


def _read_texts(files: list[Path], problems_of: dict[Path, list[Diagnostic]]) -> dict[Path, str]:
    texts: dict[Path, str] = {}
    for file in files:
        try:
            texts[file] = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
            message = f"{file}: cannot read: {reason}"
            problems_of[file].append(Diagnostic(None, "", message, code="unreadable-file"))
    return texts


def _render_all(
    texts: dict[Path, str],
    values: dict[str, object],
    problems_of: dict[Path, list[Diagnostic]],
) -> dict[Path, str | None]:
    """Every template at once, in one limited child process; none without templates."""
    templates = [(file, text) for file, text in texts.items() if is_template(file)]
    if not templates:
        return {}
    answers = render_templates([(str(file), text) for file, text in templates], values)
    for (file, _source), (_text, template_problems) in zip(templates, answers, strict=True):
        problems_of[file].extend(template_problems)
    return {file: text for (file, _source), (text, _p) in zip(templates, answers, strict=True)}


def _parse(
    file: Path, texts: dict[Path, str], rendered: dict[Path, str | None]
) -> ParsedFile | None:
    if file not in texts:
        return None
    if not is_template(file):
        return load_yaml(texts[file], str(file))
    output = rendered.get(file)
    return load_yaml(output, str(file), rendered=True) if output is not None else None


def _validate_file(parsed: ParsedFile, collected: _Collected) -> None:
    data = parsed.data
    if data is None:
        return  # an empty file declares nothing
    if not isinstance(data, dict):
        where = parsed.locations.value_at(())
        message = (
            "a configuration file must be a mapping with some of: version, organization_id, "
            "settings, api_keys, service_accounts, issuers, rules"
        )
        collected.diagnostics.append(Diagnostic(where, "", message, code="not-a-mapping"))
        return
    try:
        whole = ConfigFile.model_validate(data)
    except ValidationError as exc:
        collected.diagnostics.extend(diagnostics_from(exc, ConfigFile, parsed.locations, ()))
        _salvage(data, parsed, collected)
        return
    _keep_header(whole, parsed, collected)
    for section in SECTIONS:
        for index, item in enumerate(getattr(whole, section)):
            _keep(section, index, item, parsed, collected)


def _salvage(data: dict[object, object], parsed: ParsedFile, collected: _Collected) -> None:
    """Keep the valid parts of an invalid file, so cross-file checks still see them.

    Their errors were already reported by the whole-file validation; this stays silent.
    """
    header = {key: data[key] for key in HEADER_KEYS if key in data}
    with contextlib.suppress(ValidationError):
        _keep_header(ConfigFile.model_validate(header), parsed, collected)
    for section, model in SECTIONS.items():
        items = data.get(section)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            try:
                valid: BaseModel = model.model_validate(item)
            except ValidationError:
                _keep_name(section, index, item, parsed, collected)
                continue
            _keep(section, index, valid, parsed, collected)


def _keep_name(section: str, index: int, item: object, parsed: ParsedFile, c: _Collected) -> None:
    """An invalid resource still declares its name (when it has a usable one)."""
    name = item.get("name") if isinstance(item, dict) else None
    if isinstance(name, str) and name:
        c.declared.names[KIND_OF_SECTION[section]].append(
            (name, Origin(parsed.file, (section, index)))
        )
    if section == "rules" and isinstance(item, dict):
        for key in ("issuer", "service_account"):
            reference = item.get(key)
            # Only a well-formed name: a malformed one already has its own error.
            if isinstance(reference, str) and _PLAIN_NAME.fullmatch(reference):
                origin = Origin(parsed.file, (section, index))
                c.declared.unvalidated_references.append((key, reference, origin))


def _keep_header(whole: ConfigFile, parsed: ParsedFile, collected: _Collected) -> None:
    here = Origin(parsed.file, ())
    if whole.organization_id is not None:
        _keep_organization_id(whole.organization_id, Origin(parsed.file, ()), parsed, collected)
    if whole.settings is not None and _first_block(
        "settings", parsed, collected.settings, collected
    ):
        collected.settings = (whole.settings, here)
    if whole.api_keys is not None and _first_block(
        "api_keys", parsed, collected.api_keys, collected
    ):
        collected.api_keys = (whole.api_keys, here)


def _first_block(
    key: str, parsed: ParsedFile, seen: tuple[object, Origin] | None, collected: _Collected
) -> bool:
    """Whether this is the first `key` block across the files; a second is an error."""
    if seen is None:
        return True
    where = collected.locations[seen[1].file].value_at((key,))
    collected.diagnostics.append(
        Diagnostic(
            parsed.locations.key_at((key,)),
            key,
            # "settings are", "api_keys is": the names read as plural and singular.
            f"{key} {'are' if key == 'settings' else 'is'} already given at {where}; "
            f"keep one {key} block",
            code=f"duplicate-{key.replace('_', '-')}",
        )
    )
    return False


def _keep_organization_id(
    organization_id: str, origin: Origin, parsed: ParsedFile, collected: _Collected
) -> None:
    if collected.organization_id is None:
        collected.organization_id = (organization_id, origin)
        return
    first_id, first = collected.organization_id
    if first_id.lower() != organization_id.lower():
        where = collected.locations[first.file].value_at(("organization_id",))
        collected.diagnostics.append(
            Diagnostic(
                parsed.locations.value_at(("organization_id",)),
                "organization_id",
                f"{json.dumps(organization_id)} differs from {json.dumps(first_id)} at {where}; "
                "every file must name the same organization",
                code="organization-mismatch",
            )
        )


def _keep(section: str, index: int, item: BaseModel, parsed: ParsedFile, c: _Collected) -> None:
    from fedctl.config.models import Issuer, Rule, ServiceAccount

    origin = Origin(parsed.file, (section, index))
    c.declared.names[KIND_OF_SECTION[section]].append((str(getattr(item, "name", "")), origin))
    if isinstance(item, ServiceAccount):
        c.declared.service_accounts.append((item, origin))
    elif isinstance(item, Issuer):
        c.declared.issuers.append((item, origin))
    elif isinstance(item, Rule):
        c.declared.rules.append((item, origin))


def _build(
    root: Path, files: list[Path], collected: _Collected, warnings: list[Diagnostic]
) -> Config:
    declared = collected.declared
    origins = {
        (KIND_OF_SECTION[str(origin.path[0])], item.name): origin
        for items in (declared.service_accounts, declared.issuers, declared.rules)
        for item, origin in items
    }
    settings, settings_origin = collected.settings or (Settings(), None)
    config = Config(
        root=root,
        files=tuple(str(file) for file in files),
        organization_id=collected.organization_id[0] if collected.organization_id else None,
        settings=settings,
        service_accounts=tuple(item for item, _ in declared.service_accounts),
        issuers=tuple(item for item, _ in declared.issuers),
        rules=tuple(item for item, _ in declared.rules),
        locations=collected.locations,
        origins=origins,
        digest_of=lambda: "",
        warnings=warnings,
        settings_origin=settings_origin,
        api_keys=collected.api_keys[0] if collected.api_keys else None,
    )
    config.digest_of = functools.cache(functools.partial(compute_digest, config))
    return config


def compute_digest(config: Config) -> str:
    """sha256 over the rendered, validated content in a canonical JSON form.

    Order of files and of items does not count; content (including keys read from a
    keys_file) does. Saved plans use it to notice that the configuration changed.
    """
    canonical = {
        "organization_id": config.organization_id,
        "settings": config.settings.model_dump(mode="json"),
        "service_accounts": _dump_sorted(config.service_accounts),
        "issuers": _dump_sorted(config.issuers),
        "rules": _dump_sorted(config.rules),
    }
    if config.api_keys is not None:
        canonical["api_keys"] = config.api_keys.model_dump(mode="json")
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _dump_sorted(items: Sequence[BaseModel]) -> list[object]:
    dumped = [item.model_dump(mode="json") for item in items]
    return sorted(dumped, key=lambda entry: json.dumps(entry, sort_keys=True))


__all__ = ["format_path", "load_config", "sort_diagnostics"]
