"""The access-test file language.

cases:
  - name: deploy job of acme/app gets a token
    preset: github-actions
    claims: {repository: acme/app, ref: refs/heads/main, event_name: push}
    expect: {rule: payments-deploy-main}
  - name: a fork's pull request does not
    preset: github-actions
    claims: {sub: "repo:evil/app:pull_request", event_name: pull_request}
    expect: denied
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Expectation(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    rule: Annotated[str, Field(min_length=1, max_length=255)]
    service_account: str | None = None
    scope: str | None = None
    workspace: str | None = None


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: Annotated[str, Field(min_length=1, max_length=200)]
    preset: str | None = None
    claims: dict[str, Any] = Field(default_factory=dict)
    workspace: str | None = None
    expect: Literal["denied"] | Expectation


class AccessTestFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    cases: list[Case]
