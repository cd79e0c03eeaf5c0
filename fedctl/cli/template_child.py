"""The child side of `template_process`: set the kernel limits, render, answer in JSON.

Run as `python -P -m fedctl.cli.template_child` (-P: the working folder, which may be a
checked-out pull request, is not put on the import path). Everything the renderers need
is imported before the limits are set, so the limits bound the template and nothing else.
"""

from __future__ import annotations

import contextlib
import json
import pickle
import resource
import sys

from fedctl.config.templating import render_template_here
from fedctl.core.errors import UsageError
from fedctl.core.template_process import (
    CPU_SECONDS,
    MEMORY_BYTES,
    MEMORY_MESSAGE,
    READY,
    Answer,
    Job,
)


def main() -> None:
    # The parent (fedctl itself) wrote this pickle; templates cannot reach stdin.
    job = pickle.load(sys.stdin.buffer)  # noqa: S301
    if not isinstance(job, Job):
        raise SystemExit(2)
    if job.kind == "markdown":
        import fedctl.render.markdown  # noqa: F401 (imported before the limits are set)
    _set_limits()
    sys.stdout.buffer.write(READY)
    sys.stdout.flush()
    for file, source in job.templates:
        try:
            answer = _render(job, file, source)
        except MemoryError:
            answer = Answer(None, [(None, MEMORY_MESSAGE)])
        line = json.dumps({"text": answer.text, "problems": answer.problems})
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def _set_limits() -> None:
    # The soft CPU limit sends SIGXCPU, the hard one a second later SIGKILL.
    limits = (
        (resource.RLIMIT_AS, MEMORY_BYTES, MEMORY_BYTES),
        (resource.RLIMIT_CPU, CPU_SECONDS, CPU_SECONDS + 1),
        (resource.RLIMIT_FSIZE, 0, 0),  # a template writes no file
    )
    for kind, soft, hard in limits:
        # A limit the system will not lower (macOS and RLIMIT_AS) leaves the others and the
        # parent's wall deadline in force.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(kind, (soft, hard))


def _render(job: Job, file: str, source: str) -> Answer:
    if job.kind == "markdown":
        from fedctl.render.markdown import render_markdown_source

        try:
            return Answer(render_markdown_source(source, job.variables, file))
        except UsageError as exc:
            return Answer(None, [(None, str(exc))])
        except MemoryError:
            return Answer(None, [(None, MEMORY_MESSAGE)])
        except Exception as exc:  # any failure inside a user's template is a user error
            return Answer(None, [(None, f"template error: {type(exc).__name__}: {exc}")])
    text, diagnostics = render_template_here(source, file, job.variables)
    problems = [(d.location.line if d.location else None, d.message) for d in diagnostics]
    return Answer(text, problems)


if __name__ == "__main__":
    main()
