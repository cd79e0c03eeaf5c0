"""A known organization as LiveState, shared by the export tests."""

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

ORG_ID = "00000000-0000-0000-0000-000000000001"
DISCOVERY = {"type": "discovery", "discovery_base": None, "ca_cert_pem": None}
EC_KEY = {
    "kty": "EC",
    "kid": "cluster-1",
    "crv": "P-256",
    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
}

WORKSPACES = (
    Workspace(id="wrkspc_01default", name="Default", is_default=True),
    Workspace(id="wrkspc_01prod", name="production"),
    Workspace(id="wrkspc_01stage1", name="staging"),
    Workspace(id="wrkspc_01stage2", name="Staging"),  # same name up to case: IDs
    Workspace(id="wrkspc_01old", name="legacy", archived=True),
)


def meta(resource_id: str, archived_at: str | None = None) -> LiveMeta:
    return LiveMeta(
        id=resource_id,
        archived_at=archived_at,
        archived_by_actor_id="user_01admin" if archived_at else None,
    )


def account(name: str, rid: str, **fields: object) -> LiveServiceAccount:
    return LiveServiceAccount(spec=ServiceAccountSpec(name=name, **fields), meta=meta(rid))  # type: ignore[arg-type]


def issuer(name: str, rid: str, **fields: object) -> LiveIssuer:
    return LiveIssuer(spec=IssuerSpec(name=name, **fields), meta=meta(rid))  # type: ignore[arg-type]


def rule(name: str, rid: str, issuer_id: str, sa_id: str, **fields: object) -> LiveRule:
    return LiveRule(
        spec=RuleSpec(name=name, **fields),  # type: ignore[arg-type]
        meta=meta(rid),
        issuer_id=issuer_id,
        service_account_id=sa_id,
    )


def known_org() -> LiveState:
    accounts = {
        "payments-ci": account(
            "payments-ci",
            "svac_01pay",
            description="Deploys payments-api\nfrom GitHub Actions",
            memberships={
                "wrkspc_01prod": "workspace_developer",
                "wrkspc_01stage2": "workspace_user",
            },
        ),
        "bootstrap": account("bootstrap", "svac_01boot", organization_role="admin"),
        "k8s-jobs": account("k8s-jobs", "svac_01k8s"),
    }
    issuers = {
        "github-actions": issuer(
            "github-actions",
            "fdis_01gha",
            issuer_url="https://token.actions.githubusercontent.com",
            jwks=DISCOVERY,
        ),
        "cluster": issuer(
            "cluster",
            "fdis_01k8s",
            issuer_url="https://kubernetes.default.svc",
            jwks={"type": "inline", "keys": [EC_KEY]},
            max_jwt_lifetime_seconds=7200,
            check_jti=False,
        ),
        "console-only": issuer(
            "console-only",
            "fdis_01boot",
            issuer_url="https://idp.example.com",
            jwks={
                "type": "explicit_url",
                "url": "https://idp.example.com/jwks",
                "ca_cert_pem": None,
            },
        ),
    }
    rules = {
        "deploy-main": rule(
            "deploy-main",
            "fdrl_01dep",
            "fdis_01gha",
            "svac_01pay",
            issuer_name="github-actions",
            service_account_name="payments-ci",
            match=RuleMatchSpec(
                subject_prefix="repo:acme/payments-api:ref:refs/heads/main",
                audience="https://api.anthropic.com",
                claims={"repository_owner_id": "91234567", "repository_owner": "acme"},
            ),
            oauth_scope="workspace:developer",
            workspace_ids=frozenset({"wrkspc_01prod", "wrkspc_01stage2"}),
            token_lifetime_seconds=600,
        ),
        "nightly": rule(
            "nightly",
            "fdrl_01ngt",
            "fdis_01k8s",
            "svac_01k8s",
            issuer_name="cluster",
            service_account_name="k8s-jobs",
            description="Nightly batch",
            match=RuleMatchSpec(
                subject_prefix="system:serviceaccount:batch:nightly",
                condition='claims["kubernetes.io"]["namespace"] == "batch"',
            ),
            oauth_scope="workspace:inference",
            applies_to_all_workspaces=True,
        ),
        "cluster-admin": rule(
            "cluster-admin",
            "fdrl_01cad",
            "fdis_01k8s",
            "svac_01boot",
            issuer_name="cluster",
            service_account_name="bootstrap",
            match=RuleMatchSpec(subject_prefix="system:serviceaccount:ops:admin"),
            oauth_scope="workspace:developer workspace:manage_tunnels",
            workspace_ids=frozenset({"wrkspc_01default"}),
        ),
        "bootstrap-admin": rule(
            "bootstrap-admin",
            "fdrl_01bad",
            "fdis_01boot",
            "svac_01boot",
            issuer_name="console-only",
            service_account_name="bootstrap",
            match=RuleMatchSpec(subject_prefix="admin-pipeline"),
            oauth_scope="org:admin",
            applies_to_all_workspaces=True,
        ),
    }
    archived_rule = LiveRule(
        spec=RuleSpec(
            name="deploy-old",
            issuer_name="github-actions",
            service_account_name="payments-ci",
            match=RuleMatchSpec(subject_prefix="repo:acme/payments-api:ref:refs/heads/old"),
            oauth_scope="workspace:developer",
        ),
        meta=meta("fdrl_01old", archived_at="2025-06-01T10:00:00Z"),
        issuer_id="fdis_01gha",
        service_account_id="svac_01pay",
    )
    archived_issuer = LiveIssuer(
        spec=IssuerSpec(name="gitlab", issuer_url="https://gitlab.com", jwks=DISCOVERY),
        meta=meta("fdis_01gl", archived_at="2025-05-01T09:00:00Z"),
    )
    return LiveState(
        organization=Organization(id=ORG_ID, name="Acme"),
        workspaces=WORKSPACES,
        service_accounts=accounts,
        issuers=issuers,
        rules=rules,
        archived_rules=(archived_rule,),
        archived_issuers=(archived_issuer,),
    )
