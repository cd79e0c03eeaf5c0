"""Findings -> a SARIF 2.1.0 log that GitHub code scanning accepts.

Every check of the catalogue is published as a reporting descriptor (rule metadata), so
a finding's help shows on the pull request; each result points at the YAML node by a URI
relative to the repository root (GitHub resolves it against the checkout).

    log = render_sarif(findings, repo_root=Path.cwd(), version="0.1.0")
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from fedctl.core.escape import escape_terminal
from fedctl.lint.catalogue import CATALOGUE
from fedctl.lint.findings import CheckInfo, Finding, LintSeverity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/anthropics/fedctl"

# GitHub ranks security alerts by this property (0.1-10.0); errors are boundary holes.
_SECURITY_SEVERITY = {
    LintSeverity.ERROR: "8.0",
    LintSeverity.WARNING: "5.0",
    LintSeverity.NOTE: "2.0",
}


def render_sarif(
    findings: list[Finding], *, repo_root: Path, version: str, fallback_uri: str = "."
) -> dict[str, object]:
    """The SARIF log; findings without a location point at `fallback_uri`, line 1."""
    rule_ids = list(CATALOGUE)
    results = [_result(f, rule_ids, repo_root, fallback_uri) for f in findings]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fedctl",
                        "version": version,
                        "semanticVersion": version,
                        "informationUri": INFORMATION_URI,
                        "rules": [_descriptor(CATALOGUE[rule_id]) for rule_id in rule_ids],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _descriptor(info: CheckInfo) -> dict[str, object]:
    return {
        "id": info.id,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.explanation},
        "help": {
            "text": f"{info.explanation}\n\nFix: {info.fix}",
            "markdown": f"{info.explanation}\n\n**Fix:** {info.fix}",
        },
        "defaultConfiguration": {"level": info.severity.value},
        "helpUri": f"{INFORMATION_URI}/blob/main/docs/lint/{info.id}.md",
        "properties": {
            "tags": ["security", "workload-identity-federation"],
            "security-severity": _SECURITY_SEVERITY[info.severity],
            "precision": info.precision,
        },
    }


def _result(
    finding: Finding, rule_ids: list[str], repo_root: Path, fallback_uri: str
) -> dict[str, object]:
    location = finding.location
    uri = _relative_uri(location.file, repo_root) if location else fallback_uri
    region = {
        "startLine": location.line if location else 1,
        "startColumn": location.column if location else 1,
    }
    return {
        "ruleId": finding.check_id,
        "ruleIndex": rule_ids.index(finding.check_id),
        "level": finding.severity.value,
        # Shown to people in code scanning: values quoted in it are escaped as in text.
        "message": {
            "text": escape_terminal(f"{finding.resource}: {finding.message}. Fix: {finding.fix}")
        },
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                    "region": region,
                },
                "logicalLocations": [
                    {"name": finding.resource, "fullyQualifiedName": _logical(finding)}
                ],
            }
        ],
    }


def _logical(finding: Finding) -> str:
    return f"{finding.resource}.{finding.field_path}" if finding.field_path else finding.resource


def _relative_uri(file: str, repo_root: Path) -> str:
    """The file as a repository-relative POSIX path; left as given when outside the repo."""
    path = Path(file)
    try:
        relative = path.resolve().relative_to(repo_root.resolve())
    except ValueError:
        return PurePosixPath(path).as_posix()
    return PurePosixPath(relative).as_posix()


def find_repo_root(start: Path) -> Path:
    """The nearest ancestor holding `.git`, else `start` itself."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return start
