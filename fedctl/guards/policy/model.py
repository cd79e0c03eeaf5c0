"""The policy file language: `policies:`, each with a CEL `require` (and optional `when`).

policies:
  - name: short-lived-tokens
    description: No rule mints a token that lives longer than 15 minutes.
    severity: deny
    applies_to: rule
    require: rule.token_lifetime_seconds <= 900
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

PolicyName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
CelText = Annotated[str, Field(min_length=1, max_length=4096)]


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: PolicyName
    description: Annotated[str, Field(min_length=1, max_length=1000)]
    severity: Literal["deny", "warn"]
    applies_to: Literal["rule", "issuer", "service_account"]
    require: CelText
    when: CelText | None = None
    message: Annotated[str, Field(max_length=1000)] | None = None


class PolicyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    policies: list[Policy]
