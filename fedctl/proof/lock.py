"""One z3 query at a time in a process.

z3's Python API builds every term in one shared context, which is not thread-safe: two
plans computed in parallel threads (a library caller, or the pipeline's read-ahead)
crashed the interpreter inside Z3_model_eval. Every entry point that builds or solves
z3 terms holds this lock; queries are milliseconds each, so serialising them costs little.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

Z3_LOCK = threading.RLock()

P = ParamSpec("P")
R = TypeVar("R")


def serialized(function: Callable[P, R]) -> Callable[P, R]:
    """`function` run while holding Z3_LOCK."""

    @functools.wraps(function)
    def locked(*args: P.args, **kwargs: P.kwargs) -> R:
        with Z3_LOCK:
            return function(*args, **kwargs)

    return locked
