"""Ask yes or no before a change people rarely mean: finishing an issue whose steps are still open, replacing a
file an export or a note would write over."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tracker.support.textsafe import one_line

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from tracker.support.atomicfile import Kept


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True on `y`, False on `n` or Escape."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str):
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(Content(self.question))  # Content: the question quotes the plan, never markup
            yield Static(Content("y: yes   n / Escape: no"), id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def ask_to_replace(
    screen: Screen,
    path: Path,
    kept: Kept,
    what: str,
    replace: Callable[[bytes], None],
    said: Callable[[str], None] | None = None,
) -> None:
    """The question the CLI's --force answers, for a file there that an output would replace (atomicfile.Kept,
    `kept.asked`): yes calls `replace` with the digest of the file as it was when asked, the only content it may
    then replace; no keeps it, and says so (to `said`, a form that stays open for another file; else in a
    notification).  `what`: the output, as in "Replace it with this session's note?"."""

    def answered(yes: bool | None) -> None:
        if yes:
            replace(kept.seen)
        elif said is not None:
            said(f"Kept {one_line(str(path))}: nothing was written; choose another file, or Escape to cancel.")
        else:
            screen.notify(f"Kept {one_line(str(path))}", title="Not exported", markup=False)

    where = one_line(str(path)) + (f":{kept.at[0]}:{kept.at[1]}" if kept.at else "")
    screen.app.push_screen(ConfirmScreen(f"{where}: {kept.why}. Replace it with {what}?"), answered)
