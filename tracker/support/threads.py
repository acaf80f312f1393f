"""Work set going in a thread of its own, without waiting for that thread to begin.

`threading.Thread.start` returns only once the new thread runs: on a busy machine (load 15 on 2 cores)
that wait was 15-50 ms now and then, where the caller meant to go on at once (`tracker set` imports the
writer while the plan is read; the writer fsyncs while the new plan is hashed).
"""

from __future__ import annotations

import _thread
import threading

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from collections.abc import Callable


def start(work: Callable[[], None]) -> threading.Event:
    """Run `work` in a new thread; the Event is set once it has ended, however it ended."""
    done = threading.Event()

    def run() -> None:
        try:
            work()
        finally:
            done.set()

    _thread.start_new_thread(run, ())
    return done
