"""The one family of errors fedctl raises; only `fedctl.cli.main` catches them.

Every exception class fedctl defines is drawn here, one line each saying what it is for;
classes defined in other modules are drawn too (tests/test_errors.py checks the tree
against the classes and their bases). What a person may see:

    FedctlError                     exit 1 unless a subclass says otherwise
    ├── ConfigError                 one located problem in a configuration file
    ├── ValidationFailed            several Diagnostics collected in one run
    │   └── PolicyFilesInvalid      problems in policy files, counted as policy problems
    ├── ApiError                    the Admin API refused or failed (status, type, request-id)
    │   ├── AuthError               no usable credential, or the API said 401/403
    │   └── ReadOnlyViolation       a write on a client opened read-only (a fedctl bug)
    ├── PlanError                   the plan cannot be made; names the resources
    │   ├── UnsafePlanError         a safety limit; says which flag allows it
    │   ├── PlanProblems            several planning problems at once, one line each
    │   ├── GateRefused             a check apply runs before its first write refused the plan
    │   ├── OrganizationMismatch    the credential acts in another organization than the plan
    │   ├── SavedPlanStale          a saved plan no longer matches the configuration or live
    │   ├── SavedPlanOptionsDiffer  apply was given other options than the saved plan records
    │   └── SavedPlanTampered       a saved plan's steps are not what its configuration plans
    ├── ApplyError                  apply failed part-way; the summary says what is done
    │   ├── ApplyFailed             apply ended with failed or skipped steps
    │   └── NotConverged            every step succeeded, yet a fresh plan still shows changes
    ├── LintBlocksApply             a lint error, and apply was not told to go on
    ├── UsageError                  a command-line combination that cannot work
    ├── AddressError                text that is no `kind/name` resource address
    ├── NoRuleMatches               `fedctl explain`: no rule accepts the token (exit 3)
    ├── UncheckedWitness            the solver's token fails fedctl's own evaluator (a bug)
    ├── TerraformImportError        Terraform state that cannot become configuration
    ├── NoSnapshot                  `fedctl gitops`: no usable snapshot run
    ├── NoReview                    `fedctl gitops`: no usable review record
    └── UnsafeDownload              `fedctl gitops`: an artifact the trusted jobs did not make

Signals raised and caught inside fedctl; where caught, each becomes a FedctlError, a
Diagnostic, a finding or a fallback, so none reaches a person as it is:

    Exception
    ├── OutcomeUnknown              a write may or may not have taken effect; a read tells
    ├── PemProblem                  why a CA text is refused (it quotes no key material)
    ├── FormatRefused               `fedctl fmt` cannot format a file without changing a value
    ├── TemplateTooCostly           a template crossed a sandbox bound (loops, length, size)
    ├── Unsupported                 a CEL construct the solver does not model; named for review
    ├── _StaleCursor                a 400 on a request that carried a page cursor
    ├── _FileProblem                a keys_file or ca_cert_file that cannot be used
    ├── _Refused                    a YAML bound was crossed while locating nodes
    ├── _Unsure                     the fast YAML path hands a file to the located loader
    ├── _Outside                    a match the class search cannot decide; z3 is asked
    └── _Unresolved                 a reference that names nothing, already a Problem
    ValueError
    ├── ConditionError              a rule condition that does not compile
    ├── CelProblem                  a policy expression that cannot be used
    ├── EvaluationFailed            a policy expression that fails on one resource
    └── GuardValueInvalid           a snapshot's stored guard value is not what it records

The emulator's own (it imports nothing from fedctl, this module included); they become
HTTP error answers, or one line from `fedctl emulator`:

    Exception
    ├── ApiFailure                  an error answer: status, error.type, message
    └── Denied                      a token exchange denial, with its history reason
    ValueError
    ├── ConditionError              a condition the API refuses at write time
    ├── SeedError                   a seed file that cannot be loaded
    └── EmulatorStateError          a state file that cannot be used

Every error renders itself as one line a person can act on: where, what is wrong,
what would work. No error message ever holds a token or key material.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Location:
    """A place in a configuration file; `rendered` marks a position in a template's output."""

    file: str
    line: int
    column: int
    rendered: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where} (in the rendered template)" if self.rendered else where


@dataclass(frozen=True)
class Diagnostic:
    """One finding about the configuration: where, which field, what is wrong, what works.

    >>> Diagnostic(Location("rules.yaml", 3, 5), "rules[0].name", "is empty").render()
    'rules.yaml:3:5: rules[0].name: is empty'
    """

    location: Location | None
    path: str
    message: str
    severity: Severity = Severity.ERROR
    code: str = ""
    # `rule/deploy-main`: which declared resource the field belongs to, when it has a name.
    resource: str = ""
    # The offending source line with a caret under the column (YAML syntax errors).
    excerpt: str = ""

    def render(self) -> str:
        where = f"{self.location}: " if self.location else ""
        resource = f"{self.resource}: " if self.resource else ""
        field_path = f"{self.path}: " if self.path else ""
        shown = f"\n{self.excerpt}" if self.excerpt else ""
        return f"{where}{resource}{field_path}{self.message}{shown}"

    def to_json(self) -> dict[str, object]:
        loc = self.location
        return {
            "severity": self.severity.value,
            "code": self.code,
            "file": loc.file if loc else None,
            "line": loc.line if loc else None,
            "column": loc.column if loc else None,
            "rendered_template": loc.rendered if loc else False,
            "path": self.path,
            "resource": self.resource or None,
            "message": self.message,
        }


class FedctlError(Exception):
    """Base of every error a user may see; `render()` is the one line they read."""

    exit_code: int = 1

    def render(self) -> str:
        return str(self)


class UsageError(FedctlError):
    """A combination of options or arguments that cannot work."""


class LintBlocksApply(FedctlError):
    """Lint rates part of the configuration an error, and apply was not told to go on."""


class ConfigError(FedctlError):
    """A single located configuration problem (file unreadable, YAML syntax...)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.render())
        self.diagnostic = diagnostic


class ValidationFailed(FedctlError):
    """Every problem found in one validation run, in file order."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__(f"{len(diagnostics)} problem(s) in the configuration")

    def render(self) -> str:
        lines = [d.render() for d in self.diagnostics]
        count = len(self.diagnostics)
        lines.append(f"{count} error{'s' if count != 1 else ''} found; nothing was changed.")
        return "\n".join(lines)


@dataclass(eq=False)
class ApiError(FedctlError):
    """The Admin API answered with an error, or could not be reached."""

    message: str
    status: int | None = None
    error_type: str | None = None
    request_id: str | None = None
    resource: str | None = None
    hint: str | None = None
    method: str | None = None
    url_path: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def render(self) -> str:
        parts = []
        if self.resource:
            parts.append(f"{self.resource}: ")
        status = f" {self.status} {self.error_type or ''}".rstrip() if self.status else ""
        # No request behind it (a credential that cannot be used): the message alone.
        if self.method and self.url_path:
            parts.append(f"{self.method} {self.url_path} failed{status}: ")
        elif self.status:
            parts.append(f"API failed{status}: ")
        parts.append(self.message)
        if self.request_id:
            parts.append(f" (request-id {self.request_id})")
        if self.hint:
            parts.append(f"; {self.hint}")
        return "".join(parts)


class AuthError(ApiError):
    """No usable credential, or the API refused the one fedctl chose."""


@dataclass(eq=False)
class PlanError(FedctlError):
    """The plan cannot be made or would be refused; `resources` are `kind/name` strings."""

    message: str
    resources: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def render(self) -> str:
        names = f"{', '.join(self.resources)}: " if self.resources else ""
        return f"{names}{self.message}"


@dataclass(eq=False)
class UnsafePlanError(PlanError):
    """A safety limit was exceeded; the message names the limit and the flag allowing it."""


class ApplyError(FedctlError):
    """Apply stopped with failed steps; the rendered summary lists done/failed/skipped."""
