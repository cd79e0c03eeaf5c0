"""Workloads -> text a workload's environment is configured with.

Every value (IDs come from the server, audiences from the configuration) is quoted for
the language it lands in: `shlex.quote` for shell, JSON strings (which YAML reads as
double-quoted scalars) for YAML. The GitHub step hands the audience and the token path
to its script through `env:`, never by pasting them into the script, so no value can
become shell code.

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


def _q(value: str) -> str:
    return json.dumps(value)


def render_env(workloads: Sequence[Workload], *, token_file: str | None) -> str:
    """`export` lines, one block per rule headed by a comment naming it."""
    blocks = []
    for workload in workloads:
        variables = dict(workload.variables())
        if token_file is not None:
            variables[TOKEN_FILE_VARIABLE] = token_file
        lines = [f"# rule {workload.rule_name} (token audience {workload.audience})"]
        lines += [f"export {name}={shlex.quote(value)}" for name, value in variables.items()]
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
            {"rule": workload.rule_name, "audience": workload.audience, "env": variables}
        )
    return json.dumps(documents, indent=2) + "\n"


def render_github(workloads: Sequence[Workload], *, token_file: str | None) -> str:
    """For each rule, the job keys to merge: permissions, env and the token step."""
    return "\n".join(_github_job(w, token_file or GITHUB_TOKEN_FILE) for w in workloads)


def _github_job(workload: Workload, token_file: str) -> str:
    env = "".join(f"  {name}: {_q(value)}\n" for name, value in workload.variables().items())
    return (
        f"# fedctl output: rule {workload.rule_name}. Merge into the job that calls the "
        "Claude API;\n"
        "# The SDK reads the token file again when it refreshes: in a long job, repeat the "
        "token step.\n"
        "permissions:\n"
        "  id-token: write  # lets the job request an OIDC token\n"
        "  contents: read\n"
        "env:\n"
        f"{env}"
        "steps:\n"
        "  - name: Write the OIDC token for the Claude API\n"
        "    env:\n"
        f"      AUDIENCE: {_q(workload.audience)}\n"
        f"      TOKEN_FILE: {_q(token_file)}\n"
        "    run: |\n"
        '      url="$ACTIONS_ID_TOKEN_REQUEST_URL&audience=$(jq -rn --arg a "$AUDIENCE" '
        "'$a|@uri')\"\n"
        '      (umask 077; curl -sSf -H "Authorization: bearer '
        '$ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$url" | jq -r .value > "$TOKEN_FILE")\n'
        f'      echo "{TOKEN_FILE_VARIABLE}=$TOKEN_FILE" >> "$GITHUB_ENV"\n'
    )


def render_kubernetes(workloads: Sequence[Workload], *, token_file: str | None) -> str:
    """For each rule, a pod-spec fragment: the projected token volume, its mount and env."""
    return "---\n".join(_pod_fragment(w, token_file or KUBERNETES_TOKEN_FILE) for w in workloads)


def _pod_fragment(workload: Workload, token_file: str) -> str:
    directory, _, file_name = token_file.rpartition("/")
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
    variables = {**workload.variables(), TOKEN_FILE_VARIABLE: token_file}
    env = "".join(
        f"      - name: {name}\n        value: {_q(value)}\n" for name, value in variables.items()
    )
    return (
        f"# fedctl output: rule {workload.rule_name}. Merge into the pod spec "
        "(spec.template.spec of a Deployment).\n"
        "volumes:\n"
        "  - name: anthropic-identity-token\n"
        "    projected:\n"
        "      sources:\n"
        "        - serviceAccountToken:\n"
        f"            audience: {_q(workload.audience)}\n"
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
