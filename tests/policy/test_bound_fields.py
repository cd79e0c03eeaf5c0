"""Bindings are derived from the field tables: every field a policy may name
(`field_names`) is bound on every resource, so a field added to a table and to the
language reaches policies without a list of its own."""

from __future__ import annotations

from pathlib import Path

from fedctl.guards.policy.bindings import field_names
from tests.policy.test_bindings import bindings


def test_every_field_a_policy_may_name_is_bound(tmp_path: Path) -> None:
    found = bindings(tmp_path)
    for kind in ("rule", "issuer", "service_account"):
        for _name, activation in found[kind]:
            assert set(activation[kind]) == field_names(kind), kind
