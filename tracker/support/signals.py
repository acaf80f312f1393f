"""SIGTERM and SIGHUP while a file is being replaced: clean up first, then end as the signal says.

Python's default for these signals ends the process at once, leaving a
temporary file and the lock file beside the plan.  Inside `cleanup_first()`
they raise Terminated instead, so every `finally` on the way out runs (the
temporary file and the lock go); on leaving, the signal is sent again under the
handler that was there before, so the process still ends by it (a shell sees
143 for SIGTERM).  A signal that was ignored (nohup) stays ignored.

Handlers can be set from the main thread only; elsewhere (the dashboard writes
in a worker thread) this does nothing, and the next writer removes what a
killed one left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading

SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Terminated(BaseException):
    """A SIGTERM or SIGHUP that arrived inside cleanup_first(); not an error to handle, a way out."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise(signum, frame) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def cleanup_first():
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {}
    for signum in SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            before[signum] = signal.signal(signum, _raise)
    caught = None
    try:
        yield
    except Terminated as exc:
        caught = exc.signum
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
    if caught is not None:
        os.kill(os.getpid(), caught)  # now under the handler from before: by default, the end
        raise SystemExit(128 + caught)  # a handler of the caller's own returned: still, stop here
