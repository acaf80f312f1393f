"""`tracker git setup`: the plan's `.gitattributes` line and the repository's `merge.tracker` config, and whether the
program that config names is there to run."""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from pathlib import Path

from tracker.git.planhistory import plan_in
from tracker.git.repo import GitRepo, GitUnavailable
from tracker.plan import Problem
from tracker.support.atomicfile import write_atomic
from tracker.support.signals import interrupt_held

NAME = "tracker: merge the plan by its structure"
# git 2.44+ puts the sides' names there (quoted); older git passes them as they are, and the driver
# names the sides itself (git/mergelabels.py).
LABELS = "--ours-label %X --theirs-label %Y"
ARGUMENTS = f"merge-file %O %A %B --path %P --marker-size %L {LABELS}"
# Git runs the driver with `sh -c`.  The tracker that ran the setup is named by its absolute path (no
# virtual environment to activate), and when that install has moved or gone the `tracker` on PATH runs
# instead: without either, git leaves the plan unmerged (git/unmerged.py says so).
FALLBACK = "tracker"


def driver_command(command: str) -> str:
    """The driver line git runs for `command` (this tracker: a script, or an interpreter with `-m tracker`)."""
    return f'set -- {command}; [ -x "$1" ] || set -- {FALLBACK}; "$@" {ARGUMENTS}'


def driver_program(driver: str) -> tuple[str, bool] | None:
    """The program a `merge.tracker.driver` line runs first, and whether it falls back to the `tracker` on
    PATH (a line driver_command wrote); None when it names no program tracker can check."""
    try:
        words = shlex.split(driver)
    except ValueError:
        return None
    if words[:2] == ["set", "--"] and len(words) > 2:
        return words[2].rstrip(";"), True
    return (words[0], False) if words else None


def missing_program(found: tuple[str, bool] | None) -> tuple[str, bool] | None:
    """`found`, driver_program's answer for a driver line, when the absolute program it names is not there to
    run (moved or removed); None when it is there, or looked up on PATH."""
    if found is None or not os.path.isabs(found[0]):
        return None  # a command looked up on PATH, or not tracker's: git's to find
    return None if os.access(found[0], os.X_OK) else found


def driver_problem(plan: Path) -> tuple[Problem | None, list[str]]:
    """A warning when the merge driver this clone's config names runs a program that is not there; and the
    files that answer depends on (the config file, the program), for a recorded answer to be checked against."""
    try:
        repo = GitRepo.open(Path(os.path.realpath(plan)))
        said = repo.run("config", "--show-origin", "--get", "merge.tracker.driver", check=False)
    except (GitUnavailable, OSError):
        return None, []
    origin, tab, driver = said.decode("utf-8", "replace").rstrip("\n").partition("\t")
    program = driver_program(driver) if tab and origin.startswith("file:") else None
    if program is None:
        return None, []  # not set up here (a pull merges the plan line by line), or set up by hand
    config = os.path.join(repo.root, origin[5:])  # git names it from the work tree's top
    watched = [config] + ([program[0]] if os.path.isabs(program[0]) else [])
    missing = missing_program(program)
    if missing is None:
        return None, watched
    then = (
        "a pull runs the 'tracker' on PATH instead, if there is one"
        if missing[1]
        else "a pull that changes the plan on both sides leaves it unmerged"
    )
    return (
        Problem(
            config,
            None,
            None,
            f"merge.tracker.driver runs {missing[0]}, which is not there (moved or removed): {then}; "
            "run 'tracker git setup' again to name this tracker",
            "warning",
        ),
        watched,
    )


def attribute_line(repo: GitRepo, plan: Path) -> str:
    """`/path/of/the/plan merge=tracker`, anchored at the top of the work tree, naming that file alone."""
    # The line's path is a pattern: `*`, `?` and `[` in a file name would match other files, or (`[draft]`:
    # one of five letters) not the plan itself, so they and the escape itself are escaped.
    pattern = "".join("\\" + c if c in "*?[\\" else c for c in plan_in(repo, plan))
    if any(c.isspace() or c in '"\\' for c in pattern):
        quoted = pattern.replace("\\", "\\\\").replace('"', '\\"')
        return f'"/{quoted}" merge=tracker'
    return f"/{pattern} merge=tracker"


def set_up_merge(plan: Path, command: str, changed: Callable[[str], None]) -> None:
    """Write what git needs to merge `plan` with `command` (tracker's own); `changed` is told each change in the
    step that makes it (Ctrl+C held), so that an interrupted command has said what it changed (cli/launch.py)."""
    repo = GitRepo.open(plan)
    line = attribute_line(repo, plan)
    attributes = repo.root / ".gitattributes"
    text = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    if line not in text.splitlines():
        data = (text + ("" if not text or text.endswith("\n") else "\n") + line + "\n").encode()
        _write(attributes, data, lambda: changed(f"added to {attributes}: {line}"))
    wanted = {
        "merge.tracker.name": NAME,
        "merge.tracker.driver": driver_command(command),
    }
    for key, value in wanted.items():
        now = repo.run("config", "--local", "--get", key, check=False).decode("utf-8", "replace").rstrip("\n")
        if now != value:
            with interrupt_held():
                repo.run("config", "--local", key, value)
                changed(f"set git config {key} = {value}")


def undo_merge(plan: Path, changed: Callable[[str], None]) -> None:
    """Remove what set_up_merge wrote; `changed` told each change as set_up_merge's."""
    repo = GitRepo.open(plan)
    line = attribute_line(repo, plan)
    attributes = repo.root / ".gitattributes"
    if attributes.exists():
        lines = attributes.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [each for each in lines if each.rstrip("\r\n") != line]
        if len(kept) != len(lines):
            _write(attributes, "".join(kept).encode(), lambda: changed(f"removed from {attributes}: {line}"))
    if repo.run("config", "--local", "--get-regexp", r"^merge\.tracker\.", check=False):
        with interrupt_held():
            repo.run("config", "--local", "--remove-section", "merge.tracker")
            changed("removed git config section merge.tracker")


def _write(attributes: Path, data: bytes, placed: Callable[[], None]) -> None:
    """write_atomic, its OSError naming the file (a full disk's ENOSPC names none) for the user's message."""
    try:
        write_atomic(attributes, data, placed)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(attributes)) from None
