#!/usr/bin/env python3
"""Groups fedctl's top level by role (issue 28 item 4); safe to run again on any checkout.

One table, MOVES, says where each module or package of fedctl/ lives (old dotted name ->
new). A run
1. checks that every entry of fedctl/ has a row, and stops naming the ones without (a
   module another branch added must be placed, not left behind);
2. moves, with `git mv`, every mapped module or package still at its old place (a source
   that does not exist is skipped: the row may be for a module another branch adds),
   creating each new package with its docstring from NEW_PACKAGES;
3. rewrites every reference to a moved name in the repository's text files: imports,
   dotted strings (mock.patch targets, `python -m`, entry points, docs) and paths
   (`fedctl/keys/`, `fedctl/live.py`);
4. re-sorts imports and re-wraps lines of the Python files it changed (ruff).

A second run changes nothing. One case needs care: `fedctl.live` and `fedctl.drift` were
modules and are now packages (`live.py` became `live/read.py`), so after the move the bare
name is the package's, and it is rewritten only in the run that moves the module.

    python scripts/regroup.py           # move and rewrite, then say what changed
    python scripts/regroup.py --check   # exit 1 when a run would move or rewrite anything
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "fedctl"
THIS_FILE = Path(__file__).resolve()

# Old dotted name (below `fedctl.`) -> new. A row whose two sides are equal keeps an entry
# where it is; every top-level entry of fedctl/ needs a row (or a place in NOT_MODULES).
# A row may name a module inside a package that also moves: it moves first.
MOVES: dict[str, str] = {
    # What every step shares: values and types, no IO beyond safe_write, no feature.
    "errors": "core.errors",
    "escape": "core.escape",
    "fields": "core.fields",
    "state": "core.state",
    "presets": "core.presets",
    "patterns": "core.patterns",
    "jwk": "core.jwk",
    "safe_write": "core.safe_write",
    "resolved": "core.resolved",  # a module on main, a package on the resolved-model branch
    # Reads a Config, so it cannot be core; it moves out before its package does.
    "resolved.from_config": "config.resolved",
    "address": "core.address",  # added by the values-not-strings branch
    "pairing": "core.pairing",  # added by the values-not-strings branch
    "sandbox": "core.sandbox",
    "template_process": "core.template_process",
    # The child's entry point imports config and render, so it sits above both.
    "template_child": "cli.template_child",
    # The data flow: config -> desired -> live -> plan -> apply -> render.
    "config": "config",
    "scaffold": "config.scaffold",
    "starters": "config.starters",
    "desired": "desired",
    "api": "api",
    "live": "live.read",
    "live_view": "live.view",
    "live_reads": "live.requests",  # added by the start-up branch: the read's list requests
    "unmanageable": "live.unmanageable",  # reads the API's wire models, so not core
    "snapshot": "live.snapshot",
    "doctor": "live.doctor",
    "pipeline": "pipeline",
    "plan": "plan",
    "apply": "apply",
    "render": "render",
    # Features.
    "access": "access",
    "proof": "access.proof",
    "explain": "access.explain",
    "lint": "lint",
    "guards": "guards",
    "policy": "guards.policy",
    "accesstest": "guards.accesstest",
    "gitops": "guards.gitops",
    "keys": "api_keys",
    "export": "export",
    "terraform_import": "export.terraform_import",
    "output": "output",
    "graph": "graph",
    "drift": "drift.report",
    "drift_access": "drift.access",
    "render.drift": "drift.render",
    "emulator": "emulator",
    "cli": "cli",
}

# Top-level entries that are not modules to place: the package's own files and its data.
NOT_MODULES = {"__init__.py", "__main__.py", "py.typed", "schemas"}

# The docstring of each package a move creates (the package file is written once, when the
# folder is made; a later edit of it is kept).
NEW_PACKAGES: dict[str, str] = {
    "core": (
        "What every step of fedctl shares: the state specs and field tables, the resolved\n"
        "read model, the error family, safe terminal text, safe file writes, identity\n"
        "provider presets, protect patterns, JWK helpers and the bounded template sandbox.\n"
        "Imports nothing of fedctl outside this package."
    ),
    "live": (
        "The live organization: read through the API into a LiveState (`read`, after the\n"
        "list requests it starts before any model is imported, `requests`), recorded in a\n"
        "snapshot file (`snapshot`), one resource shown (`view`), what fedctl cannot\n"
        "represent (`unmanageable`) and the read-only check of the API (`doctor`)."
    ),
    "drift": (
        "`fedctl drift`: live differences that did not come from fedctl (`report`), each\n"
        "classed as the access diff classes a plan (`access`), as text, Markdown or JSON\n"
        "(`render`)."
    ),
}

BECOMES_PACKAGE = frozenset(
    old for old in MOVES if any(new.startswith(old + ".") for new in MOVES.values())
)


class RegroupError(Exception):
    """Something the table does not cover; the run stops before changing anything."""


@dataclass(frozen=True)
class Move:
    old: str
    new: str
    source: Path
    target: Path


def _dotted_path(dotted: str) -> Path:
    return PACKAGE.joinpath(*dotted.split("."))


def _entry_name(path: Path) -> str:
    return path.stem if path.suffix == ".py" else path.name


def check_table() -> None:
    """Every top-level entry has a row, and no two rows move to one place."""
    new_top = {new.split(".")[0] for new in MOVES.values()}
    unmapped = sorted(
        path.name
        for path in PACKAGE.iterdir()
        if path.name not in NOT_MODULES
        and path.name != "__pycache__"
        and not path.name.startswith(".")
        and not _only_bytecode(path)
        and (path.suffix == ".py" or path.is_dir())
        and _entry_name(path) not in MOVES
        and _entry_name(path) not in new_top
    )
    if unmapped:
        raise RegroupError(
            "no row in scripts/regroup.py's MOVES for "
            + ", ".join(f"fedctl/{name}" for name in unmapped)
            + ": add one (old -> new) before running"
        )
    targets = [new for old, new in MOVES.items() if old != new]
    if len(set(targets)) != len(targets):
        raise RegroupError("two rows move to the same place")


def _source(old: str) -> Path | None:
    base = _dotted_path(old)
    module = base.with_name(base.name + ".py")
    if module.is_file():
        if old in BECOMES_PACKAGE:
            _refuse_shadowed_names(old, module)
        return module
    # A name that becomes a package is, as a folder, already the new package.
    if base.is_dir() and old not in BECOMES_PACKAGE and not _only_bytecode(base):
        return base
    return None


def _refuse_shadowed_names(old: str, module: Path) -> None:
    """`fedctl.live.X` is rewritten to `fedctl.live.read.X`: X must not be a new submodule."""
    submodules = {
        new.split(".")[len(old.split("."))] for new in MOVES.values() if new.startswith(old + ".")
    }
    names: set[str] = set()
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    if clash := sorted(names & submodules):
        raise RegroupError(f"fedctl/{module.name} defines {clash}, the names of new submodules")


def planned_moves() -> list[Move]:
    moves = []
    # A row inside a moved package moves first, from the package's old place.
    for old, new in sorted(MOVES.items(), key=lambda row: -row[0].count(".")):
        if old == new or (source := _source(old)) is None:
            continue
        target = _dotted_path(new)
        if source.suffix == ".py":
            target = target.with_name(target.name + ".py")
        if target.exists() and not _only_bytecode(target):
            raise RegroupError(
                f"both {source.relative_to(ROOT)} and {target.relative_to(ROOT)} exist"
            )
        moves.append(Move(old, new, source, target))
    return moves


def _only_bytecode(folder: Path) -> bool:
    """A folder left by an earlier run that was reset holds only __pycache__ (ignored by git,
    so a reset keeps it); `git mv` would move the package into it instead of onto it."""
    return folder.is_dir() and all(
        "__pycache__" in path.relative_to(folder).parts or path.is_dir()
        for path in folder.rglob("*")
    )


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def _make_package(folder: Path) -> None:
    if folder == PACKAGE or (folder / "__init__.py").exists():
        return
    _make_package(folder.parent)
    dotted = ".".join(folder.relative_to(PACKAGE).parts)
    if dotted not in NEW_PACKAGES:
        raise RegroupError(f"a move creates fedctl/{dotted}/: give it a docstring in NEW_PACKAGES")
    folder.mkdir(exist_ok=True)
    init = folder / "__init__.py"
    init.write_text(f'"""{NEW_PACKAGES[dotted]}"""\n', encoding="utf-8")
    _git("add", str(init))


def move(moves: Iterable[Move]) -> None:
    for planned in moves:
        if _only_bytecode(planned.target):
            shutil.rmtree(planned.target)
        _make_package(planned.target.parent)
        _git("mv", str(planned.source), str(planned.target))


def _rewriter(moved_now: set[str]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for dotted names and paths of every moved name, longest first."""
    renames = {
        old: new
        for old, new in MOVES.items()
        if old != new and (old not in BECOMES_PACKAGE or old in moved_now)
    }
    names = sorted(renames, key=len, reverse=True)
    dotted = "|".join(re.escape(name) for name in names)
    paths = "|".join(re.escape(name.replace(".", "/")) for name in names)
    pattern = re.compile(
        rf"(?<![\w.])fedctl\.(?P<dotted>{dotted})(?![\w])"
        rf"|(?<![\w.-])fedctl/(?P<path>{paths})(?P<py>\.py)?(?![\w-])"
    )
    return pattern, renames


def rewrite_text(text: str, pattern: re.Pattern[str], renames: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match["dotted"]:
            return "fedctl." + renames[match["dotted"]]
        old = match["path"].replace("/", ".")
        new_path = renames[old].replace(".", "/")
        if match["py"]:
            return f"fedctl/{new_path}.py"
        following = match.string[match.end() : match.end() + 1]
        # `fedctl/live` without `.py` names the new package; `fedctl/x.txt` is no module.
        if old in BECOMES_PACKAGE or following == ".":
            return match[0]
        return f"fedctl/{new_path}"

    return pattern.sub(replace, text)


def _text_files() -> list[Path]:
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard")
    files = []
    for name in sorted(set(filter(None, listed.split("\0")))):
        path = ROOT / name
        if path.is_file() and path.resolve() != THIS_FILE:
            files.append(path)
    return files


def rewrite(moved_now: set[str], *, write: bool) -> list[Path]:
    pattern, renames = _rewriter(moved_now)
    changed = []
    for path in _text_files():
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        new_text = rewrite_text(text, pattern, renames)
        if new_text != text:
            changed.append(path)
            if write:
                path.write_bytes(new_text.encode("utf-8"))
    return changed


def tidy(paths: list[Path]) -> None:
    """Imports sort by module name, and longer names can push a line past the limit.

    Re-sorting can move a `# noqa: F401` (a deliberate early import) off the line ruff
    flags, so unused noqa comments go and the flagged import gets one.
    """
    python = [str(path) for path in paths if path.suffix == ".py"]
    if not python:
        return
    ruff = [sys.executable, "-m", "ruff"]
    steps = [
        ["check", "--select", "I", "--fix", *python],
        ["check", "--fix", "--unfixable", "F401", *python],
        ["check", "--select", "F401", "--add-noqa", *python],
        ["format", *python],
    ]
    for step in steps:
        subprocess.run([*ruff, *step, "--quiet"], cwd=ROOT, check=False, capture_output=True)
    left = subprocess.run([*ruff, "check", "--quiet", *python], cwd=ROOT, check=False)
    if left.returncode:
        print("regroup: ruff reports the problems above; fix them by hand", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if a run would"
    )
    args = parser.parse_args(argv)
    try:
        check_table()
        moves = planned_moves()
    except RegroupError as error:
        print(f"regroup: {error}", file=sys.stderr)
        return 2
    if args.check:
        stale = rewrite(set(), write=False)
        for planned in moves:
            source, target = planned.source.relative_to(ROOT), planned.target.relative_to(ROOT)
            print(f"would move {source} -> {target}")
        for path in stale:
            print(f"would rewrite {path.relative_to(ROOT)}")
        return 1 if moves or stale else 0
    move(moves)
    changed = rewrite({planned.old for planned in moves}, write=True)
    tidy(changed)
    print(f"regroup: moved {len(moves)}, rewrote {len(changed)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
