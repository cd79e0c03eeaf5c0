"""Sample tokens: the recommended rule of every example accepts its own tenant's token and
refuses every other-tenant variant (the property FED011 relies on where it probes samples:
the CI providers' tenants are the solver's question, see tests/proof)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fedctl.access.proof.questions import TENANT_CLAIMS
from fedctl.config import load_config
from fedctl.lint.adapter import view_of
from fedctl.lint.matching import rule_accepts
from fedctl.lint.samples import own_claims, variants

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# policies/ holds policy files, not a configuration.
PROVIDER_EXAMPLES = sorted(
    p.name for p in EXAMPLES.iterdir() if p.name not in {"quickstart", "policies"}
)


def _example_rules() -> list[tuple[str, str]]:
    # Every rule of every example FED011 probes with samples.
    found = []
    for example in PROVIDER_EXAMPLES:
        view = view_of(load_config(EXAMPLES / example))
        for rule in view.rules:
            issuer = view.issuer(rule.issuer_name)
            if not (issuer and issuer.provider and issuer.provider.name in TENANT_CLAIMS):
                found.append((example, rule.name))
    return found


@pytest.mark.parametrize(("example", "rule_name"), _example_rules())
def test_example_rule_accepts_own_token_and_refuses_other_tenants(
    example: str, rule_name: str
) -> None:
    view = view_of(load_config(EXAMPLES / example))
    [rule] = [rule for rule in view.rules if rule.name == rule_name]
    issuer = view.issuer(rule.issuer_name)
    assert issuer is not None and issuer.provider is not None
    own = own_claims(issuer.provider, rule)
    assert rule_accepts(rule, own)
    others = variants(issuer.provider, own)
    labels = [label for label, _claims in others]
    # Look-alikes first (one per string test they defeat), then an unrelated tenant; an
    # ID-only provider (Entra, Okta) has one other tenant, with other IDs.
    assert labels[0] == "look-alike" and len(labels) in (1, 6, 7)
    assert set(labels[:-1]) <= {"look-alike"} and labels[-1] in {"look-alike", "unrelated"}
    assert [label for label, claims in others if rule_accepts(rule, claims)] == []
