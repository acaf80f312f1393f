"""SIGTERM and SIGHUP while a file is being replaced: clean up first, then end as the signal says.
(And Ctrl+C held back across a step that must not be cut in two: interrupt_held.)

Python's default for these signals ends the process at once, leaving a
temporary file and the lock file beside the plan.  Inside `cleanup_first()`
they raise Terminated instead, so every `finally` on the way out runs (the
temporary file and the lock go); on leaving, the signal is sent again under the
handler that was there before, so the process still ends by it (a shell sees
143 for SIGTERM).  A signal that was ignored (nohup) stays ignored.

Handlers can be set from the main thread only.  A program that writes from
other threads (the dashboard writes in a worker) calls `install()` once from
its main thread: a signal then raises Terminated in each thread that is inside
cleanup_first(), waits up to WAIT seconds for them to clean up, and ends the
process by the signal.  A thread is told between two steps of Python, so one
blocked in a system call hears it when the call returns.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading

SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
# The exit status of a program that Ctrl+C (SIGINT) stopped, as a shell reports it: the dashboard's, however Ctrl+C
# reaches it (a key once the terminal is in raw mode, a signal before; fzf and gum exit so too), and a command's
# (cli/launch.py's `interrupted`).
INTERRUPTED = 128 + signal.SIGINT
WAIT = 5.0  # seconds the threads inside cleanup_first() are given to clean up, after install()

_inside: set[int] = set()  # the threads (other than the main one) inside cleanup_first()
_made = threading.local()  # .paths: temporary files made inside this thread's cleanup_first(), see made()
_left = threading.Condition()  # notified as one leaves


class Terminated(BaseException):
    """A SIGTERM or SIGHUP that arrived inside cleanup_first(); not an error to handle, a way out."""

    def __init__(self, signum: int = 0):  # 0: raised in a thread by install()'s handler
        super().__init__(signum)
        self.signum = signum


def _raise(signum, frame) -> None:
    raise Terminated(signum)


def made(path: str | os.PathLike) -> None:
    """Note a temporary file about to be made inside cleanup_first(): if a signal ends it (a SIGTERM or
    SIGHUP's Terminated, a Ctrl+C's KeyboardInterrupt), the file is removed, wherever the signal landed (even
    between the file's creation and the `try` that cleans it up, or after that `try` and before the caller's).
    Once renamed away the name is free again, and removing it does nothing."""
    paths = getattr(_made, "paths", None)
    if paths is not None:
        paths.append(path)


@contextlib.contextmanager
def _removing_made():
    outer = getattr(_made, "paths", None)
    _made.paths = []
    try:
        yield
    except (Terminated, KeyboardInterrupt):
        for path in _made.paths:
            with contextlib.suppress(OSError):
                os.unlink(path)
        raise
    finally:
        _made.paths = outer


@contextlib.contextmanager
def cleanup_first():
    if threading.current_thread() is not threading.main_thread():
        ident = threading.get_ident()
        with _left:
            _inside.add(ident)
        try:
            with _removing_made():
                yield
        finally:
            with _left:
                _inside.discard(ident)
                _left.notify_all()
        return
    before = {}
    for signum in SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            before[signum] = signal.signal(signum, _raise)
    caught = None
    try:
        with _removing_made():
            yield
    except Terminated as exc:
        caught = exc.signum
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
    if caught is not None:
        os.kill(os.getpid(), caught)  # now under the handler from before: by default, the end
        raise SystemExit(128 + caught)  # a handler of the caller's own returned: still, stop here


@contextlib.contextmanager
def interrupt_held():
    """Ctrl+C (SIGINT) held back while the block runs, then raised as usual: a step that must not be cut in
    two (a rename and the check of what it displaced) ends first.  From the main thread only, where Python
    handles signals; elsewhere the block just runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    before = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
    # Reached only when the block ended normally: one already on its way out (a SIGTERM's Terminated, a
    # refusal) goes on as it is, since a Ctrl+C raised over it would hide how it ends.
    if held and callable(before):
        before(signal.SIGINT, None)  # by default signal.default_int_handler: KeyboardInterrupt
    elif held and before == signal.SIG_DFL:
        os.kill(os.getpid(), signal.SIGINT)


def install() -> None:
    """From the main thread, once: SIGTERM and SIGHUP let other threads' cleanup_first() clean up first."""
    for signum in SIGNALS:
        before = signal.getsignal(signum)
        if before is not signal.SIG_IGN:
            signal.signal(signum, _Ending(before))


class _Ending:
    """The handler install() sets: each thread inside cleanup_first() is stopped, then the process ends."""

    def __init__(self, before):
        self.before = before

    def __call__(self, signum, frame) -> None:
        with _left:
            for ident in _inside:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(Terminated))
            _left.wait_for(lambda: not _inside, timeout=WAIT)
        signal.signal(signum, self.before)
        os.kill(os.getpid(), signum)  # under the handler from before: by default, the end
