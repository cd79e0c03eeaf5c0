"""What a plan records beside its changes, as fields: failing policies, access tests whose
outcome it changes, and live resources it holds (never writes).

The plan is data; the renderers (fedctl.render.records) turn each record into the line a
person reads, so a consumer never parses a sentence back into its parts.

    PolicyFailure(policy="short-tokens", severity="warn", resource="rule/deploy",
                  message="Tokens live at most a minute.")
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from fedctl.core.address import Address
from fedctl.core.state import Kind


class PolicyFailure(BaseModel):
    """An organization policy (fedctl.guards.policy) that fails on one planned resource; a
    `deny` stops `fedctl plan` and `fedctl apply`, a `warn` is shown."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    policy: str
    severity: str  # deny | warn, as the policy file says (fedctl.guards.policy.model)
    resource: str  # kind/name
    message: str


class AccessTestChange(BaseModel):
    """An access-test case (fedctl.guards.accesstest) whose outcome the plan changes: the outcome
    against the live organization, then against the configuration."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    case: str
    before: str
    after: str


class HeldResource(BaseModel):
    """A live resource fedctl cannot represent exactly (fedctl.live.unmanageable), with the
    reason; the plan holds every change that would write it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    name: str
    live_id: str
    reason: str

    @property
    def address(self) -> Address:
        return Address(self.kind, self.name)
