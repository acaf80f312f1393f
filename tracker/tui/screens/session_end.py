"""The form `tracker session end` is on the command line: a headline, how long it took, something done
that is no issue's status, and something learned.  Every field is optional.

With several sessions open (a pull brought in a colleague's), the form starts
with which one ends (`--session DATE#N`): a Select, opened with Enter or the
arrows, its choice taken with Enter.
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
from textual.widgets import Select, Static, TextArea

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

    def __init__(
        self,
        choices: tuple[tuple[str, str | None, str | None], ...],
        chosen: str,
        draft: Ending,
        unsaved: str | None = None,
    ):
        """`choices`: the open sessions, each (its name, started, focus), of which `chosen` (a name) is offered
        first; with one, there is nothing to choose."""
        super().__init__()
        self.unsaved = unsaved  # what ending now leaves out of the note (the plan's changes not committed)
        self.choices = choices
        self.chosen = chosen
        self.draft = draft

    def compose(self) -> ComposeResult:
        with Vertical(id="session-end"):
            if len(self.choices) == 1:
                yield Static(Content(f"End session {_about(*self.choices[0])}"), id="session-end-title")
            else:
                yield Static(
                    Content(f"End one of the {len(self.choices)} open sessions:"),
                    id="session-end-title",
                )
                yield Select(
                    [(Content(_about(*choice)), choice[0]) for choice in self.choices],
                    value=self.chosen,
                    allow_blank=False,
                    compact=True,
                    id="end-session",
                )
            choose = "; on the session: choose it" if len(self.choices) > 1 else ""
            yield Static(
                Content(
                    "at the current git HEAD. Every field is optional. Tab: next field · Enter: end it"
                    f" (in the text: a new line{choose}) · Escape: cancel"
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
        # Which session ends is the first thing to settle when there is a choice; Tab then leads to the headline.
        self.query_one("#end-session" if len(self.choices) > 1 else "#end-headline").focus()

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
        chosen = self.query("#end-session").first(Select).value if len(self.choices) > 1 else self.chosen
        self.dismiss(
            Ending(
                session=str(chosen),
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


def _about(name: str, started: str | None, focus: str | None) -> str:
    """A session as the form names it: 2026-12-05#2 (started 09:20): its focus."""
    return one_line(name + (f" (started {started})" if started else "") + (f": {focus}" if focus else ""))
