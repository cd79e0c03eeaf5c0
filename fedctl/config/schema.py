"""The configuration's JSON Schema, generated from the pydantic models, for editors.

render_schemas()   # {"fedctl-config.schema.json": "{\n  \"$schema\": ..."}
"""

from __future__ import annotations

import json

from fedctl.config.models import ConfigFile

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
CONFIG_SCHEMA_FILE = "fedctl-config.schema.json"


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
    return {CONFIG_SCHEMA_FILE: text}
