"""One small YAML file (policies, access tests) -> a validated pydantic model, every
problem located at file:line:col. The same bounded, location-tracking loader as the
configuration, so a hostile file is as harmless here as there.

    document, locations, problems = load_model_file(path, PolicyFile, what="policy file")
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from fedctl.config.located_yaml import LocationMap, parse_yaml
from fedctl.config.translate import diagnostics_from
from fedctl.core.errors import Diagnostic, Location

MAX_FILE_BYTES = 1024 * 1024
Model = TypeVar("Model", bound=BaseModel)


def load_model_file(
    path: Path, model: type[Model], *, what: str
) -> tuple[Model | None, LocationMap | None, list[Diagnostic]]:
    where = Location(str(path), 1, 1)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, None, [Diagnostic(where, "", f"is over 1 MiB; split the {what}")]
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None, [Diagnostic(where, "", f"{what} not found")]
    except (OSError, UnicodeDecodeError):
        return None, None, [Diagnostic(where, "", "cannot be read as UTF-8 text")]
    parsed = parse_yaml(text, str(path))
    if parsed.diagnostics:
        return None, None, parsed.diagnostics
    try:
        return model.model_validate(parsed.data), parsed.locations, []
    except ValidationError as exc:
        # The configuration's wording (what is wrong, what works, did-you-mean), not
        # pydantic's "Input should be ...".
        return None, parsed.locations, diagnostics_from(exc, model, parsed.locations, ())


def parse_model_file_data(path: Path) -> object:
    """The file's data as parsed (None when it cannot be read or parsed): for checks that
    run beside the model's, in the same pass, on a file whose model refused it."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        parsed = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError):
        return None
    return None if parsed.diagnostics else parsed.data
