"""Start the dashboard headless on a plan and stop as soon as its first frame is laid out.

    python bench/tui_first_frame.py PLAN

What `tracker` does before the user sees anything (load the plan, import
Textual, build the app through make_app, compose and lay out the first
screen), minus writing the escape codes to a terminal.  bench/run.py times
this as a whole process, which ends at that frame.
"""

from __future__ import annotations

import os
import sys

from tracker.loader import load
from tracker.tui.app import make_app


async def stop_at_first_frame(pilot) -> None:
    await pilot.pause()  # every pending message handled: the screen is composed and laid out
    # The process ends here: what a user waits for is the frame, not the teardown (nor the
    # git worker the dashboard starts after its first frame, which would otherwise be joined).
    os._exit(0)


def main() -> int:
    make_app(load(sys.argv[1])).run(headless=True, size=(120, 40), auto_pilot=stop_at_first_frame)
    return 1  # only reached if the app stopped before its first frame


if __name__ == "__main__":
    sys.exit(main())
