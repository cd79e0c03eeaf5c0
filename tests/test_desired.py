# ruff: noqa: E501 - expected messages are compared whole, one literal each
import json
from pathlib import Path

import pytest

from fedctl.config import load_config
from fedctl.core.errors import PlanError
from fedctl.core.state import (
    DesiredState,
    IssuerSpec,
    Kind,
    RuleMatchSpec,
    RuleSpec,
    ServiceAccountSpec,
    Workspace,
)
from fedctl.desired import build_desired
from tests.security.certs import certificate_and_key

WORKSPACES = (
    Workspace(id="wrkspc_01default", name="Default", is_default=True),
    Workspace(id="wrkspc_01prod", name="production"),
    Workspace(id="wrkspc_01stage", name="staging"),
    Workspace(id="wrkspc_01old", name="legacy", archived=True),
    Workspace(id="wrkspc_01twin1", name="twin"),
    Workspace(id="wrkspc_01twin2", name="twin"),
)

EVERY_FIELD = """\
version: 1
organization_id: 00000000-0000-0000-0000-000000000000
settings:
  prune: true
  protect: [keep-me]
  max_archives: 3
  max_changes_percent: 50
service_accounts:
  - name: ci
    description: Deploys
    organization_role: admin
    workspaces:
      - {workspace: production, role: workspace_developer}
      - {workspace: wrkspc_01stage, role: workspace_user}
      - {workspace: default, role: workspace_admin}
    previous_names: [old-ci]
  - name: bare
issuers:
  - name: disc
    issuer_url: https://idp.example.com
    previous_names: [old-disc]
  - name: disc-base
    issuer_url: https://internal
    jwks: {type: discovery, discovery_base: https://idp.example.com, ca_cert_pem: CA_CERT}
    max_jwt_lifetime_seconds: 600
    check_jti: false
  - name: explicit
    issuer_url: https://internal
    jwks: {type: explicit_url, url: https://keys.example.com/jwks}
  - name: inline
    issuer_url: https://internal
    jwks: {type: inline, keys: [{kty: EC, crv: P-256, x: AA, y: BB, kid: k1, use: sig}]}
rules:
  - name: full
    issuer: disc
    service_account: ci
    description: Everything set
    match:
      subject_prefix: "repo:acme/app:ref:refs/heads/main"
      audience: https://api.anthropic.com
      claims: {repository_owner: acme}
      condition: 'claims.ref == "refs/heads/main"'
    oauth_scope: workspace:developer
    workspaces: [production, wrkspc_01stage, default]
    token_lifetime_seconds: 600
    previous_names: [old-full]
  - name: minimal
    issuer: inline
    service_account: bare
    match: {claims: {}, condition: 'claims.sub == "x"'}
    oauth_scope: workspace:inference
    applies_to_all_workspaces: true
"""


# A real certificate: ca_cert_pem holds parsable certificates only (fedctl/config/pem.py).
CA_CERT_PEM = certificate_and_key()[0]
EVERY_FIELD = EVERY_FIELD.replace("CA_CERT", json.dumps(CA_CERT_PEM))


def _config(tmp_path: Path, text: str = EVERY_FIELD):
    (tmp_path / "c.yaml").write_text(text)
    return load_config(tmp_path / "c.yaml")


def test_every_field_is_normalised(tmp_path: Path) -> None:
    desired = build_desired(_config(tmp_path), WORKSPACES)
    assert desired == DesiredState(
        organization_id="00000000-0000-0000-0000-000000000000",
        service_accounts={
            "ci": ServiceAccountSpec(
                name="ci",
                description="Deploys",
                organization_role="admin",
                memberships={
                    "wrkspc_01prod": "workspace_developer",
                    "wrkspc_01stage": "workspace_user",
                    "wrkspc_01default": "workspace_admin",
                },
            ),
            "bare": ServiceAccountSpec(name="bare"),
        },
        issuers={
            "disc": IssuerSpec(
                name="disc",
                issuer_url="https://idp.example.com",
                jwks={"type": "discovery", "discovery_base": None, "ca_cert_pem": None},
            ),
            "disc-base": IssuerSpec(
                name="disc-base",
                issuer_url="https://internal",
                jwks={
                    "type": "discovery",
                    "discovery_base": "https://idp.example.com",
                    "ca_cert_pem": CA_CERT_PEM,
                },
                max_jwt_lifetime_seconds=600,
                check_jti=False,
            ),
            "explicit": IssuerSpec(
                name="explicit",
                issuer_url="https://internal",
                jwks={
                    "type": "explicit_url",
                    "url": "https://keys.example.com/jwks",
                    "ca_cert_pem": None,
                },
            ),
            "inline": IssuerSpec(
                name="inline",
                issuer_url="https://internal",
                jwks={
                    "type": "inline",
                    "keys": [
                        {
                            "kty": "EC",
                            "crv": "P-256",
                            "x": "AA",
                            "y": "BB",
                            "kid": "k1",
                            "use": "sig",
                        }
                    ],
                },
            ),
        },
        rules={
            "full": RuleSpec(
                name="full",
                issuer_name="disc",
                service_account_name="ci",
                description="Everything set",
                match=RuleMatchSpec(
                    subject_prefix="repo:acme/app:ref:refs/heads/main",
                    audience="https://api.anthropic.com",
                    claims={"repository_owner": "acme"},
                    condition='claims.ref == "refs/heads/main"',
                ),
                oauth_scope="workspace:developer",
                workspace_ids=frozenset({"wrkspc_01prod", "wrkspc_01stage", "wrkspc_01default"}),
                token_lifetime_seconds=600,
            ),
            "minimal": RuleSpec(
                name="minimal",
                issuer_name="inline",
                service_account_name="bare",
                description="",
                match=RuleMatchSpec(condition='claims.sub == "x"'),
                oauth_scope="workspace:inference",
                applies_to_all_workspaces=True,
            ),
        },
        previous_names={
            (Kind.SERVICE_ACCOUNT, "ci"): ("old-ci",),
            (Kind.ISSUER, "disc"): ("old-disc",),
            (Kind.RULE, "full"): ("old-full",),
        },
        prune=True,
        protect=frozenset({"keep-me"}),
    )


RULE_IN = """\
service_accounts:
  - name: ci
    workspaces: [{{workspace: {member}, role: workspace_developer}}]
issuers: [{{name: i, issuer_url: https://idp.example.com}}]
rules:
  - name: r
    issuer: i
    service_account: ci
    match: {{subject_prefix: a}}
    oauth_scope: workspace:inference
    workspaces: [{rule}]
"""


@pytest.mark.parametrize(
    ("member", "rule", "message"),
    [
        (
            "nowhere",
            "nowhere",
            'c.yaml:3:30: service_accounts[0].workspaces[0].workspace: no workspace has the name "nowhere" (workspaces: production, staging, twin); check the spelling',
        ),
        (
            "wrkspc_01nope",
            "wrkspc_01nope",
            'c.yaml:3:30: service_accounts[0].workspaces[0].workspace: no workspace has the ID "wrkspc_01nope" (workspaces: production, staging, twin); check the spelling',
        ),
        (
            "twin",
            "twin",
            'c.yaml:3:30: service_accounts[0].workspaces[0].workspace: workspace "twin" is ambiguous (2 workspaces have that name: wrkspc_01twin1, wrkspc_01twin2); write the wrkspc_ ID instead',
        ),
        (
            "legacy",
            "legacy",
            'c.yaml:3:30: service_accounts[0].workspaces[0].workspace: workspace "legacy" is archived; an archived workspace refuses memberships and rules, so remove it from the configuration',
        ),
    ],
)
def test_unresolvable_workspaces_name_resource_and_place(
    tmp_path: Path, member: str, rule: str, message: str
) -> None:
    config = _config(tmp_path, RULE_IN.format(member=member, rule=rule))
    with pytest.raises(PlanError) as caught:
        build_desired(config, WORKSPACES)
    assert caught.value.render().endswith(message)
    assert caught.value.resources[0] in {"service_account/ci", "rule/r"}


def test_a_rule_outside_its_accounts_memberships_is_built(tmp_path: Path) -> None:
    # Revision 2, §5.8: not an error any more; the planner warns about it.
    config = _config(tmp_path, RULE_IN.format(member="production", rule="wrkspc_01stage"))
    desired = build_desired(config, WORKSPACES)
    assert desired.rules["r"].workspace_ids == frozenset({"wrkspc_01stage"})


def test_a_name_and_an_id_of_one_workspace_compare_equal_after_resolution(tmp_path: Path) -> None:
    config = _config(tmp_path, RULE_IN.format(member="production", rule="wrkspc_01prod"))
    desired = build_desired(config, WORKSPACES)
    assert desired.rules["r"].workspace_ids == frozenset({"wrkspc_01prod"})
