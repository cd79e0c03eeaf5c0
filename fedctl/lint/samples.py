"""Realistic claim sets per provider (from the providers' docs) and their other-tenant twins.

`own_claims(provider, rule)` builds a token the rule is meant for: the provider's sample,
with the tenant the rule names (in its claims, subject or condition) put in. `variants`
then changes only the tenant (a look-alike name such as acme-labs, and an unrelated one)
or, on a per-tenant issuer, the workload (another role, app or service account). A rule
that accepts a variant accepts tokens it was not meant for. All values are made up.
The CI providers' tenants (GitHub, GitLab, Buildkite, HCP Terraform) are the solver's
question instead (fedctl.access.proof.questions.other_tenant); their samples serve access tests.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from fedctl.core.presets import Preset
from fedctl.core.resolved import ResolvedRule

Claims = dict[str, object]
_IAT = 1767225600

_GITHUB: Claims = {
    "jti": "771e2a7b-bcdc-415a-b0db-7a8420f7d240",
    "sub": "repo:acme/payments-api:ref:refs/heads/main",
    "aud": "https://api.anthropic.com",
    "ref": "refs/heads/main",
    "ref_type": "branch",
    "repository": "acme/payments-api",
    "repository_id": "812345678",
    "repository_owner": "acme",
    "repository_owner_id": "91234567",
    "repository_visibility": "private",
    "workflow_ref": "acme/payments-api/.github/workflows/claude.yml@refs/heads/main",
    "job_workflow_ref": "acme/payments-api/.github/workflows/claude.yml@refs/heads/main",
    "event_name": "push",
    "actor": "jdoe",
    "runner_environment": "github-hosted",
    "iss": "https://token.actions.githubusercontent.com",
    "iat": _IAT,
    "exp": _IAT + 300,
}
_GITLAB: Claims = {
    "namespace_id": "4521",
    "namespace_path": "acme",
    "project_id": "87211",
    "project_path": "acme/payments-api",
    "pipeline_source": "push",
    "ref": "main",
    "ref_type": "branch",
    "ref_path": "refs/heads/main",
    "ref_protected": "true",
    "runner_id": 12270835,
    "jti": "64b78bed-c764-4261-b2e7-3c266ba6e0ee",
    "iss": "https://gitlab.com",
    "iat": _IAT,
    "exp": _IAT + 3600,
    "sub": "project_path:acme/payments-api:ref_type:branch:ref:main",
    "aud": "https://api.anthropic.com",
}
_BUILDKITE: Claims = {
    "iss": "https://agent.buildkite.com",
    "sub": "organization:acme:pipeline:payments-api:ref:refs/heads/main:commit:"
    "ac2c5909e384ba7862533a7b31ea0dd004eb2ac7:step:deploy",
    "aud": "https://api.anthropic.com",
    "iat": _IAT,
    "exp": _IAT + 300,
    "organization_slug": "acme",
    "organization_id": "0184990a-477b-4fa8-9968-4960744830aa",
    "pipeline_slug": "payments-api",
    "build_number": 1287,
    "build_branch": "main",
    "step_key": "deploy",
}
_TERRAFORM: Claims = {
    "jti": "1192426d-b525-4fde-9d42-f238be437bbd",
    "iss": "https://app.terraform.io",
    "aud": "https://api.anthropic.com",
    "iat": _IAT,
    "exp": _IAT + 7200,
    "sub": "organization:acme:project:Payments:workspace:payments-prod:run_phase:apply",
    "terraform_organization_id": "org-GRNbCjYNpBB6NEH9",
    "terraform_organization_name": "acme",
    "terraform_project_id": "prj-vegSA59s1XPwMr2t",
    "terraform_project_name": "Payments",
    "terraform_workspace_id": "ws-mbsd5E3Ktt5Rg2Xm",
    "terraform_workspace_name": "payments-prod",
    "terraform_run_phase": "apply",
}
_GOOGLE: Claims = {
    "iss": "https://accounts.google.com",
    "aud": "https://api.anthropic.com",
    "sub": "104892101234567890123",
    "azp": "104892101234567890123",
    "email": "inference-worker@acme-prod.iam.gserviceaccount.com",
    "email_verified": True,
    "google": {"compute_engine": {"project_id": "acme-prod", "project_number": 217706947495}},
    "iat": _IAT,
    "exp": _IAT + 3600,
}
_AWS: Claims = {
    "iss": "https://7d2270a1-449a-4020-9e67-414d0b59b09c.tokens.sts.global.api.aws",
    "aud": "https://api.anthropic.com",
    "sub": "arn:aws:iam::123456789012:role/inference-worker",
    "iat": _IAT,
    "exp": _IAT + 900,
    "jti": "83ba051c-bc8a-4c8b-9455-3d724c17597a",
    "https://sts.amazonaws.com/": {
        "aws_account": "123456789012",
        "source_region": "us-east-1",
        "org_id": "o-a1b2c3d4e5",
        "principal_tags": {"team": "payments", "environment": "production"},
    },
}
_ENTRA_V2: Claims = {
    "aud": "0b6c2f5e-3d1a-4c8e-9f7a-2e4b6d8c1a90",
    "iss": "https://login.microsoftonline.com/5f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b/v2.0",
    "iat": _IAT,
    "exp": _IAT + 86400,
    "azp": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
    "oid": "9f8e7d6c-1a2b-4c3d-9e5f-6a7b8c9d0e1f",
    "sub": "9f8e7d6c-1a2b-4c3d-9e5f-6a7b8c9d0e1f",
    "tid": "5f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b",
    "ver": "2.0",
}
_ENTRA_V1: Claims = {
    "aud": "api://0b6c2f5e-3d1a-4c8e-9f7a-2e4b6d8c1a90",
    "iss": "https://sts.windows.net/5f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b/",
    "appid": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
    "oid": "9f8e7d6c-1a2b-4c3d-9e5f-6a7b8c9d0e1f",
    "sub": "9f8e7d6c-1a2b-4c3d-9e5f-6a7b8c9d0e1f",
    "tid": "5f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b",
    "ver": "1.0",
    "iat": _IAT,
    "exp": _IAT + 86400,
}
_KUBERNETES: Claims = {
    "aud": ["https://api.anthropic.com"],
    "exp": _IAT + 3600,
    "iat": _IAT,
    "iss": "https://kubernetes.default.svc.cluster.local",
    "jti": "5b1f7c2e-8d4a-4f6b-9c3e-7a2d1e0f4b6c",
    "kubernetes.io": {
        "namespace": "inference",
        "pod": {"name": "inference-worker-7d9f8c6b5-x2kqv", "uid": "0d8b260e"},
        "serviceaccount": {
            "name": "inference-worker",
            "uid": "e6a8680e-d103-4cce-80ea-03acbbeacf7d",
        },
    },
    "sub": "system:serviceaccount:inference:inference-worker",
}
_SPIFFE: Claims = {
    "iss": "https://oidc-discovery.prod.acme.example",
    "sub": "spiffe://prod.acme.example/ns/inference/sa/worker",
    "aud": ["https://api.anthropic.com"],
    "iat": _IAT,
    "exp": _IAT + 300,
}
_OKTA: Claims = {
    "ver": 1,
    "jti": "AT.CKaXY8qhaP-apHWRGUKRHg9mZeR9ALZpL-jUf2RUT8Y",
    "iss": "https://acme.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9",
    "aud": "https://api.anthropic.com",
    "iat": _IAT,
    "exp": _IAT + 3600,
    "cid": "0oa1b2c3d4e5f6g7h8i9",
    "scp": ["anthropic.access"],
    "sub": "0oa1b2c3d4e5f6g7h8i9",
}

SAMPLES: dict[str, Claims] = {
    "github-actions": _GITHUB,
    "gitlab": _GITLAB,
    "buildkite": _BUILDKITE,
    "terraform-cloud": _TERRAFORM,
    "google": _GOOGLE,
    "aws-sts": _AWS,
    "eks": _KUBERNETES,
    "entra-v2": _ENTRA_V2,
    "entra-v1": _ENTRA_V1,
    "kubernetes": _KUBERNETES,
    "gke-cluster": _KUBERNETES,
    "aks-cluster": _KUBERNETES,
    "spiffe": _SPIFFE,
    "okta": _OKTA,
}


def _k8s_names(claims: Claims) -> list[str]:
    match = re.match(r"system:serviceaccount:([^:]+):(.+)$", str(claims.get("sub", "")))
    return [match.group(2), match.group(1)] if match else []


def _google_names(claims: Claims) -> list[str]:
    match = re.match(r"([^@]+)@([^.]+)\.", str(claims.get("email", "")))
    return [match.group(1), match.group(2)] if match else []


def _spiffe_names(claims: Claims) -> list[str]:
    path = re.sub(r"^spiffe://[^/]+/?", "", str(claims.get("sub", "")))
    return [part for part in path.split("/") if part and part not in {"ns", "sa", "host"}]


def _named(*claim_names: str) -> Callable[[Claims], list[str]]:
    return lambda claims: [str(claims[name]) for name in claim_names if claims.get(name)]


def _aws_names(claims: Claims) -> list[str]:
    match = re.match(r"arn:aws:iam::[0-9]+:role/(.+)$", str(claims.get("sub", "")))
    return [match.group(1)] if match else []


# provider -> (tenant or workload names, tenant or workload IDs) found in a claim set
_SLOTS: dict[str, tuple[Callable[[Claims], list[str]], Callable[[Claims], list[str]]]] = {
    "google": (_google_names, _named("sub")),
    "aws-sts": (_aws_names, _named()),
    "entra-v2": (_named(), _named("oid", "azp")),
    "entra-v1": (_named(), _named("oid", "appid")),
    "spiffe": (_spiffe_names, _named()),
    "okta": (_named(), _named("sub")),
}
for _cluster in ("kubernetes", "eks", "gke-cluster", "aks-cluster"):
    _SLOTS[_cluster] = (_k8s_names, _named())


def own_claims(provider: Preset, rule: ResolvedRule) -> Claims:
    """The provider's sample, turned into a token of the tenant the rule names."""
    claims = copy.deepcopy(SAMPLES[provider.name])
    prefix = rule.subject_prefix
    if prefix:
        claims["sub"] = prefix[:-1] + "main" if prefix.endswith("*") else prefix
    _fill_from_condition(provider, claims, rule.condition or "")
    claims.update(rule.claims_dict)
    return claims


# provider -> claims that name the tenant (or workload) and that a condition may compare
_TENANT_NAME_CLAIMS: dict[str, tuple[str, ...]] = {"google": ("email",)}
_STRING_TEST = r"(==\s*|\.(?:startsWith|endsWith|contains|matches)\(\s*)"


def _fill_from_condition(provider: Preset, claims: Claims, condition: str) -> None:
    """Make the sample the token the condition names: its tenant, from any string test."""
    if not condition:
        return
    for claim in _TENANT_NAME_CLAIMS.get(provider.name, ()):
        access = rf"claims(?:\.{claim}\b|\[\s*\"{claim}\"\s*\])(?:\.(?:lower|upper)Ascii\(\))?"
        compared = re.search(rf"{access}\s*{_STRING_TEST}\"([^\"]+)\"", condition)
        if compared:
            claims[claim] = _satisfying(claim, compared.group(1), compared.group(2))
            return


def _satisfying(claim: str, test: str, literal: str) -> str:
    """A value of `claim` that passes `<test>(literal)`: the rule's own tenant."""
    if "matches" in test:
        literal = max(
            re.findall(r"[A-Za-z0-9_.@/-]+", literal.replace("\\.", ".")) or [""], key=len
        )
    if claim == "email" and "@" not in literal:
        return f"ci@{literal}" if "." in literal else f"{literal}@example.iam.gserviceaccount.com"
    if claim == "email" and literal.startswith("@"):
        return f"ci{literal}"
    return literal


def variants(provider: Preset, own: Claims) -> list[tuple[str, Claims]]:
    """Claim sets of another tenant (or workload): look-alike names, then an unrelated one.

    The look-alikes are built to defeat each string test a condition might use on a name:
    a suffix (`startsWith`), a prefix (`endsWith`, and an e-mail compared without its
    `@`), the name inside a longer one (`contains`, unanchored `matches`), another case
    (case-insensitive comparisons) and other separators.
    """
    slots = _SLOTS.get(provider.name)
    if slots is None:
        return []
    names, ids = slots[0](own), slots[1](own)
    if not names and not ids:
        return []
    other_ids = {value: _other_id(value) for value in ids}
    # A transform that changes no name (a separator swap on a name without one) would
    # only change the IDs: a same-named tenant is FED021's concern, not a look-alike.
    renamings = [{n: look(n) for n in names} for look in _LOOK_ALIKES]
    found = [
        ("look-alike", _replace(own, renaming | other_ids))
        for renaming in renamings
        if not names or any(old != new for old, new in renaming.items())
    ]
    unrelated = {name: f"mallory{index or ''}" for index, name in enumerate(names)}
    found.append(("unrelated", _replace(own, unrelated | other_ids)))
    unique: list[tuple[str, Claims]] = []
    for label, claims in found:
        if claims != own and all(claims != seen for _, seen in unique):
            unique.append((label, claims))
    return unique


_LOOK_ALIKES: tuple[Callable[[str], str], ...] = (
    lambda name: f"{name}-labs",  # suffix after a separator: startsWith
    lambda name: f"evil{name}",  # prefix: endsWith, and e-mail domains without "@"
    lambda name: f"{name}evil",  # suffix with no separator: startsWith
    lambda name: f"x-{name}-x",  # embedded: contains, unanchored matches
    lambda name: f"{name}-labs".upper(),  # case: lowerAscii() and (?i) comparisons
    lambda name: name.replace("-", "_").replace(".", "-"),  # separators
)


def _other_id(value: str) -> str:
    """Same shape, same first half (IDs of one provider share prefixes), different tail."""
    half = len(value) // 2
    rotated = "".join(_rotate(ch) for ch in value[half:])
    return value[:half] + rotated


def _rotate(ch: str) -> str:
    if ch.isdigit():
        return str((int(ch) + 3) % 10)
    if ch in "abcdef":
        return "abcdef"[("abcdef".index(ch) + 2) % 6]
    return ch


_KEEP = {"iss", "aud", "iat", "exp", "nbf"}


def _replace(claims: Claims, mapping: dict[str, str]) -> Claims:
    if not mapping:
        return copy.deepcopy(claims)
    pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))

    def walk(value: object) -> object:
        if isinstance(value, str):
            return pattern.sub(lambda m: mapping[m.group(0)], value)
        if isinstance(value, dict):
            return {k: v if k in _KEEP else walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    result = walk(claims)
    assert isinstance(result, dict)
    return result
