"""The trusted sources of guards: a snapshot's record, a git revision, a checkout folder.

`--guards-from REF|DIR`: a folder that exists is a checkout of main, holding the
configuration folder itself (e.g. `../main/federation`); it is refused when it sits in
the same git work tree as PATH (a pull request could add a folder named `origin/main`).
Anything else is a git revision of PATH's repository, read through git only
(fedctl.guards.git). What is read goes through the same loaders as the configuration.

    source = guards_from("origin/main", Path("federation"))
    enforce_guards(config, [source])
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from fedctl.config.validated import Config
from fedctl.core.errors import Diagnostic, UsageError
from fedctl.core.safe_write import PRIVATE, write_file
from fedctl.guards.effective import GuardSource, guard_values
from fedctl.guards.git import GitTree, repository_path
from fedctl.guards.texts import PolicyText, read_bounded, read_cases, view_of


def guards_from(
    value: str,
    config_path: Path,
    *,
    variables: Sequence[str] = (),
    var_files: Sequence[str] = (),
    tests: Sequence[Path] = (),
) -> GuardSource:
    folder = Path(value)
    if folder.is_dir():
        return _from_checkout(folder, config_path, variables, var_files)
    return _from_revision(value, config_path, variables, var_files, tests)


def _from_checkout(
    folder: Path, config_path: Path, variables: Sequence[str], var_files: Sequence[str]
) -> GuardSource:
    from fedctl.config.load import load_config

    ours, theirs = _work_tree(config_path), _work_tree(folder)
    reviewed = (config_path if config_path.is_dir() else config_path.parent).resolve()
    if (ours is not None and ours == theirs) or folder.resolve().is_relative_to(reviewed):
        raise UsageError(
            f"--guards-from {folder}: this folder is in the same git work tree as {config_path}, "
            "so the change under review could have written it; give a separate checkout of "
            "main, or a revision (e.g. origin/main)"
        )
    config = load_config(folder, variables=variables, var_files=var_files)
    return GuardSource(str(folder), guard_values(view_of(config, origin=str(folder))))


def _from_revision(
    ref: str,
    config_path: Path,
    variables: Sequence[str],
    var_files: Sequence[str],
    tests: Sequence[Path],
) -> GuardSource:
    from fedctl.guards.texts import ConfigView

    tree = GitTree.at(ref, config_path)
    label = f"{ref} ({tree.commit[:12]})"
    try:
        config = _load_at(tree, label, variables, var_files)
        folder_inside = tree.inside if config_path.is_dir() else tree.inside.parent
        policies = tuple(
            PolicyText(name, _policy_text(tree, folder_inside, name), label)
            for name in config.settings.policy_files
        )
        cases = read_cases(tree.folder, _tests_at(tree, tests), label)
        return GuardSource(label, guard_values(ConfigView(config, policies, cases, label)))
    finally:
        tree.remove()


def _load_at(
    tree: GitTree, label: str, variables: Sequence[str], var_files: Sequence[str]
) -> Config:
    """The configuration of the revision; its problems located as `REF:PATH:LINE:COL`."""
    import dataclasses

    from fedctl.config.load import load_config
    from fedctl.core.errors import ValidationFailed

    try:
        return load_config(tree.folder, variables=variables, var_files=var_files)
    except ValidationFailed as exc:
        prefix = str(tree.copy_root) + "/"

        def at_revision(diagnostic: Diagnostic) -> Diagnostic:
            where = diagnostic.location
            if where is None or not where.file.startswith(prefix):
                return diagnostic
            file = f"{tree.ref}:{where.file.removeprefix(prefix)}"
            return dataclasses.replace(diagnostic, location=dataclasses.replace(where, file=file))

        raise ValidationFailed([at_revision(d) for d in exc.diagnostics]) from exc


def _policy_text(tree: GitTree, folder_inside: PurePosixPath, name: str) -> str | None:
    inside = repository_path(tree, folder_inside, name)
    if inside is None:
        # Outside the repository: no pull request can edit it; read it where it is.
        return read_bounded(Path(name))
    return tree.read(inside)


def _tests_at(tree: GitTree, tests: Sequence[Path]) -> tuple[Path, ...]:
    """The --tests files inside the repository, as they are at the revision (copied)."""
    found = []
    for test in tests:
        try:
            inside = PurePosixPath(test.resolve().relative_to(tree.toplevel.resolve()).as_posix())
        except ValueError:
            continue
        text = tree.read(inside)
        if text is None:
            continue
        copy = tree.copy_root / ".tests" / inside
        copy.parent.mkdir(parents=True, exist_ok=True)
        write_file(copy, text, mode=PRIVATE)
        found.append(copy)
    return tuple(found)


def _work_tree(path: Path) -> Path | None:
    start = path if path.is_dir() else path.parent
    try:
        result = subprocess.run(
            ["git", "-C", str(start), "rev-parse", "--show-toplevel"],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return Path(result.stdout.decode("utf-8", errors="replace").strip()).resolve()
