"""The `tracker` program: pyproject's console script and `python -m tracker` both start at `main`.

This module imports nothing of its own, so a Ctrl+C is caught from the first
line of tracker that runs: one arriving while the rest of the program is
imported ends it with a line and status 130 (as a shell reports SIGINT), never
a traceback.  Before this line runs, Python is still starting (its `site`
module, a virtualenv's `.pth` files), and what a Ctrl+C does then is Python's.
"""

import os


def main() -> None:
    try:
        from tracker.cli import main as launch

        launch()  # ends the process itself, a later Ctrl+C said by cli/launch.py
    except KeyboardInterrupt:
        os.write(2, b"tracker: interrupted while starting; nothing was written\n")
        os._exit(130)  # signals.INTERRUPTED, not imported: it loads threading and ctypes


if __name__ == "__main__":
    main()
