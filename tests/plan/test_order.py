"""Ordering: dependencies first, stable ids, cycles reported."""

from __future__ import annotations

import pytest

from fedctl.core.errors import PlanError
from fedctl.core.state import Kind
from fedctl.plan.actions import Operation
from fedctl.plan.order import Draft, done, exists, order_drafts


def test_needs_are_ordered_before_and_unprovided_needs_are_already_true() -> None:
    drafts = [
        Draft(Operation.CREATE_RULE, Kind.RULE, "r", needs={exists(Kind.ISSUER, "i"), done("x")}),
        Draft(Operation.CREATE_ISSUER, Kind.ISSUER, "i", provides={exists(Kind.ISSUER, "i")}),
    ]
    steps, ids = order_drafts(drafts)
    assert [(s.id, s.name, s.depends_on) for s in steps] == [(1, "i", ()), (2, "r", (1,))]
    assert ids == [2, 1]


def test_a_cycle_is_reported_with_the_resources() -> None:
    drafts = [
        Draft(Operation.UPDATE_RULE, Kind.RULE, "a", provides={done("a")}, needs={done("b")}),
        Draft(Operation.UPDATE_RULE, Kind.RULE, "b", provides={done("b")}, needs={done("a")}),
    ]
    with pytest.raises(PlanError) as caught:
        order_drafts(drafts)
    assert caught.value.resources == ["rule/a", "rule/b"]
