"""Start the dashboard headless on a plan and stop as soon as its first frame is drawn.

    python bench/tui_first_frame.py PLAN [MAX_BYTES]

What `tracker` does before the user sees anything (load the plan, import
Textual, build the app, compose, lay out and draw the first screen), minus
writing the escape codes to a terminal.  bench/run.py times this as a whole
process, which ends at that frame.
"""

from __future__ import annotations

import gc

gc.disable()  # as tracker.cli.launch.main does first: the dashboard turns it on after its first frame

import os  # noqa: E402 (the imports below are part of what is timed, with the GC off)
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from tracker.plan.loader import ReadAhead, load  # noqa: E402

# As `tracker` does (cli/commands.py): the plan read and hashed, and its parse cache entry read, in a thread
# while the dashboard is imported.
AHEAD = ReadAhead(Path(sys.argv[1]), *(int(n) for n in sys.argv[2:3]), whole=True)

import tracker.tui.app  # noqa: E402
from tracker.tui.app import TrackerApp  # noqa: E402
from tracker.tui.outlines import first_look, keep_now  # noqa: E402
from tracker.tui.settings import Settings  # noqa: E402


class FirstFrame(TrackerApp):
    CSS_PATH = str(Path(tracker.tui.app.__file__).with_name("app.tcss"))  # relative to the class's own file

    def on_ready(self) -> None:
        # Textual sends Ready once the first screen has been laid out and drawn.  The process
        # ends here: what a user waits for is that frame, not the git worker the dashboard
        # starts after it (a pilot's pause() would wait for that thread to go idle too).  A plan drawn from its
        # model has its outline kept after this frame, in a worker (tui/outlines.py); here at once, so that the
        # next run (bench/run.py runs each once before it times it) draws its first frame from it, as a user's
        # second start does.
        shown = self.dashboard.shown
        if shown is not None and shown.ok and shown.project is not None:
            keep_now(shown)
        os._exit(0)


def main() -> int:
    first = first_look(AHEAD)  # as `tracker` does: a big plan whose outline is kept is drawn from it
    if first is not None:
        app = FirstFrame(first[0], Settings(), first[1], AHEAD)
    else:
        loaded = load(sys.argv[1], *(int(n) for n in sys.argv[2:3]), ahead=AHEAD)  # a limit raised, as --max-bytes
        gc.freeze()  # as tracker.cli.context.load_plan does before it starts the dashboard (the GC is off: see above)
        app = FirstFrame(loaded, Settings())
    app.run(headless=True, size=(120, 40))
    return 1  # only reached if the app stopped before its first frame


if __name__ == "__main__":
    sys.exit(main())
