"""What a rule's subject pins, read back for the workload's snippet: the GitHub
environment of `repo:OWNER/REPO:environment:NAME`, and the Kubernetes namespace and
service account of `system:serviceaccount:NS:NAME`. A snippet that leaves them out
gives a job whose tokens the rule never matches.

    github_environment("repo:acme/app:environment:production", None)  # 'production'
    kubernetes_subject("system:serviceaccount:payments:api")          # ('payments', 'api')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote

# GitHub writes a `:` inside a value as `%3A` (environment `Production:V1`).
_GITHUB_ENVIRONMENT = re.compile(r"^repo:[^:]+:environment:(?P<name>[^:]+)")
_KUBERNETES = re.compile(r"^system:serviceaccount:(?P<namespace>[^:]+)(?::(?P<name>[^:]*))?")


def github_environment(subject_prefix: str | None, claims: Mapping[str, str] | None) -> str | None:
    """The environment a job must name for its token to match, if the rule pins one.

    NOTE: a subject_prefix is a prefix: `environment:prod` also matches `prod-eu`. The
    name as written is the one environment it certainly matches, so that is the one the
    snippet names. An exact `environment` claim wins over the subject.
    """
    if claims and claims.get("environment"):
        return claims["environment"]
    match = _GITHUB_ENVIRONMENT.match(subject_prefix or "")
    return unquote(match.group("name")) if match else None


def kubernetes_subject(subject_prefix: str | None) -> tuple[str | None, str | None]:
    """(namespace, service account name) the subject pins; None where it pins none.

    The namespace counts only when the prefix goes past it (`...:NS:`), since
    `system:serviceaccount:pay` also matches namespace `payments`.
    """
    match = _KUBERNETES.match(subject_prefix or "")
    if match is None or match.group("name") is None:
        return None, None
    return match.group("namespace"), match.group("name") or None
