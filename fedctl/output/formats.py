"""Workloads -> text a workload's environment is configured with.

Every value (IDs come from the server, audiences from the configuration) is quoted for
the language it lands in: `shlex.quote` for shell, JSON strings (which YAML reads as
double-quoted scalars) for YAML, also inside comments. Values holding a line break or
control character never get here (`resolve_workloads` refuses them), so a comment can
never be escaped from. The GitHub step hands the audience and the token path to its
script through `env:`, never by pasting them into the script, so no value can become
shell code.

    print(render_env(workloads, token_file="/run/token"))
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence

from fedctl.output.workloads import Workload

# Paths of the identity-token file, not secrets.
GITHUB_TOKEN_FILE = "${{ runner.temp }}/anthropic-identity-token"  # noqa: S105
KUBERNETES_TOKEN_FILE = "/var/run/secrets/anthropic.com/token"  # noqa: S105
# Kubernetes refuses a projected token shorter than 10 minutes; it defaults to an hour.
KUBERNETES_MIN_EXPIRATION = 600
KUBERNETES_DEFAULT_EXPIRATION = 3600
TOKEN_FILE_VARIABLE = "ANTHROPIC_IDENTITY_TOKEN_FILE"  # noqa: S105
# GitLab hands an ID token to the job as a variable; both SDKs read this one as a JWT.
TOKEN_VARIABLE = "ANTHROPIC_IDENTITY_TOKEN"  # noqa: S105
# Kept when already set; otherwise a path that does not exist, so the SDK fails loudly
# ("no such file") until the workload points it at its identity token.
TOKEN_FILE_PLACEHOLDER = "/path/to/identity-token"  # noqa: S105
# Credentials both SDKs pick before federation variables (API key, static bearer, a
# named profile): left over in a shell, they silently win (the TypeScript SDK does not
# even warn), so the env lines unset them.
SHADOWING_VARIABLES = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_PROFILE")


def _q(value: str) -> str:
    return json.dumps(value)


def _audience_note(workload: Workload, indent: str) -> str:
    if workload.audience is not None:
        return ""
    return (
        f"{indent}# the rule sets no match.audience and the exchange's default is not "
        f"documented: {_q(workload.token_audience)} is assumed; set match.audience\n"
    )


def render_env(workloads: Sequence[Workload], *, token_file: str | None) -> str:
    """`unset` of shadowing credentials, then `export` lines, one block per rule."""
    blocks = [f"unset {' '.join(SHADOWING_VARIABLES)}\n"]
    for workload in workloads:
        lines = [f"# rule {_q(workload.rule_name)}"]
        if workload.audience is None:
            lines.append(_audience_note(workload, "").rstrip("\n"))
        else:
            lines[0] += f": token audience {_q(workload.audience)}"
        lines += [
            f"export {name}={shlex.quote(value)}" for name, value in workload.variables().items()
        ]
        if token_file is not None:
            lines.append(f"export {TOKEN_FILE_VARIABLE}={shlex.quote(token_file)}")
        else:
            lines.append(
                f'export {TOKEN_FILE_VARIABLE}="${{{TOKEN_FILE_VARIABLE}:-'
                f'{TOKEN_FILE_PLACEHOLDER}}}"  # placeholder: the path of the identity token'
            )
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def render_json(workloads: Sequence[Workload], *, token_file: str | None) -> str:
    """A JSON array, one object per rule: its name, the token audience and the env."""
    documents = []
    for workload in workloads:
        variables = dict(workload.variables())
        if token_file is not None:
            variables[TOKEN_FILE_VARIABLE] = token_file
        documents.append(
            {
                "rule": workload.rule_name,
                "audience": workload.token_audience,
                "audience_explicit": workload.audience is not None,
                "env": variables,
            }
        )
    return json.dumps(documents, indent=2) + "\n"


def render_github(workloads: Sequence[Workload], *, token_file: str | None) -> str:
    """For each rule, the job keys to merge: permissions, env and the token step."""
    return "\n".join(_github_job(w, token_file or GITHUB_TOKEN_FILE) for w in workloads)


def _github_job(workload: Workload, token_file: str) -> str:
    env = "".join(f"  {name}: {_q(value)}\n" for name, value in workload.variables().items())
    environment = ""
    if workload.github_environment is not None:
        environment = (
            f"environment: {_q(workload.github_environment)}  # the rule's subject pins it\n"
        )
    return (
        f"# fedctl output: rule {_q(workload.rule_name)}. Merge into the job that calls "
        "the Claude API;\n"
        "# The SDK reads the token file again when it refreshes: in a long job, repeat the "
        "token step.\n"
        f"{environment}"
        "permissions:\n"
        "  id-token: write  # lets the job request an OIDC token\n"
        "  contents: read\n"
        "env:\n"
        f"{env}"
        "steps:\n"
        "  - name: Write the OIDC token for the Claude API\n"
        "    env:\n"
        f"{_audience_note(workload, '      ')}"
        f"      AUDIENCE: {_q(workload.token_audience)}\n"
        f"      TOKEN_FILE: {_q(token_file)}\n"
        "    run: |\n"
        '      url="$ACTIONS_ID_TOKEN_REQUEST_URL&audience=$(jq -rn --arg a "$AUDIENCE" '
        "'$a|@uri')\"\n"
        '      (umask 077; curl -sSf -H "Authorization: bearer '
        '$ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$url" | jq -r .value > "$TOKEN_FILE")\n'
        f'      echo "{TOKEN_FILE_VARIABLE}=$TOKEN_FILE" >> "$GITHUB_ENV"\n'
    )


def render_gitlab(workloads: Sequence[Workload], *, token_file: str | None) -> str:
    """For each rule, the job keys to merge: `id_tokens` with the audience, variables."""
    return "\n".join(_gitlab_job(w) for w in workloads)


def _gitlab_job(workload: Workload) -> str:
    variables = "".join(f"  {name}: {_q(value)}\n" for name, value in workload.variables().items())
    return (
        f"# fedctl output: rule {_q(workload.rule_name)}. Merge into the job that calls "
        "the Claude API.\n"
        f"# GitLab puts the ID token in ${TOKEN_VARIABLE}, which both SDKs read as the "
        "identity token;\n"
        f"# do not also set {TOKEN_FILE_VARIABLE} (a token file wins over it).\n"
        "id_tokens:\n"
        f"  {TOKEN_VARIABLE}:\n"
        f"{_audience_note(workload, '    ')}"
        f"    aud: {_q(workload.token_audience)}\n"
        "variables:\n"
        f"{variables}"
    )


def render_kubernetes(workloads: Sequence[Workload], *, token_file: str | None) -> str:
    """For each rule, a pod-spec fragment: the projected token volume, its mount and env."""
    return "---\n".join(_pod_fragment(w, token_file or KUBERNETES_TOKEN_FILE) for w in workloads)


def _expiration(workload: Workload) -> tuple[int, str]:
    expiration = max(
        KUBERNETES_MIN_EXPIRATION,
        min(KUBERNETES_DEFAULT_EXPIRATION, workload.max_jwt_lifetime_seconds),
    )
    note = ""
    if workload.max_jwt_lifetime_seconds < KUBERNETES_MIN_EXPIRATION:
        note = (
            f"            # the issuer refuses tokens living over "
            f"{workload.max_jwt_lifetime_seconds} s; raise its max_jwt_lifetime_seconds\n"
        )
    return expiration, note


def _pod_identity(workload: Workload) -> str:
    """The namespace (a comment: it belongs to the Deployment, not the pod spec) and the
    serviceAccountName the rule's `system:serviceaccount:NS:NAME` subject pins."""
    lines = ""
    if workload.kubernetes_namespace is not None:
        lines += (
            f"# Deploy in namespace {_q(workload.kubernetes_namespace)} (the Deployment's "
            "metadata.namespace): the rule's subject pins it.\n"
        )
    if workload.kubernetes_service_account is not None:
        lines += f"serviceAccountName: {_q(workload.kubernetes_service_account)}\n"
    return lines


def _pod_fragment(workload: Workload, token_file: str) -> str:
    directory, _, file_name = token_file.rpartition("/")
    expiration, note = _expiration(workload)
    variables = {**workload.variables(), TOKEN_FILE_VARIABLE: token_file}
    env = "".join(
        f"      - name: {name}\n        value: {_q(value)}\n" for name, value in variables.items()
    )
    return (
        f"# fedctl output: rule {_q(workload.rule_name)}. Merge into the pod spec "
        "(spec.template.spec of a Deployment).\n"
        f"{_pod_identity(workload)}"
        "volumes:\n"
        "  - name: anthropic-identity-token\n"
        "    projected:\n"
        "      sources:\n"
        "        - serviceAccountToken:\n"
        f"{_audience_note(workload, '            ')}"
        f"            audience: {_q(workload.token_audience)}\n"
        f"            expirationSeconds: {expiration}\n"
        f"{note}"
        f"            path: {_q(file_name)}\n"
        "containers:\n"
        "  - name: app  # your container\n"
        "    volumeMounts:\n"
        "      - name: anthropic-identity-token\n"
        f"        mountPath: {_q(directory or '/')}\n"
        "        readOnly: true\n"
        "    env:\n"
        f"{env}"
    )
