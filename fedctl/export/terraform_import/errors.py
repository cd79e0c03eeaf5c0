"""The one error `fedctl import-terraform` raises: every problem of the file, one per line."""

from __future__ import annotations

from fedctl.core.errors import FedctlError


class TerraformImportError(FedctlError):
    """The Terraform JSON cannot become configuration; each line names the resource address."""

    def __init__(self, *problems: str) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))

    def render(self) -> str:
        if len(self.problems) == 1:
            return self.problems[0]
        count = len(self.problems)
        return "\n".join(
            [*self.problems, f"{count} problems in the Terraform JSON; nothing written."]
        )
