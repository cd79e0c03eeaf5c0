"""What a question to the solver answers: a token, nothing, or "could not decide".

Kept apart from fedctl.access.proof.solve (which imports z3) so that code answering a question
without the solver, and the callers that read answers, load no z3.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Claims = dict[str, Any]


@dataclass(frozen=True)
class Found:
    claims: Claims


@dataclass(frozen=True)
class Undecided:
    reason: str


@dataclass(frozen=True)
class _Nothing:
    pass


NONE = _Nothing()
Answer = Found | Undecided | _Nothing
