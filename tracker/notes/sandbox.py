"""A user's summary template, rendered in a process of its own with limits on time, memory and output.

Jinja's sandbox keeps a template from reaching Python's internals, but not
from looping for ever or building a string of a hundred gigabytes
(`{{ "x" * 10**11 }}`, or a string doubled in a loop): those would take the
whole machine with them.  So the rendering runs in a child process with a CPU
time limit and an address-space limit (setrlimit), a wall-clock timeout kept
by the parent, and a cap on the characters it may print.  Whatever stops it
becomes a `template: error: ...` message.  The context goes to the child
pickled over a pipe: it is ours, made a moment before, never a file.
"""

from __future__ import annotations

import pickle
import signal
import subprocess
import sys

import tracker.notes.render as rendering
from tracker.notes.errors import SummaryError

_REFUSED = 3  # the child's exit status when it has a message for the user on stderr


def render_apart(context: dict, name: str, source: str) -> str:
    limits = (rendering.TIME_LIMIT, rendering.MEMORY_LIMIT, rendering.OUTPUT_LIMIT)
    payload = pickle.dumps((context, name, source, limits), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tracker.notes.sandbox"],
            input=payload,
            capture_output=True,
            timeout=limits[0] * 2 + 10,  # the CPU limit is the real one; this catches a child that waits
        )
    except subprocess.TimeoutExpired:
        raise SummaryError(_too_slow(name, limits[0])) from None
    except OSError as exc:
        raise SummaryError(f"{name}: error: cannot start the process that renders it: {exc.strerror}") from None
    if done.returncode == 0:
        return done.stdout.decode("utf-8")
    said = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode == _REFUSED and said:
        raise SummaryError(said.splitlines()[-1])
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise SummaryError(_too_slow(name, limits[0]))
    raise SummaryError(f"{name}: error: rendering the template failed ({_last_line(said, done.returncode)})")


def _too_slow(name: str, seconds: int) -> str:
    return f"{name}: error: the template ran for more than {seconds} s; a loop that never ends?"


def _last_line(said: str, code: int) -> str:
    return said.splitlines()[-1] if said else f"exit status {code}"


def _child() -> int:
    """In the child: read the job from stdin, limit this process, render, print."""
    import resource

    context, name, source, (seconds, memory, output) = pickle.loads(sys.stdin.buffer.read())
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory if hard == resource.RLIM_INFINITY else min(memory, hard), hard))
    try:
        text = rendering.render_source(context, name, source, sandboxed=True, limit=output)
    except SummaryError as exc:
        message = str(exc)
    except rendering.TooLong:
        message = f"{name}: error: the template's output is over {output >> 20} MiB; a loop that never ends?"
    except MemoryError as exc:
        message = (
            f"{name}:{rendering.template_line(exc, name)}: error: the template needs more than "
            f"{memory >> 20} MiB of memory (a string multiplied or doubled without end?)"
        )
    else:
        sys.stdout.buffer.write(text.encode("utf-8"))
        return 0
    sys.stderr.write(message + "\n")
    return _REFUSED


if __name__ == "__main__":
    sys.exit(_child())
