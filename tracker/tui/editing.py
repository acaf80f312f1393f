"""Handing the terminal to the user's editor, and taking it back.

The app suspends (the editor gets the real terminal, as if tracker were not
running) and resumes when the editor exits.  A headless app (tests, `textual
run --headless`) has no terminal to hand over, so the editor just runs.  In a
browser (`tracker serve`) there is no terminal to hand over either, and no
editor of the user's on the server: the dashboard does not offer o and e there,
and their keys say which file to edit in the user's own editor (the dashboard
shows what is saved in it).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from textual.app import App, SuspendNotSupported
from textual.message import Message
from textual.screen import Screen

from tracker.plan import is_glob, named_file, unsafe_reason
from tracker.support.textsafe import one_line
from tracker.tui.editor import NoEditor, editor_command, editor_setting
from tracker.tui.refs import Item
from tracker.tui.textfit import as_read


class Editing:
    """The `o` and `e` keys: the item's file, or the plan at the item's line, in the editor.

    When the editor has exited, `Editing.Returned` is posted: what it saved shows at once.
    """

    @dataclass
    class Returned(Message):
        pass

    def __init__(self, screen: Screen, plan_file: Path):
        self.screen = screen
        self.plan_file = plan_file

    def open(self, item: Item | None, repo_setting: str | None) -> None:
        """The selected item's file; for an item without one, the plan at its line."""
        path = item.path if item is not None else None
        if path is None:
            self.edit_plan(item)
            return
        reason = unsafe_reason(path) or ("is a pattern, not one file" if is_glob(path) else None)
        target = None
        if not reason:
            from tracker.git import escape_reason, work_tree  # here: the first frame does without git

            root = work_tree(self.plan_file, repo_setting)
            target = root / named_file(path, lambda name: (root / name).exists())
            reason = escape_reason(root, path)
        if reason or target is None:
            self.screen.notify(f"{one_line(path)} {reason}.", title="Not opened", severity="error", markup=False)
            return
        self.run(target)

    def edit_plan(self, item: Item | None) -> None:
        self.run(self.plan_file, item.line if item is not None else None)

    def run(self, path: Path, line: int | None = None) -> None:
        if not can_hand_over(self.screen.app):
            self.screen.notify(elsewhere(path, line), title="Not opened", severity="warning", markup=False)
            return
        open_in_editor(self.screen.app, path, line)
        self.screen.post_message(self.Returned())


def can_hand_over(app: App) -> bool:
    """Whether the app can hand the terminal to an editor: not in a browser."""
    return not app.is_web


def elsewhere(path: Path, line: int | None) -> str:
    """Where no editor can be handed the terminal: what to do instead."""
    at = f" (line {line})" if line is not None else ""
    return (
        f"This dashboard cannot hand its terminal to an editor: edit {one_line(as_read(path))}{at} in your own "
        "editor; the dashboard shows the change."
    )


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
        app.notify(elsewhere(path, line), severity="error", markup=False)
    except OSError as exc:
        app.notify(
            f"Cannot run {one_line(command[0])}: {exc.strerror}; set $EDITOR.",
            title="No editor",
            severity="error",
            markup=False,
        )
