"""The trust graph: golden Mermaid, a structural Mermaid check, escaping under attack,
and the plan's embedded graph (changed part only, capped, absent when nothing changes)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fedctl.config import load_config
from fedctl.core.escape import escape_terminal
from fedctl.core.state import RuleMatchSpec
from fedctl.graph.mermaid import mermaid_text, render_mermaid
from fedctl.graph.plan import plan_graph, render_plan_graph_markdown
from fedctl.graph.render import render_dot, render_graph_json
from fedctl.graph.sources import graph_from_config, graph_from_live
from fedctl.plan.plan import compute_plan
from fedctl.render.markdown import render_markdown
from tests.support.golden import assert_golden
from tests.support.mermaid import check_flowchart
from tests.support.showcase import showcase_plan
from tests.support.states import baseline, desired, issuer, live_from, rule, sa

CONFIG = """\
version: 1
service_accounts:
  - name: ci
    workspaces: [{workspace: production, role: workspace_developer}]
  - name: ops
    organization_role: admin
  - name: unused
issuers:
  - name: github
    issuer_url: https://token.actions.githubusercontent.com
  - name: lonely
    issuer_url: https://idp.example.com
rules:
  - name: deploy
    issuer: github
    service_account: ci
    match: {subject_prefix: "repo:acme/app:ref:refs/heads/main", claims: {repository_owner: acme}}
    oauth_scope: workspace:developer
    workspaces: [production]
  - name: bootstrap
    issuer: github
    service_account: ops
    match: {subject_prefix: "repo:acme/infra:environment:prod", audience: "https://api.anthropic.com"}
    oauth_scope: org:admin
    workspaces: [default]
  - name: everywhere
    issuer: github
    service_account: ci
    match: {condition: 'claims.ref == "refs/heads/main" && claims.repository_owner == "acme"'}
    oauth_scope: workspace:inference
    applies_to_all_workspaces: true
"""

HOSTILE = (
    'x"]) --> evil[["<img src=x onerror=alert(1)>`md` |pipe| ;\n```\n%% c #35; &amp; '
    "\u202e {b} \x1b[2K"
)


def config_graph(tmp_path: Path) -> str:
    (tmp_path / "fedctl.yaml").write_text(CONFIG)
    return render_mermaid(graph_from_config(load_config(str(tmp_path))))


def test_configuration_graph_matches_golden(tmp_path: Path) -> None:
    text = config_graph(tmp_path)
    assert_golden("graph/configuration.mmd", text)
    assert check_flowchart(text) == (11, 9)
    assert '["rule: bootstrap" (Console-managed)' not in text
    assert 'r1["rule: bootstrap (Console-managed)"]' in text
    assert "class r1 console" in text


def test_live_graph_names_workspaces_and_draws_every_workspace_once() -> None:
    state = desired(
        [sa("ci")],
        [issuer("github")],
        [rule("deploy"), rule("all", applies_to_all_workspaces=True)],
    )
    text = render_mermaid(graph_from_live(live_from(state)))
    assert_golden("graph/live.mmd", text)
    assert 'w1[("every workspace")]' in text
    assert 'w2[("workspace: Production")]' in text
    check_flowchart(text)


def hostile_graph_text() -> tuple[str, str, str]:
    state = desired(
        [sa(HOSTILE)],
        [issuer(HOSTILE)],
        [
            rule(
                HOSTILE,
                issuer_name=HOSTILE,
                service_account_name=HOSTILE,
                match=RuleMatchSpec(subject_prefix=HOSTILE, claims={HOSTILE: HOSTILE}),
                oauth_scope=f"org:admin {HOSTILE}",
            )
        ],
    )
    graph = graph_from_live(live_from(state))
    return render_mermaid(graph), render_dot(graph), render_graph_json(graph)


def test_hostile_names_cannot_break_out_of_mermaid_labels() -> None:
    mermaid, _dot, _json = hostile_graph_text()
    assert check_flowchart(mermaid) == (4, 3)
    body = "\n".join(mermaid.split("\n")[1:])
    for dangerous in ('x"]', "<img", "`", "|pipe|", "\n```", "%%", "\x1b", "\u202e", "{b}"):
        assert dangerous not in body, dangerous
    # Each escaped string still reads back as the original, control characters shown.
    assert mermaid_text('a"b') == "a#34;b"
    assert mermaid_text("a\nb") == "a#92;nb"


def test_hostile_names_cannot_break_out_of_dot_strings() -> None:
    _mermaid, dot, _json = hostile_graph_text()
    string = r'"(?:[^"\\\n]|\\.)*"'
    attribute = rf"[a-z]+=(?:{string}|[a-z]+)"
    attributes = rf"\[{attribute}(?:, {attribute})*\]"
    lines = dot.split("\n")
    assert lines[:2] == ["digraph trust {", "  rankdir=LR;"]
    assert lines[-2:] == ["}", ""]
    for line in lines[2:-2]:
        assert re.fullmatch(rf"  n[0-9]+(?: -> n[0-9]+)?(?: {attributes})?;", line), line
    assert "\x1b" not in dot and "\u202e" not in dot


def test_json_keeps_the_names_exact() -> None:
    _mermaid, _dot, text = hostile_graph_text()
    document = json.loads(text)
    assert {node["name"] for node in document["nodes"]} >= {HOSTILE}
    assert document["omitted_rules"] == 0


def test_showcase_plan_graph_draws_only_changed_rules() -> None:
    graph = plan_graph(showcase_plan())
    assert graph is not None
    rules = {node.name: node.status.value for node in graph.nodes if node.kind.value == "rule"}
    assert rules == {
        "deploy": "changed",
        "legacy-job": "removed",
        "nightly": "changed",
        "ship": "added",
    }
    assert "kept" not in rules  # its issuer changes, its own edges do not
    ends = {node.name: node.status.value for node in graph.nodes if node.kind.value != "rule"}
    assert (ends["github"], ends["legacy"], ends["stale"], ends["ci"]) == (
        "changed",
        "removed",
        "removed",
        "changed",
    )
    assert ends["old-bot"] == "unchanged"
    text = render_plan_graph_markdown(showcase_plan())
    assert text is not None
    mermaid = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    check_flowchart(mermaid)


def test_a_plan_without_trust_change_embeds_no_graph() -> None:
    live = live_from(baseline())
    changed = baseline().model_copy(
        update={"service_accounts": {"ci": sa("ci", description="Renamed purpose")}}
    )
    plan = compute_plan(changed, live)
    assert not plan.is_empty()
    assert plan_graph(plan) is None
    assert "mermaid" not in render_markdown(plan)


def test_a_large_plan_graph_is_cut_at_50_nodes_with_a_note() -> None:
    accounts = [sa(f"bot-{index:02}") for index in range(20)]
    rules = [rule(f"r-{index:02}", service_account_name=f"bot-{index:02}") for index in range(20)]
    state = desired(accounts, [issuer("github")], rules)
    plan = compute_plan(state, live_from(desired([], [issuer("github")], [])))
    graph = plan_graph(plan)
    assert graph is not None
    assert len(graph.nodes) <= 50
    # issuer + workspace shared, 2 nodes per rule: 24 rules fit, here all 20 would (42).
    assert graph.omitted_rules == 0
    small = plan_graph(plan, max_nodes=10)
    assert small is not None
    assert len(small.nodes) <= 10
    assert small.omitted_rules == 16
    text = render_plan_graph_markdown(plan, max_nodes=10)
    assert text is not None
    assert text.endswith(
        "> Cut at 10 nodes: 16 more changed rule(s) are not drawn; "
        "`fedctl plan --format json` lists every change.\n"
    )
    check_flowchart(text.split("```mermaid\n", 1)[1].split("```", 1)[0])


@pytest.mark.parametrize("count", [30])
def test_the_default_cap_is_50_nodes(count: int) -> None:
    accounts = [sa(f"bot-{index:02}") for index in range(count)]
    rules = [
        rule(f"r-{index:02}", service_account_name=f"bot-{index:02}") for index in range(count)
    ]
    plan = compute_plan(
        desired(accounts, [issuer("github")], rules), live_from(desired([], [issuer("github")], []))
    )
    graph = plan_graph(plan)
    assert graph is not None
    assert len(graph.nodes) == 50
    assert graph.omitted_rules == count - 24
    assert "> Cut at 50 nodes: 6 more changed rule(s)" in render_markdown(plan)


@given(st.text())
def test_mermaid_text_is_always_a_plain_label_that_reads_back(text: str) -> None:
    escaped = mermaid_text(text)
    assert re.fullmatch(r"(?:[A-Za-z0-9 _.,:/=@*+~\-]|#[0-9]+;)*", escaped)
    decoded = re.sub(r"#([0-9]+);", lambda match: chr(int(match[1])), escaped)
    assert decoded == escape_terminal(text)
