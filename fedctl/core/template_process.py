"""Renders hostile templates in a child process under hard limits (issue 27 item 3).

The sandbox in `sandbox.py` refuses the costly patterns it knows, but a pattern list keeps
losing: `"%999999999d" % 1`, `center(999999999)`, `replace` on a large string and a loop
over a list the loop appends to each cost gigabytes or never end. So templates render in
a child whose kernel limits no template can pass: address space (MEMORY_BYTES), CPU
seconds (CPU_SECONDS) and a wall deadline (WALL_SECONDS, the parent kills the child), and
the parent reads at most MAX_OUTPUT_BYTES of its answer. A limit hit becomes a message
naming the limit; the caller locates it in the template that was rendering.

The child gets the templates and variables as a pickle on stdin (written by this process,
so trusted) and answers one JSON line per template, in order, as each one finishes: a
child that dies mid-way still leaves the answers of the templates before it.

Configurations without templates never start the child (callers check first).

    answers = render_in_child(Job(templates=[("rules.yaml.j2", source)], variables={}))
"""

from __future__ import annotations

import json
import os
import pickle
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

MEMORY_BYTES = 512 * 1024 * 1024
CPU_SECONDS = 3
WALL_SECONDS = 4.0
# Starting Python on a loaded machine can take seconds; no template runs before the child
# says it is ready (its limits set), so the wall deadline starts there.
STARTUP_SECONDS = 30.0
READY = b"ready\n"
MAX_OUTPUT_BYTES = 64 * 1024 * 1024
MEMORY_MESSAGE = "template error: the template needs more than the 512 MB a template may use"


@dataclass(frozen=True)
class Job:
    """What the child renders: (file, source) pairs and the variables they all see.

    `kind` picks the renderer: "config" (a `*.j2` configuration file) or "markdown"
    (a `--template` for the plan comment; `variables` is then the template's context).
    """

    templates: list[tuple[str, str]]
    variables: dict[str, Any]
    kind: str = "config"


@dataclass(frozen=True)
class Answer:
    """One template's result: its text, or (line, message) problems located in it."""

    text: str | None
    problems: list[tuple[int | None, str]] = field(default_factory=list)


def render_in_child(job: Job) -> list[Answer]:
    """One Answer per template of `job`, in order; a limit hit is that template's problem."""
    child = subprocess.Popen(
        [sys.executable, "-P", "-m", "fedctl.cli.template_child"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        payload = pickle.dumps(job)
        lines, stopped = _exchange(child, payload)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()
    answers = [_answer(line) for line in lines[: len(job.templates)]]
    if len(answers) < len(job.templates):
        reason = stopped or _death_reason(child.returncode)
        answers.append(Answer(None, [(None, f"template error: {reason}")]))
        # The templates after the one that stopped the child were never rendered.
        answers += [Answer(None, []) for _ in job.templates[len(answers) :]]
    return answers


def _exchange(child: subprocess.Popen[bytes], payload: bytes) -> tuple[list[bytes], str | None]:
    """Send the job, read answer lines until EOF, the wall deadline or the output cap."""
    assert child.stdin is not None and child.stdout is not None
    deadline = time.monotonic() + STARTUP_SECONDS
    ready = False
    try:
        child.stdin.write(payload)
        child.stdin.close()
    except BrokenPipeError:
        pass  # the child died at once; its exit status says why
    received = bytearray()
    descriptor = child.stdout.fileno()
    with selectors.DefaultSelector() as selector:
        selector.register(descriptor, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return _lines(received), f"the template ran longer than {WALL_SECONDS:g} seconds"
            if not selector.select(timeout=left):
                continue
            chunk = os.read(descriptor, 1 << 16)
            if not chunk:
                return _lines(received), None
            received += chunk
            if not ready and received.startswith(READY):
                ready = True
                deadline = time.monotonic() + WALL_SECONDS
            if len(received) > MAX_OUTPUT_BYTES:
                cap = MAX_OUTPUT_BYTES // (1024 * 1024)
                return _lines(received), f"the rendered output is larger than {cap} MB"


def _lines(received: bytearray) -> list[bytes]:
    """Complete answer lines only: a line cut by a kill or the cap is no answer."""
    if not received.startswith(READY):
        return []
    return bytes(received[len(READY) :]).split(b"\n")[:-1]


def _answer(line: bytes) -> Answer:
    data = json.loads(line)
    problems = [(entry[0], str(entry[1])) for entry in data["problems"]]
    return Answer(data["text"], problems)


def _death_reason(returncode: int) -> str:
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return f"the template used more than {CPU_SECONDS} seconds of CPU time"
    if returncode == -signal.SIGSEGV or returncode == 3:
        return "the template needs more than the 512 MB a template may use"
    return f"the template renderer stopped unexpectedly (exit status {returncode})"
