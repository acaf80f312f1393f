"""The form `tracker session end` is on the command line: a headline, how long it took, something done
that is no issue's status, and something learned.  Every field is optional.

Enter ends the session from any field, Tab moves between them, Escape cancels.
A form that cannot be taken as it is (a body with no insight to belong to) says
so and stays open with everything typed.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tracker.support.textsafe import one_line
from tracker.tui.sessions import Ending

# (id, label, placeholder): the options of `tracker session end`, in their order.
FIELDS = (
    ("headline", "Headline", "the session in one line"),
    ("duration", "Duration", "as you want it shown: 2.5 hours, 1h30m …"),
    ("accomplished", "Accomplished", "work that is no issue's status"),
    ("detail", "  its detail", "a detail of it"),
    ("insight", "Insight", "something learned"),
    ("body", "  its text", "what it says (markdown)"),
)


class SessionEndScreen(ModalScreen[Ending | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, name: str, started: str | None, focus: str | None, draft: Ending):
        super().__init__()
        self.session = name
        self.started = started
        self.focus_text = focus
        self.draft = draft

    def compose(self) -> ComposeResult:
        about = f"End session {self.session}" + (f" (started {self.started})" if self.started else "")
        about += f": {self.focus_text}" if self.focus_text else ""
        with Vertical(id="session-end"):
            yield Static(Content(one_line(about)), id="session-end-title")
            yield Static(
                Content(
                    "at the current git HEAD. Every field is optional. Tab: next field · Enter: end it · Escape: cancel"
                ),
                classes="session-end-hint",
            )
            values = self._values(self.draft)
            for key, label, placeholder in FIELDS:
                yield Static(Content(label), classes="session-end-label")
                yield Input(values.get(key, ""), placeholder=placeholder, id=f"end-{key}", compact=True)
            yield Static("", id="session-end-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#session-end-error").display = False
        self.query_one("#end-headline", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = {key: self.query_one(f"#end-{key}", Input).value.strip() for key, _, _ in FIELDS}
        problem = None
        if text["detail"] and not text["accomplished"]:
            problem = "A detail belongs to something accomplished: fill in Accomplished too, or clear the detail."
        elif text["body"] and not text["insight"]:
            problem = "A text belongs to an insight: fill in Insight too, or clear the text."
        if problem is not None:
            error = self.query_one("#session-end-error", Static)
            error.update(problem)
            error.display = True
            return
        self.dismiss(
            Ending(
                headline=one_line(text["headline"]) or None,
                duration=one_line(text["duration"]) or None,
                accomplished=((one_line(text["accomplished"]), (text["detail"],) if text["detail"] else ()),)
                if text["accomplished"]
                else (),
                insights=((one_line(text["insight"]), text["body"] or None),) if text["insight"] else (),
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

    @staticmethod
    def _values(draft: Ending) -> dict[str, str]:
        values = {"headline": draft.headline or "", "duration": draft.duration or ""}
        if draft.accomplished:
            title, details = draft.accomplished[0]
            values |= {"accomplished": title, "detail": details[0] if details else ""}
        if draft.insights:
            title, body = draft.insights[0]
            values |= {"insight": title, "body": body or ""}
        return values
