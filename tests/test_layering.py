"""The shape of the code: small modules and functions, no import cycles, and the layers of
the data flow kept apart (the planner knows no HTTP; the emulator shares nothing with the
client). Imports inside functions count: a cycle hidden in a function is still a cycle."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "fedctl"
# One concept per module; the size limit only catches a module that grew two. It was 400,
# which split modules by size rather than by concept (many just under the cap).
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 50
# Modules that are data tables, not logic: their length is the number of entries.
DATA_TABLES = {"presets.py": "one entry per identity provider"}


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imported(module: str, path: Path) -> Iterator[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            target = _resolve(name) if name.startswith("fedctl") else None
            if target is not None and target != module:
                yield target


@cache
def _edges() -> dict[str, frozenset[str]]:
    return {module: frozenset(_imported(module, path)) for module, path in MODULES.items()}


def _cycles(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _package_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_no_module_imports_another_that_imports_it_back() -> None:
    assert _cycles(_edges()) == []


def test_no_two_packages_import_each_other() -> None:
    packages: dict[str, set[str]] = {}
    for module, targets in _edges().items():
        packages.setdefault(_package_of(module), set()).update(
            _package_of(target) for target in targets if _package_of(target) != _package_of(module)
        )
    assert _cycles({name: frozenset(targets) for name, targets in packages.items()}) == []


@pytest.mark.parametrize(
    "forbidden", ["fedctl.api", "fedctl.live.read", "fedctl.live.snapshot", "fedctl.config.load"]
)
def test_the_planner_knows_no_http_and_reads_no_files(forbidden: str) -> None:
    offenders = [
        f"{module} -> {target}"
        for module, targets in _edges().items()
        if module.startswith("fedctl.plan.") or module == "fedctl.plan"
        for target in targets
        if target == forbidden or target.startswith(forbidden + ".")
    ]
    assert offenders == []


def test_the_emulator_imports_nothing_of_the_client() -> None:
    offenders = [
        f"{module} -> {target}"
        for module, targets in _edges().items()
        if module.startswith("fedctl.emulator")
        for target in targets
        if not target.startswith("fedctl.emulator") and target != "fedctl"
    ]
    assert offenders == []


def test_modules_are_small() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in MODULES.values()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
        and str(path.relative_to(PACKAGE)) not in DATA_TABLES
    }
    assert long == {}


def test_functions_are_small() -> None:
    long = []
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} {lines}")
    assert long == []


def test_the_root_docstring_maps_every_top_level_module() -> None:
    import fedctl

    doc = fedctl.__doc__ or ""
    names = {
        path.stem if path.suffix == ".py" else path.name
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" or (path.is_dir() and path.name != "__pycache__"))
        and not path.name.startswith("__")
    }
    # Named as an entry of the map: at the start of a line, or after another entry.
    missing = sorted(
        name
        for name in names
        if not re.search(rf"(?m)(^ {{4}}|, |; ){re.escape(name)}(/|,| |:)", doc)
    )
    assert missing == []
