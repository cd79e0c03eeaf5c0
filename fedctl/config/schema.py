"""The JSON Schemas fedctl publishes: the configuration's (generated from the pydantic
models, for editors) and the JSON plan's (`fedctl plan --format json`, kept by hand).

render_schemas()   # {"fedctl-config.schema.json": "...", "plan.schema.json": "..."}

Where generated files point (`# yaml-language-server: $schema=...`): at
`schemas/fedctl-config.schema.json` in the repository that holds the configuration
(the working directory `fedctl init` and `fedctl export` run in), as a path relative to
the file. `fedctl schema --out schemas` writes it there. A local copy always matches the
fedctl version in use, works offline, and is the project's own; a URL on some branch
would drift from the installed version.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

from fedctl.config.models import ConfigFile

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
CONFIG_SCHEMA_FILE = "fedctl-config.schema.json"
PLAN_SCHEMA_FILE = "plan.schema.json"
SCHEMA_FOLDER = "schemas"


def config_schema() -> dict[str, object]:
    schema: dict[str, object] = {"$schema": SCHEMA_DIALECT}
    schema.update(ConfigFile.model_json_schema(mode="validation"))
    schema["description"] = (
        "One fedctl configuration file (version 1). A folder's files are merged section by "
        "section. Cross-file rules (duplicates, references, CEL) are checked by `fedctl validate`."
    )
    return schema


def render_schemas() -> dict[str, str]:
    """File name -> exact file content; deterministic, so the committed copies can be compared."""
    text = json.dumps(config_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return {CONFIG_SCHEMA_FILE: text, PLAN_SCHEMA_FILE: plan_schema_text()}


def plan_schema_text() -> str:
    """The JSON plan's schema, shipped in the package (a copy of schemas/plan.schema.json)."""
    source = resources.files("fedctl").joinpath(f"schemas/{PLAN_SCHEMA_FILE}")
    return source.read_text(encoding="utf-8")


def schema_comment(file_folder: Path | None = None) -> str:
    """The editor line for a file written into `file_folder` (None: the working folder)."""
    here = Path.cwd()
    target = here / SCHEMA_FOLDER / CONFIG_SCHEMA_FILE
    relative = os.path.relpath(target, (file_folder or here).absolute())
    return f"# yaml-language-server: $schema={Path(relative).as_posix()}"
