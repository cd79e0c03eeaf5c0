"""Builders for small lint configurations: one service account, preset issuers, one rule."""

from __future__ import annotations

import textwrap
from pathlib import Path

from fedctl.config import load_config
from fedctl.lint.findings import Finding
from fedctl.lint.run import lint_config

TENANT = "5f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b"

SERVICE_ACCOUNT = """\
service_accounts:
  - name: ci
    organization_role: {role}
    workspaces:
      - workspace: production
        role: workspace_developer
"""

ISSUERS = f"""\
issuers:
  - name: gha
    preset: github-actions
  - name: gitlab
    preset: gitlab
  - name: google
    preset: google
  - name: aws
    preset: aws-sts
    issuer_url: https://7d2270a1-449a-4020-9e67-414d0b59b09c.tokens.sts.global.api.aws
  - name: entra1
    preset: entra-v1
    issuer_url: https://sts.windows.net/{TENANT}/
  - name: entra2
    preset: entra-v2
    issuer_url: https://login.microsoftonline.com/{TENANT}/v2.0
  - name: k8s
    preset: kubernetes
    issuer_url: https://kubernetes.default.svc.cluster.local
    jwks: {{type: inline, keys: [{{kid: k1, kty: RSA, n: AQAB, e: AQAB}}]}}
"""


def rule(match: str, *, issuer: str = "gha", extra: str = "") -> str:
    """A rule `r` of service account `ci`, enabled in production, with this match body."""
    body = textwrap.indent(textwrap.dedent(match).strip("\n"), " " * 6)
    tail = textwrap.indent(textwrap.dedent(extra).strip("\n"), " " * 4)
    workspaces = "" if "applies_to_all_workspaces" in extra else "    workspaces: [production]\n"
    text = (
        f"rules:\n  - name: r\n    issuer: {issuer}\n    service_account: ci\n"
        f"    match:\n{body}\n    oauth_scope: workspace:inference\n{workspaces}"
    )
    return text + (tail + "\n" if tail else "")


def config_text(rules: str, *, issuers: str = ISSUERS, role: str = "developer") -> str:
    return SERVICE_ACCOUNT.format(role=role) + issuers + rules


def lint_text(tmp_path: Path, text: str) -> list[Finding]:
    file = tmp_path / "fedctl.yaml"
    file.write_text(text, encoding="utf-8")
    return lint_config(load_config(file))


def line_of(text: str, needle: str, *, occurrence: int = 1) -> int:
    """1-based line of the `occurrence`-th line containing `needle`."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def with_id(findings: list[Finding], check_id: str) -> list[Finding]:
    return [finding for finding in findings if finding.check_id == check_id]
