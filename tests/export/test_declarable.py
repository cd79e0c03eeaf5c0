from fedctl.core.state import LiveState, RuleMatchSpec
from fedctl.export.document import Disposition, build_export
from fedctl.export.render import render_document
from tests.export.orgs import known_org, rule


def with_rules(live: LiveState, **rules: object) -> LiveState:
    return live.model_copy(update={"rules": {**live.rules, **rules}})


def dispositions(live: LiveState) -> dict[str, Disposition]:
    return {entry.name: entry.disposition for entry in build_export(live).entries}


def test_rule_enabled_in_no_workspace_is_commented_with_the_reason() -> None:
    orphan = rule(
        "orphan",
        "fdrl_01orp",
        "fdis_01gha",
        "svac_01pay",
        issuer_name="github-actions",
        service_account_name="payments-ci",
        match=RuleMatchSpec(subject_prefix="repo:acme/x:ref:refs/heads/main"),
        oauth_scope="workspace:developer",
    )
    live = with_rules(known_org(), orphan=orphan)
    assert dispositions(live)["orphan"] is Disposition.NOT_DECLARABLE
    text = render_document(build_export(live))
    assert (
        "# rules: Not declared, the configuration cannot hold them:\n"
        "#   Cannot be declared: needs workspaces (e.g. [production]) or "
        "applies_to_all_workspaces: true. fedctl leaves it as it is.\n"
        "#   - name: orphan\n"
    ) in text


def test_rule_in_a_workspace_its_account_left_is_declared() -> None:
    outside = rule(
        "outside",
        "fdrl_01out",
        "fdis_01gha",
        "svac_01k8s",
        issuer_name="github-actions",
        service_account_name="k8s-jobs",
        match=RuleMatchSpec(subject_prefix="repo:acme/x:ref:refs/heads/main"),
        oauth_scope="workspace:developer",
        workspace_ids=frozenset({"wrkspc_01prod"}),
    )
    live = with_rules(known_org(), outside=outside)
    # Revision 2, §5.8: the API holds such rules; export declares them (plan warns).
    assert dispositions(live)["outside"] is Disposition.DECLARED
    assert "Cannot be declared" not in render_document(build_export(live))


def test_constant_true_condition_is_commented() -> None:
    constant = rule(
        "constant",
        "fdrl_01con",
        "fdis_01gha",
        "svac_01pay",
        issuer_name="github-actions",
        service_account_name="payments-ci",
        match=RuleMatchSpec(condition='true || claims.sub == "x"'),
        oauth_scope="workspace:developer",
        workspace_ids=frozenset({"wrkspc_01prod"}),
    )
    assert dispositions(with_rules(known_org(), constant=constant))["constant"] is (
        Disposition.NOT_DECLARABLE
    )


def test_console_only_issuer_is_commented_and_shared_one_declared() -> None:
    found = dispositions(known_org())
    assert found["console-only"] is Disposition.CONSOLE_MANAGED
    assert found["cluster"] is Disposition.DECLARED
    assert found["bootstrap-admin"] is Disposition.CONSOLE_MANAGED
