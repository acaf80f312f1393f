"""Handing the terminal to the user's editor, and taking it back.

The app suspends (the editor gets the real terminal, as if tracker were not
running) and resumes when the editor exits.  A headless app (tests, `textual
run --headless`) has no terminal to hand over, so the editor just runs.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from textual.app import App, SuspendNotSupported

from tracker.git import GitRepo, GitUnavailable, repo_start
from tracker.support.textsafe import one_line
from tracker.tui.editor import NoEditor, editor_command, editor_setting


def work_tree(plan_file: Path, repo_setting: str | None) -> Path:
    """Where plan paths start: the git work tree of the plan, else the folder `repo:` names."""
    start = repo_start(plan_file, repo_setting)
    try:
        with GitRepo.open(start) as repo:  # one `git rev-parse`, quick enough for a key press
            return repo.root
    except GitUnavailable:
        return start


def open_in_editor(app: App, path: Path, line: int | None = None) -> None:
    """Run the editor on `path` (at `line`); what goes wrong is told in a notification."""
    try:
        command = editor_command(editor_setting(), path.resolve(), line)
    except NoEditor as exc:
        app.notify(str(exc), title="No editor", severity="error", markup=False)
        return
    try:
        if app.is_headless:
            subprocess.run(command, check=False)
        else:
            with app.suspend():
                subprocess.run(command, check=False)
    except SuspendNotSupported:
        app.notify("This terminal cannot be handed to an editor.", severity="error", markup=False)
    except OSError as exc:
        app.notify(
            f"Cannot run {one_line(command[0])}: {exc.strerror}; set $EDITOR.",
            title="No editor",
            severity="error",
            markup=False,
        )
