"""The access diff's solver time on a plan that changes 500 rule conditions at 5,000 resources.

    python bench/proof.py [--changed 500] [--resources 5000]

Prints the wall time of the access diff and the time spent inside z3 (`fedctl.access.proof.solve
.CLOCK`), with the number of queries. Half the changed conditions widen (`==` to `in`),
half narrow (`in` to `==`); the other rules keep theirs.
"""

from __future__ import annotations

import argparse
import time

from fedctl.access.diff import compute_access_diff
from fedctl.access.proof.solve import CLOCK
from fedctl.core.state import (
    DesiredState,
    IssuerSpec,
    LiveIssuer,
    LiveMeta,
    LiveRule,
    LiveServiceAccount,
    LiveState,
    Organization,
    RuleMatchSpec,
    RuleSpec,
    ServiceAccountSpec,
    Workspace,
)

ISSUER = IssuerSpec(
    name="github-actions",
    issuer_url="https://token.actions.githubusercontent.com",
    jwks={"type": "discovery", "discovery_base": None, "ca_cert_pem": None},
)
NARROW = 'claims.ref == "refs/heads/main"'
WIDE = 'claims.ref in ["refs/heads/main", "refs/heads/release"]'


def _rule(index: int, condition: str) -> RuleSpec:
    return RuleSpec(
        name=f"rule-{index}",
        issuer_name=ISSUER.name,
        service_account_name=f"sa-{index}",
        match=RuleMatchSpec(
            subject_prefix=f"repo:acme/app-{index}:*",
            claims={"repository_owner_id": "91234567"},
            condition=condition,
        ),
        oauth_scope="workspace:inference",
        workspace_ids=frozenset({"wrkspc_prod"}),
    )


def states(resources: int, changed: int) -> tuple[DesiredState, LiveState]:
    count = (resources - 1) // 2  # one service account per rule, and the issuer
    before = [_rule(i, WIDE if i % 2 else NARROW) for i in range(count)]
    after = [
        _rule(i, (NARROW if i % 2 else WIDE) if i < changed else rule.match.condition or "")
        for i, rule in enumerate(before)
    ]
    accounts = [ServiceAccountSpec(name=f"sa-{i}") for i in range(count)]
    meta = LiveMeta(id="x", updated_at="2026-01-01T00:00:00Z")
    live = LiveState(
        organization=Organization(id="org", name="bench"),
        workspaces=(Workspace(id="wrkspc_prod", name="prod"),),
        service_accounts={a.name: LiveServiceAccount(spec=a, meta=meta) for a in accounts},
        issuers={ISSUER.name: LiveIssuer(spec=ISSUER, meta=meta)},
        rules={
            r.name: LiveRule(
                spec=r, meta=meta, issuer_id="fdis_1", service_account_id=f"svac_{r.name}"
            )
            for r in before
        },
    )
    desired = DesiredState(
        service_accounts={a.name: a for a in accounts},
        issuers={ISSUER.name: ISSUER},
        rules={r.name: r for r in after},
    )
    return desired, live


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changed", type=int, default=500)
    parser.add_argument("--resources", type=int, default=5000)
    args = parser.parse_args()
    desired, live = states(args.resources, args.changed)
    started = time.perf_counter()
    diff = compute_access_diff(desired, live)
    wall = time.perf_counter() - started
    counts = {effect.value: n for effect, n in diff.counts().items() if n}
    print(
        f"{args.changed} conditions changed at {args.resources:,} resources: access diff "
        f"{wall:.2f} s, in z3 {CLOCK.seconds:.2f} s over {CLOCK.queries} queries; {counts}"
    )


if __name__ == "__main__":
    main()
