"""The form `tracker session end` is on the command line: a headline, how long it took, something done
that is no issue's status, and something learned.  Every field is optional.

Enter ends the session from any one-line field, Tab moves between them, Escape cancels.
The insight's text is markdown and may span lines: there Enter starts a new line.
A paste stays in the field it is made in: a one-line field joins its lines with
spaces and is not ended by them (widgets/form_line.py), the text keeps them.
A form that cannot be taken as it is (a body with no insight to belong to) says
so and stays open with everything typed.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from tracker.support.textsafe import one_line
from tracker.tui.sessions import Ending
from tracker.tui.widgets.form_line import FormLine

# (id, label, placeholder): the options of `tracker session end`, in their order; the last, BODY, spans lines.
FIELDS = (
    ("headline", "Headline", "the session in one line"),
    ("duration", "Duration", "as you want it shown: 2.5 hours, 1h30m …"),
    ("accomplished", "Accomplished", "work that is no issue's status"),
    ("detail", "  its detail", "a detail of it"),
    ("insight", "Insight", "something learned"),
    ("body", "  its text", "what it says (markdown; Enter: a new line)"),
)
BODY = "body"


class SessionEndScreen(ModalScreen[Ending | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, name: str, started: str | None, focus: str | None, draft: Ending, unsaved: str | None = None):
        super().__init__()
        self.unsaved = unsaved  # what ending now leaves out of the note (the plan's changes not committed)
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
                    "at the current git HEAD. Every field is optional. Tab: next field · Enter: end it"
                    " (in the text: a new line) · Escape: cancel"
                ),
                classes="session-end-hint",
            )
            if self.unsaved:
                yield Static(Content(self.unsaved), id="session-end-unsaved", classes="session-end-hint")
            values = self._values(self.draft)
            for key, label, placeholder in FIELDS:
                yield Static(Content(label), classes="session-end-label")
                if key == BODY:
                    yield TextArea(values.get(key, ""), placeholder=placeholder, id=f"end-{key}", compact=True)
                else:
                    yield FormLine(values.get(key, ""), placeholder=placeholder, id=f"end-{key}", compact=True)
            yield Static("", id="session-end-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#session-end-error").display = False
        self.query_one("#end-headline", FormLine).focus()

    def on_input_submitted(self, event: FormLine.Submitted) -> None:
        event.stop()
        text = {key: self.query_one(f"#end-{key}", FormLine).value.strip() for key, _, _ in FIELDS if key != BODY}
        text[BODY] = self.query_one(f"#end-{BODY}", TextArea).text.strip()
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
