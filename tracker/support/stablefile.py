"""Whether a file holds still: no process has it open for writing, and its size and times stay put.

Editors that save in place truncate the file and write it again, with pauses
between the writes; text read in between may parse and is still wrong.  The
kernel knows whether anyone has a file open for writing: it grants a read
lease only while no one does.  `writing(fd)` takes such a lease and drops it
at once; None means the kernel will not say (another user's file without
CAP_LEASE, a file system without leases such as NFS).
"""

from __future__ import annotations

import os
import signal

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]


# A write within a few ticks of the kernel's file clock of the last one may leave the times as they were.
RACY_NS = 20_000_000
# A file no one wrote for this long before it was read was read whole: a write under way then (the
# mtime is set as it starts) and closed before the lease question would have lasted this long.
STILL_NS = 2_000_000_000


def signature(info: os.stat_result) -> tuple:
    """What shows that a file's content changed since: inode, size and both times."""
    return (info.st_ino, info.st_dev, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def proves(signature: tuple, before_ns: int) -> bool:
    """Whether a file that still shows `signature` holds what it held when last written before `before_ns`.

    `before_ns` (time.time_ns()) is RACY_NS before the moment from which on
    the bytes were known (STILL_NS for bytes read, which a write under way
    could have torn).  Every write sets the file's mtime to the kernel's
    file clock, at most a tick behind time.time_ns(): any write after that
    moment moves the mtime of a file last written before `before_ns`, as
    git trusts its index's stat data outside the racy window.  Only where
    times are kept finer than a millisecond: a file system that keeps whole
    seconds (FAT, ext3, HFS+) could give a later write the same time.  A
    plan whose last write ends a millisecond exactly is compared as any other.
    """
    mtime = signature[3]
    return mtime % 1_000_000 != 0 and mtime < before_ns


def writing(fd: int) -> bool | None:
    """Whether any process has the file `fd` (open read-only) open for writing; None when unknown.

    An open for writing in the instant the lease is held waits for it to be
    dropped; the notice the kernel sends meanwhile is SIGURG, ignored by
    default (its default, SIGIO, would end the process).
    """
    taken = _take(fd)
    if taken:
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
    return None if taken is None else not taken


class Lease:
    """`with Lease(fd) as lease:` a read lease on the file `fd` (open read-only) held through the block: a
    process that opens the file for writing, or truncates it, meanwhile waits until the block ends.

    What a stat taken within the block shows is then the file as it was when the lease was taken, unless
    `alone()` says otherwise: a write followed by putting the mtime back would show in the ctime alone,
    which a rename in the block moves as well.
    """

    def __init__(self, fd: int):
        self.fd = fd
        self.taken = False

    def __enter__(self) -> Lease:
        self.taken = _take(self.fd) is True
        return self

    def __exit__(self, *exc) -> None:
        if self.taken:
            fcntl.fcntl(self.fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)

    def alone(self) -> bool:
        """Whether the lease was taken and no process has asked to write the file since (a break pending, or
        the lease taken away after the kernel's lease-break-time, shows as F_UNLCK)."""
        return self.taken and fcntl.fcntl(self.fd, fcntl.F_GETLEASE) == fcntl.F_RDLCK


def _take(fd: int) -> bool | None:
    """Take a read lease on `fd`: True; False when a process has the file open for writing; None when the
    kernel will not say (see the module's docstring)."""
    if fcntl is None or not hasattr(fcntl, "F_SETLEASE"):
        return None
    try:
        fcntl.fcntl(fd, fcntl.F_SETSIG, signal.SIGURG)
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
    except BlockingIOError:
        return False
    except OSError:
        return None
    return True
