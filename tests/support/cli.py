"""Running fedctl commands against a running emulator, and the small organization most
CLI tests start from (one service account, one Kubernetes issuer, rules of it)."""

from __future__ import annotations

from click.testing import CliRunner, Result

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator

K8S_ORG_HEAD = """\
service_accounts:
  - name: ci
    workspaces:
{memberships}
issuers:
  - name: k8s
    issuer_url: https://k8s.acme-corp.dev
rules:
"""


def run_api(emulator: RunningEmulator, *args: str) -> Result:
    """`fedctl ARGS` with the emulator's base URL and admin token."""
    api = ["--base-url", emulator.base_url, "--auth-token", emulator.admin_token]
    return CliRunner().invoke(cli, [*args, *api])


def k8s_rule(name: str, workload: str, *, extra: str = "workspaces: [production]") -> str:
    return (
        f"  - name: {name}\n    issuer: k8s\n    service_account: ci\n    match:\n"
        f'      subject_prefix: "system:serviceaccount:{workload}:app"\n'
        f"    oauth_scope: workspace:developer\n    {extra}\n"
    )


def k8s_org(*rules: str, memberships: tuple[str, ...] = ("production",)) -> str:
    """Service account `ci` (developer in `memberships`), issuer `k8s`, and `rules`."""
    rows = "".join(f"      - {{workspace: {w}, role: workspace_developer}}\n" for w in memberships)
    return K8S_ORG_HEAD.format(memberships=rows.rstrip("\n") or "      []") + "".join(rules)
