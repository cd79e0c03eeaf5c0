"""compute_drift on built states: attribution to actors, pending vs drift, rows without actors."""

from __future__ import annotations

from fedctl.core.state import LiveMeta, LiveRule, ServiceAccountSpec
from fedctl.drift.render import render_drift_text
from fedctl.drift.report import DriftKind, compute_drift
from tests.access.helpers import PROD, STAGING, desired_state, live_state, rule

FEDCTL = "svac_fedctl"
HUMAN = "user_alice"


def with_meta(live, name, **fields):
    old = live.rules[name]
    meta = old.meta.model_copy(update=fields)
    return live.model_copy(
        update={"rules": {**live.rules, name: old.model_copy(update={"meta": meta})}}
    )


def test_a_change_by_someone_else_is_drift_with_actor_and_time():
    desired = desired_state(rules=[rule()])
    live = with_meta(
        live_state(rules=[rule(token_lifetime_seconds=3600)]),
        "deploy",
        updated_by_actor_id=HUMAN,
        updated_at="2025-03-02T09:00:00Z",
    )

    report = compute_drift(desired, live, fedctl_actors={FEDCTL})

    (item,) = report.drift
    assert item.summary() == (
        "rule/deploy: token_lifetime_seconds changed by user_alice at 2025-03-02T09:00:00Z"
    )
    assert (item.fields[0].configured, item.fields[0].live) == (600, 3600)
    assert report.has_drift


def test_a_difference_fedctl_wrote_is_pending_not_drift():
    desired = desired_state(rules=[rule()])
    live = with_meta(
        live_state(rules=[rule(token_lifetime_seconds=3600)]), "deploy", updated_by_actor_id=FEDCTL
    )

    report = compute_drift(desired, live, fedctl_actors={FEDCTL})

    assert not report.has_drift
    assert [item.address for item in report.pending] == ["rule/deploy"]


def test_archived_outside_fedctl_unmanaged_and_not_created():
    desired = desired_state(rules=[rule()], accounts=[ServiceAccountSpec(name="ci")])
    archived = LiveRule(
        spec=rule(),
        meta=LiveMeta(
            id="fdrl_old", archived_at="2025-03-03T10:00:00Z", archived_by_actor_id=HUMAN
        ),
        issuer_id="fdis_github-actions",
        service_account_id="svac_ci",
    )
    live = live_state(
        rules=[rule(name="console-made")],
        accounts=[ServiceAccountSpec(name="ci")],
    ).model_copy(update={"archived_rules": (archived,)})
    live = with_meta(
        live, "console-made", created_by_actor_id=HUMAN, created_at="2025-03-01T00:00:00Z"
    )

    report = compute_drift(desired, live, fedctl_actors={FEDCTL})

    assert [(item.address, item.kind, item.actor_id) for item in report.drift] == [
        ("rule/deploy", DriftKind.ARCHIVED, HUMAN),
        ("rule/console-made", DriftKind.UNMANAGED, HUMAN),
    ]
    assert render_drift_text(report) == "\n".join(
        [
            "fedctl's actors: svac_fedctl",
            "Drift: 2 difference(s) that did not come from fedctl:",
            "  ! rule/deploy: archived by user_alice at 2025-03-03T10:00:00Z",
            "  ! rule/console-made: created by user_alice at 2025-03-01T00:00:00Z, "
            "declared in no file",
        ]
    )


def test_membership_rows_have_no_actor_and_count_as_drift():
    desired = desired_state(
        accounts=[ServiceAccountSpec(name="ci", memberships={PROD: "workspace_user"})]
    )
    live = live_state(
        accounts=[
            ServiceAccountSpec(
                name="ci", memberships={PROD: "workspace_user", STAGING: "workspace_admin"}
            )
        ]
    )

    report = compute_drift(desired, live, fedctl_actors={FEDCTL})

    (item,) = report.drift
    assert item.summary() == "service_account/ci: memberships differ (rows carry no actor)"


def test_a_declared_resource_not_yet_created_is_pending():
    report = compute_drift(desired_state(rules=[rule()]), live_state(), fedctl_actors={FEDCTL})
    assert not report.has_drift
    assert [(item.address, item.kind) for item in report.pending] == [
        ("rule/deploy", DriftKind.NOT_CREATED)
    ]
