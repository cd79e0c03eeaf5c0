"""Every exception class fedctl defines is drawn in the tree of `fedctl/core/errors.py`.

The classes are found by importing every module under `fedctl/`, so a module that moves
or a package that is added is walked all the same; the tree is read from the module
docstring, and each class must be drawn under the base it really has, with one line
saying what it is for. A drawn name that no longer exists fails too.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass

import fedctl
import fedctl.core.errors

# `    │   ├── AuthError      what it is for` (a root line has no branch).
_TREE_LINE = re.compile(r"^    (?P<branch>[│├└─ ]*)(?P<name>\w+)(?: {2,}(?P<purpose>\S.*))?$")


@dataclass(frozen=True)
class Drawn:
    name: str
    parent: str | None
    purpose: str | None


def _drawn_tree() -> list[Drawn]:
    """Each class line of the docstring's trees, with the class drawn above it."""
    drawn: list[Drawn] = []
    path: list[str] = []  # the names on the way down to the current line
    for line in (fedctl.core.errors.__doc__ or "").splitlines():
        found = _TREE_LINE.match(line)
        if found is None:
            path = []
            continue
        depth = len(found["branch"]) // 4
        assert depth <= len(path), f"a branch without a parent: {line!r}"
        path = [*path[:depth], found["name"]]
        parent = path[depth - 1] if depth else None
        drawn.append(Drawn(found["name"], parent, found["purpose"]))
    return drawn


def _exception_classes() -> list[type[BaseException]]:
    """Every exception class defined at the top of a module under fedctl/."""
    classes: list[type[BaseException]] = []
    for module_info in pkgutil.walk_packages(fedctl.__path__, "fedctl."):
        if module_info.name.endswith(".__main__"):
            continue  # running it is its only content
        module = importlib.import_module(module_info.name)
        classes.extend(
            value
            for value in vars(module).values()
            if inspect.isclass(value)
            and issubclass(value, BaseException)
            and value.__module__ == module.__name__
        )
    return classes


def _base(cls: type[BaseException]) -> type[BaseException]:
    return next(base for base in cls.__bases__ if issubclass(base, BaseException))


def _is_builtin(name: str) -> bool:
    return isinstance(getattr(builtins, name, None), type)


def test_the_walk_finds_classes_outside_errors_py() -> None:
    # The walk itself can fail quietly (nothing imported, nothing checked): it must see
    # the family's root and classes from other packages.
    names = {cls.__name__ for cls in _exception_classes()}
    assert {"FedctlError", "GateRefused", "PemProblem", "SeedError"} <= names


def test_every_exception_class_is_drawn_under_its_base() -> None:
    edges = {(drawn.name, drawn.parent) for drawn in _drawn_tree()}
    missing = []
    for cls in _exception_classes():
        base = _base(cls)
        as_root = base.__module__ == "builtins" and (cls.__name__, None) in edges
        if (cls.__name__, base.__name__) not in edges and not as_root:
            missing.append(f"{cls.__module__}.{cls.__qualname__} (base {base.__name__})")
    assert missing == [], (
        "draw these in the tree of fedctl/core/errors.py's docstring, under their base, "
        "each with one line saying what it is for: " + ", ".join(missing)
    )


def test_every_drawn_class_exists_and_says_what_it_is_for() -> None:
    defined = {cls.__name__ for cls in _exception_classes()}
    drawn = [entry for entry in _drawn_tree() if not _is_builtin(entry.name)]
    assert [entry.name for entry in drawn if entry.name not in defined] == []
    assert [entry.name for entry in drawn if not entry.purpose] == []
    # Python's own classes are drawn only as roots, to hang fedctl's classes on.
    assert [e.name for e in _drawn_tree() if _is_builtin(e.name) and e.parent is not None] == []
