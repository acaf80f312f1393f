"""A one-line field (of a form, the filter line) that a paste can neither end nor cut short, and that keys typed
quickly still drive: Enter submits, Tab moves on.

A paste reaches the dashboard in one of two ways.  A terminal with bracketed paste
marks where it begins and ends (one `Paste` event): Textual's `Input` keeps the
first line of it and drops the others, so here the line breaks become spaces and
everything pasted stays in the field it was pasted into.  Without it (tmux's
`paste-buffer` without -p, some terminals and consoles) the paste comes as keys,
each line break an Enter that would submit the form with the rest of the paste
still to come (in tmux the form then ended with every line run together in one
field, and the Enters after the first dismissed the form again: a crash).  The
keys of one paste are read from the terminal together, microseconds apart, where
a person's keys come tens of milliseconds apart (a test pilot's too, at least
40 ms).

Keys typed quickly are read together too, though: over SSH, on a busy machine, or
from `tmux send-keys "one1" Enter`, a title and the Enter after it come in one
read.  What tells a paste is what follows its line break: more of the paste,
within BURST.  So an Enter read within BURST of the key before waits (WAIT) to
see: a key within BURST after it makes it a line break of a paste, a space like
those of a bracketed one (and every later Enter of the same burst with it);
nothing makes it the Enter that was typed, and the field is submitted.  A paste
of one line and its line break is such an Enter too, as a shell takes it.

Tab is taken as soon as it is read, before the keys after it are handed on: left
to the screen's binding, it moved the focus only once this field had handled it,
and the keys typed after it in the same read ("Locks", Tab, "2h") had been handed
to this field already.
"""

from __future__ import annotations

import math

from textual import events
from textual.binding import Binding
from textual.widgets import Input

from tracker.support.textsafe import one_line

# Seconds.  The keys of one paste in tmux came 12-300 µs apart; a person's come at least ~30 ms
# apart, so an Enter typed by hand is not taken for a line break even on a busy machine.
BURST = 0.01
# Seconds an Enter read within a burst waits for the rest of it: the keys of one read are handed on
# microseconds apart, so what has not come by then was not part of it.
WAIT = 0.05


class FormLine(Input):
    BINDINGS = [
        # Priority: tried as the key is read, before it is handed to the focused field (see the docstring).
        Binding("tab", "app.focus_next", "Focus Next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Focus Previous", show=False, priority=True),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last_key = -math.inf  # when the key before was read (the event's time, monotonic)
        self._held: float | None = None  # when the Enter waiting to be told a line break or a typed one was read
        self._pasting = False  # this burst's keys are a paste: an Enter in it is a line break

    async def _on_key(self, event: events.Key) -> None:
        previous, self._last_key = self._last_key, event.time
        burst = event.time - previous < BURST
        if not burst:
            self._pasting = False
        if self._held is not None:
            self._held = None
            if burst:  # more keys right after the Enter: a paste's line break
                self._pasting = True
                self._put(" ")
            else:
                await self.action_submit()
        if event.key == "enter" and burst:
            event.stop()  # not on to the Enter binding, that would submit the form
            event.prevent_default()  # nor to Input's own handler
            if self._pasting:
                self._put(" ")
            else:
                self._held = event.time
                self.set_timer(WAIT, lambda: self._wait_for_the_rest(event.time))

    def _wait_for_the_rest(self, held: float) -> None:
        # Through the app's queue, then this field's: the keys the app had been handed by now reach this
        # field first, and one of them may be the rest of a paste.
        self.app.call_later(self.call_later, self._typed_enter, held)

    async def _typed_enter(self, held: float) -> None:
        if self._held == held:  # nothing came after it: an Enter typed
            self._held = None
            await self.action_submit()

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()  # Input's own handler keeps the first line only
        self._put(one_line(event.text))

    def _put(self, text: str) -> None:
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)
