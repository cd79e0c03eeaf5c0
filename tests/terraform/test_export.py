"""`fedctl export --format terraform`: golden files (the provider's documented example and
the export tests' known organization), the CLI with --snapshot, and hostile strings."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from fedctl.cli.main import cli
from fedctl.core.errors import UsageError
from fedctl.core.state import (
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
from fedctl.export.hcl import quote
from fedctl.export.terraform import build_terraform, render_terraform
from fedctl.live.snapshot import read_snapshot, take_snapshot, write_snapshot
from tests.export.orgs import DISCOVERY, ORG_ID, known_org
from tests.support.golden import assert_golden
from tests.support.hcl_reader import read_hcl


def federated_ci(
    *,
    name: str = "research-ci",
    description: str = "Deploys the research team's agents from CI.",
    subject: str = "repo:acme/research:ref:refs/heads/main",
    condition: str | None = None,
    claims: dict[str, str] | None = None,
) -> LiveState:
    """The provider's federated-ci example, as the organization holds it once applied."""
    workspace = Workspace(id="wrkspc_01Research000000000000", name="research")
    account = ServiceAccountSpec(
        name=name,
        description=description,
        memberships={workspace.id: "workspace_developer"},
    )
    issuer = IssuerSpec(
        name="github-actions",
        issuer_url="https://token.actions.githubusercontent.com",
        jwks=DISCOVERY,
    )
    rule = RuleSpec(
        name=f"{name}-main",
        issuer_name="github-actions",
        service_account_name=name,
        match=RuleMatchSpec(
            subject_prefix=subject,
            claims=claims or {"repository_id": "812345678", "repository_owner_id": "91234567"},
            condition=condition,
        ),
        oauth_scope="workspace:developer",
        workspace_ids=frozenset({workspace.id}),
        token_lifetime_seconds=600,
    )
    return LiveState(
        organization=Organization(id=ORG_ID, name="Acme"),
        workspaces=(Workspace(id="wrkspc_01Default", name="Default", is_default=True), workspace),
        service_accounts={
            name: LiveServiceAccount(spec=account, meta=LiveMeta(id="svac_01ResearchCi"))
        },
        issuers={
            "github-actions": LiveIssuer(spec=issuer, meta=LiveMeta(id="fdis_01GithubActions"))
        },
        rules={
            rule.name: LiveRule(
                spec=rule,
                meta=LiveMeta(id="fdrl_01ResearchCi"),
                issuer_id="fdis_01GithubActions",
                service_account_id="svac_01ResearchCi",
            )
        },
    )


def test_the_documented_example_exports_as_the_provider_writes_it() -> None:
    assert_golden("terraform/federated-ci.tf", render_terraform(build_terraform(federated_ci())))


def test_every_kind_of_resource_exports() -> None:
    # Memberships and extra rule workspaces, every JWKS mode, Console-managed rules and
    # the issuers behind them; archived resources are left out.
    assert_golden("terraform/known-org.tf", render_terraform(build_terraform(known_org())))


def test_export_reads_a_snapshot_offline(tmp_path: Path) -> None:
    snapshot = tmp_path / "snapshot.json"
    write_snapshot(take_snapshot(known_org()), snapshot)
    result = CliRunner().invoke(
        cli, ["export", "--format", "terraform", "--snapshot", str(snapshot)]
    )
    expected = render_terraform(build_terraform(read_snapshot(snapshot).state))
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")

    out = tmp_path / "tf"
    result = CliRunner().invoke(
        cli, ["export", "--format", "terraform", "--snapshot", str(snapshot), "--out", str(out)]
    )
    assert (result.exit_code, result.stdout) == (0, f"Wrote 1 file(s) to {out}: anthropic.tf\n")
    assert (out / "anthropic.tf").read_text(encoding="utf-8") == expected


def test_yaml_only_options_are_refused_with_terraform(tmp_path: Path) -> None:
    snapshot = tmp_path / "snapshot.json"
    write_snapshot(take_snapshot(known_org()), snapshot)
    result = CliRunner().invoke(
        cli, ["export", "--format", "terraform", "--snapshot", str(snapshot), "--with-ids"]
    )
    assert (result.exit_code, result.stderr) == (
        UsageError.exit_code,
        "error: --with-ids applies to --format yaml only\n",
    )


HOSTILE_NAME = 'ci" {}\nresource "anthropic_service_account" "evil" {\n  name = "x'
HOSTILE_SUBJECT = 'repo:${file("/etc/passwd")}:%{ if true }x%{ endif }\\"'
HOSTILE_CONDITION = 'claims.sub == "a\\"b${var.x}" && claims.env != "%{ if }\u202e\r\x1b[2K"'
HOSTILE_DESCRIPTION = "line one\n# not a comment\n$${already} %%{escaped} \\n \U0001f600"


ALLOWED_STRUCTURE = set(
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-={}[](),\n "S'
)


def test_hostile_strings_stay_inert_strings() -> None:
    live = federated_ci(
        description=HOSTILE_DESCRIPTION,
        subject=HOSTILE_SUBJECT,
        condition=HOSTILE_CONDITION,
        claims={'key"${x}': "value\n}\nresource"},
    )
    text = render_terraform(build_terraform(live))
    structure, strings = read_hcl(text)
    for hostile in (HOSTILE_SUBJECT, HOSTILE_CONDITION, HOSTILE_DESCRIPTION):
        assert hostile in strings
    assert 'key"${x}' in strings and "value\n}\nresource" in strings
    # Outside strings only identifiers, references and punctuation: nothing was injected.
    assert set(structure) <= ALLOWED_STRUCTURE
    assert structure.count("resource") == 4 and structure.count("import") == 4
    assert "\x1b" not in text and "\r" not in text and "\u202e" not in text


def test_a_hostile_name_is_left_out_in_one_comment_line() -> None:
    # The configuration language refuses such a name, so neither the account nor its rule
    # is written; the comment naming them must not end early.
    text = render_terraform(build_terraform(federated_ci(name=HOSTILE_NAME)))
    structure, strings = read_hcl(text)
    assert set(structure) <= ALLOWED_STRUCTURE
    assert structure.count("resource") == 1  # the issuer
    left_out = [line for line in text.splitlines() if "Left out" in line]
    assert [line[:30] for line in left_out] == [
        "# Left out: rule 'ci\" {}\\nreso",
        "# Left out: service_account 'c",
    ]
    assert not any(HOSTILE_NAME in item for item in strings)


PIECES = st.sampled_from(["${", "%{", "$${", "%%{", "$", "%", "{", "}", '"', "\\", "\n", "\u202e"])


@given(st.lists(PIECES | st.text(max_size=3), max_size=12).map("".join))
def test_any_string_reads_back_exactly(text: str) -> None:
    structure, strings = read_hcl(f"a = {quote(text)}\n")
    assert (structure, strings) == ('a = "S"\n', [text])


def test_the_yaml_export_reads_a_snapshot_too(tmp_path: Path) -> None:
    from fedctl.export.document import build_export
    from fedctl.export.render import render_document

    snapshot = tmp_path / "snapshot.json"
    write_snapshot(take_snapshot(known_org()), snapshot)
    result = CliRunner().invoke(cli, ["export", "--snapshot", str(snapshot)])
    expected = render_document(build_export(read_snapshot(snapshot).state))
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")
