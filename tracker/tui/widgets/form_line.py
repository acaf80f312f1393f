"""A one-line field (of a form, the filter line) that a paste can neither end nor cut short.

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
40 ms), so an Enter read within BURST of the key before it is a line break of a
paste, and becomes a space like the line breaks of a bracketed one.
"""

from __future__ import annotations

import math

from textual import events
from textual.widgets import Input

from tracker.support.textsafe import one_line

# Seconds.  The keys of one paste in tmux came 12-300 µs apart; a person's come at least ~30 ms
# apart, so an Enter typed by hand is not taken for a line break even on a busy machine.
BURST = 0.01


class FormLine(Input):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last_key = -math.inf  # when the key before was read (the event's time, monotonic)

    async def _on_key(self, event: events.Key) -> None:
        previous, self._last_key = self._last_key, event.time
        if event.key == "enter" and event.time - previous < BURST:
            event.stop()  # not on to the Enter binding, that would submit the form
            event.prevent_default()  # nor to Input's own handler
            self._put(" ")

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()  # Input's own handler keeps the first line only
        self._put(one_line(event.text))

    def _put(self, text: str) -> None:
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)
