"""What every model of the configuration language shares: strictness and located errors.

Custom errors use the type "fedctl"; an optional `at` in their context names the
sub-field the message is about (`fedctl.config.translate` appends it to the path).
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError


def quoted(value: object) -> str:
    """A value as it would be written in JSON (double quotes), for messages."""
    return json.dumps(value)


def fail(message: str, **context: object) -> PydanticCustomError:
    return PydanticCustomError("fedctl", message, context or None)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
