"""The bench's memory probe: a Python process started with this folder on PYTHONPATH and
TRACKER_BENCH_PEAK=FILE writes its own peak resident memory (VmHWM, KiB) to FILE as it ends.

Why not the rusage `wait4` gives: on Linux it is the largest of the process, of every process it
waited for (git), and of the process it was forked from before `exec` (the bench itself, ~26 MiB);
VmHWM is this process's own memory since it started, nothing else.  The variable is taken out of the
environment at once, so that the processes this one starts do not write the file too.
"""

import atexit
import os

_FILE = os.environ.pop("TRACKER_BENCH_PEAK", None)


def _report() -> None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
        with open(_FILE, "w", encoding="ascii") as out:
            out.write(peak)
    except (OSError, StopIteration):
        pass


if _FILE:
    _real_exit = os._exit

    def _exit(code: int) -> None:  # tracker and the first-frame probe end with os._exit: no atexit then
        _report()
        _real_exit(code)

    os._exit = _exit
    atexit.register(_report)
