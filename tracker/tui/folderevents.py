"""The kernel's word that a file in a folder changed (Linux inotify), so the plan is looked at at once.

The dashboard's stat poll (filewatch.py) finds every change, but only at its
next tick: half a second, a quarter on average, of the half second the screen
may take to show another program's edit on a 10,000-issue plan.  Polling more
often would cost CPU while nothing happens; inotify costs none.  It is only a
wake-up: what changed is still decided by the stat and the content hash, and
the poll stays for what the kernel does not report (another system, a file
system without inotify, a watch that could not be set up).

inotify is reached through ctypes (the C library the interpreter already has
loaded): no dependency for three system calls.  Elsewhere `open_events` is None.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF, IN_Q_OVERFLOW, IN_IGNORED = 0x400, 0x800, 0x4000, 0x8000
# Whatever can give the name other content: written, truncated, replaced by a rename, created, removed.
MASK = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
LOST = IN_Q_OVERFLOW | IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF  # events dropped, or the folder itself gone
_EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then len bytes of name


class FolderEvents:
    """`fileno()` turns readable when a watched name changes; `touched()` drains what the kernel said."""

    def __init__(self, fd: int, names: set[bytes]):
        self.fd = fd
        self.names = names

    def fileno(self) -> int:
        return self.fd

    def touched(self) -> bool:
        """Whether any watched name changed (or the kernel lost count) since last asked; never blocks."""
        hit = False
        while True:
            try:
                data = os.read(self.fd, 1 << 16)
            except (BlockingIOError, InterruptedError):
                return hit
            at = 0
            while at < len(data):
                _, mask, _, length = _EVENT.unpack_from(data, at)
                name = data[at + _EVENT.size : at + _EVENT.size + length].rstrip(b"\0")
                at += _EVENT.size + length
                hit = hit or bool(mask & LOST) or name in self.names

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def open_events(paths: list[Path]) -> FolderEvents | None:
    """Events for the files `paths` (each watched in its folder, where a rename over it shows), or None."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # here: only the dashboard needs it, after its first frame

    libc = ctypes.CDLL(None, use_errno=True)  # the C library the interpreter runs on
    try:
        init, add = libc.inotify_init1, libc.inotify_add_watch
    except AttributeError:  # a C library without inotify
        return None
    fd = init(os.O_NONBLOCK | os.O_CLOEXEC)
    if fd < 0:
        return None
    for path in paths:
        if add(fd, os.fsencode(path.parent), MASK) < 0:  # no such folder, no permission, out of watches
            os.close(fd)
            return None
    return FolderEvents(fd, {os.fsencode(path.name) for path in paths})
