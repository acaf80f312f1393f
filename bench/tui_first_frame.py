"""Start the dashboard headless on a plan and stop as soon as its first frame is laid out.

    python bench/tui_first_frame.py PLAN

What `tracker` does before the user sees anything (load the plan, import
Textual, build the app through make_app, compose and lay out the first
screen), minus writing the escape codes to a terminal.  bench/run.py times
this as a whole process.
"""

from __future__ import annotations

import sys

from tracker.loader import load
from tracker.tui.app import make_app


async def stop_at_first_frame(pilot) -> None:
    await pilot.pause()  # every pending message handled: the screen is composed and laid out
    pilot.app.exit(0)


def main() -> int:
    app = make_app(load(sys.argv[1]))
    result = app.run(headless=True, size=(120, 40), auto_pilot=stop_at_first_frame)
    return 0 if result is None else result


if __name__ == "__main__":
    sys.exit(main())
