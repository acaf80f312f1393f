"""The dashboard app: one screen of plan, a few modal screens, keys in the footer.

`make_app` is the one way to build it, for `tracker` and for tests alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from functools import partial

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding

from tracker.plan import Loaded, Outlined, ReadAhead
from tracker.support.figures import counted
from tracker.support.memory import collect_again
from tracker.support.signals import INTERRUPTED
from tracker.tui.screens.dashboard import DashboardScreen
from tracker.tui.settings import Settings
from tracker.tui.toasts import HeldToasts, Toast


def _say(line: str) -> None:
    """A line in the terminal once the dashboard has given it back."""
    if sys.stderr is not None:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def issue_commands():
    """The palette's issue finder, imported when the palette first opens (Textual takes a callable)."""
    from tracker.tui.commands import IssueCommands

    return IssueCommands


class TrackerApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "tracker"
    COMMANDS = App.COMMANDS | {issue_commands}
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Quit tracker"),
        Binding("question_mark,f1", "help", "Help", tooltip="This list of keys"),
    ]

    def __init__(
        self, loaded: Loaded, settings: Settings, outline: Outlined | None = None, ahead: ReadAhead | None = None
    ):
        """`outline`, `ahead`: the first frame drawn from the plan's outline, its model read after (tui/outlines.py)."""
        super().__init__()
        self.loaded = loaded
        self.settings = settings
        self.outline, self.ahead = outline, ahead
        self.toasts = HeldToasts(self)
        self.quitting: int | None = None  # the exit status asked for while writes were still to end
        # Keys and clicks held while the screen shows an outline (None: none is held), and those posted again.
        self.held: list[events.Event] | None = [] if outline is not None else None
        self.again: list[events.Event] = []

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, HELD) and not event.is_forwarded and self.holds(event):
            return
        await super().on_event(event)

    def holds(self, event: events.Event) -> bool:
        """Whether `event` waits: a key or a click while the plan is an outline (or one behind those held), which
        would act on a plan not there yet.  Those held are posted again in order once it is (release_held)."""
        for n, posted in enumerate(self.again):
            if posted is event:  # its turn: on it goes, then those held behind it
                del self.again[n]
                if not self.again:
                    self.release_held()
                return False
        if self.held is None:
            return False
        self.held.append(event)
        return True

    def release_held(self) -> None:
        """The plan is on screen: the events held are posted again, in order.  Until they are back, the keys
        typed meanwhile (already queued behind them, or after) are held too, then posted again after them."""
        if self.held is None or self.again:
            return
        held, self.held = self.held, ([] if self.held else None)
        self.again = held
        for event in held:
            self.post_message(event)

    def notify(self, message, *, title="", severity="information", timeout=None, markup=True) -> None:
        if not self.toasts.holds(Toast(message, title, severity, timeout, markup)):
            super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def push_screen(self, screen, callback=None, wait_for_dismiss=False, *, mode=None):
        from textual.screen import ModalScreen

        if isinstance(screen, ModalScreen):
            self.toasts.modal_opened()
        return super().push_screen(screen, callback, wait_for_dismiss, mode=mode)

    def show_held_toasts(self) -> None:
        """The toasts that waited for a modal screen to close (the dashboard calls this when it is back)."""
        for toast in self.toasts.release():
            super().notify(
                toast.message, title=toast.title, severity=toast.severity, timeout=toast.timeout, markup=toast.markup
            )

    def get_default_screen(self) -> DashboardScreen:
        self.dashboard = DashboardScreen(self.loaded, self.settings, self.outline, self.ahead)
        self.ahead = None  # the screen has it now (its bytes go once the model is read)
        return self.dashboard

    def on_ready(self) -> None:
        # Textual is Ready once the first frame is drawn.  `tracker` draws it with the cyclic
        # GC off (launch.main); what it built lives as long as the app, so it is frozen out of
        # the collector's sight and the collector goes back to work.
        collect_again()
        # Reading git (and a model the first frame was drawn without) starts only now: started earlier, its
        # thread (the git reader's imports first) slowed the first frame down.
        self.dashboard.after_first_frame()

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        if isinstance(screen, DashboardScreen):
            for title, help, action, parameters in PALETTE:
                # what the screen turns off is not offered (a read-only dashboard writes nothing)
                if screen.check_action(action, parameters):
                    yield SystemCommand(title, help, partial(getattr(screen, f"action_{action}"), *parameters))

    async def run_async(self, **kwargs) -> int | None:
        """Textual's run, then the writes still under way ended in sight: quit at once (q or Ctrl+C again while
        they were awaited), the screen is gone, and their thread held the process with nothing shown (the loop
        waits for it as it closes: 30 s for one change under load at 100,000 issues)."""
        code = await super().run_async(**kwargs)
        writes = self.dashboard.writes if hasattr(self, "dashboard") else None
        left = writes.under_way() if writes is not None else 0
        if writes is None or not left:
            return code
        ending = "ends" if left == 1 else "end"
        _say(f"tracker: quitting once {counted(left, 'write')} to {self.loaded.path.name} {ending}…")
        while writes.under_way():
            await asyncio.sleep(0.05)
        for reason in writes.unshown:  # the screen that would have said it is gone
            _say(reason)
        if not writes.unshown:
            _say("tracker: written")
        return code

    def on_load(self) -> None:
        # A SIGINT while the dashboard runs (kill -INT; Ctrl+C is a key in the terminal's raw mode) ends it as the
        # key does.  Not where the loop cannot take signals (Windows, a thread other than the main one).
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, self.action_help_quit)

    async def action_quit(self) -> None:
        self.quit_once_written(0)

    def action_help_quit(self) -> None:
        """Ctrl+C (Textual only says how to quit, when no text is selected to copy): the user quits, and the
        exit status says Ctrl+C stopped it, as a shell's for a program SIGINT stopped."""
        self.quit_once_written(INTERRUPTED)

    def quit_once_written(self, code: int) -> None:
        """Exit with `code` once the changes the keys put are written: `n n n q` typed in one burst reaches the
        app before the first write ends, and an exit then would drop changes the screen already showed.  Asked
        again while it waits (a second q or Ctrl+C), it exits at once."""
        dashboard = getattr(self, "dashboard", None)
        pending = dashboard.writes.pending if dashboard is not None else 0
        if not pending or self.quitting is not None:
            self.exit(return_code=code)
            return
        self.quitting = code  # the dashboard exits with it when the last write has ended (on_write_queue_ended)
        self.notify(
            f"Quitting once {counted(pending, 'write')} {'ends' if pending == 1 else 'end'}; press again to quit now.",
            title="Writing",
        )

    def action_help(self) -> None:
        from tracker.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.key_sections()))

    def key_sections(self):
        """Every key bound where the user is (focused widget, screen, app), greyed-out ones too."""
        sections: dict[str, dict[str, list[str]]] = {}
        # The binding chain is private API; active_bindings would leave out keys
        # that check_action hides for the current item, and help must show them all.
        for node, bindings in self.screen._modal_binding_chain:
            owner = "Everywhere" if node is self else SECTION_TITLES.get(type(node).__name__, type(node).__name__)
            own = {b.action for b in getattr(type(node), "BINDINGS", []) if isinstance(b, Binding)}
            rows = sorted(bindings, key=lambda pair: pair[1].action not in own)  # its own keys before inherited
            for _, binding in rows:
                text = DESCRIPTIONS.get(binding.action, binding.tooltip or binding.description)
                if binding.system or not text:
                    continue
                keys = sections.setdefault(owner, {}).setdefault(text, [])
                display = self.get_key_display(binding)
                if display not in keys:
                    keys.append(display)
        order = sorted(sections, key=lambda owner: (owner != "Dashboard", owner == "Everywhere"))
        return [(owner, [(" ".join(keys), text) for text, keys in sections[owner].items()]) for owner in order]


# The dashboard's commands in the palette: (title, help, action of DashboardScreen, its parameters).
PALETTE = (
    (
        "Start a session",
        "Append a session dated today that starts at the current git HEAD, ending one still open if you say so "
        "(as tracker session start [--end-open])",
        "start_session",
        (),
    ),
    (
        "End the session",
        "End the open session at the current git HEAD, with a headline and an insight (as tracker session end)",
        "end_session",
        (),
    ),
    (
        "Write the session note",
        "The session note to a file, with the options of tracker summary -o FILE (as m, then w)",
        "write_note",
        (),
    ),
    (
        "Export HTML report",
        "One self-contained page for auditors, as tracker export html (in a browser: a download)",
        "export",
        ("html",),
    ),
    (
        "Export CSV",
        "One row per issue for spreadsheets, as tracker export csv (in a browser: a download)",
        "export",
        ("csv",),
    ),
)
SECTION_TITLES = {"DashboardScreen": "Dashboard", "PlanTree": "Plan tree", "FilterBar": "Filter"}
# Ctrl+C copies only with text selected (Textual's copy actions skip otherwise); then the app's binding quits with 130.
_COPY_OR_QUIT = "Copy the selected text; with none selected, ^c quits (exit status 130)"
DESCRIPTIONS = {
    "command_palette": "Jump to an issue, start a session, change theme (command palette)",
    "screen.copy_text": _COPY_OR_QUIT,
    "copy": _COPY_OR_QUIT,  # a text field's (Input, TextArea)
}


# What waits while the screen shows a plan's outline (TrackerApp.holds): what acts on the plan.
HELD = (events.Key, events.MouseDown, events.MouseUp, events.MouseScrollDown, events.MouseScrollUp, events.Paste)


def make_app(
    loaded: Loaded, settings: Settings | None = None, outline: Outlined | None = None, ahead: ReadAhead | None = None
) -> TrackerApp:
    return TrackerApp(loaded, settings or Settings(), outline, ahead)
