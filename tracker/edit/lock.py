"""Taking turns at replacing a file: an OS lock that dies with its holder.

Writers take turns through `flock` on a lock file next to the target
(`phases.yaml.lock`).  The kernel releases an flock when its process ends,
however it ends, so a lock is never guessed stale: a slow writer (a full
verifying parse of a big plan takes seconds) keeps it as long as it lives, and
a killed one gives it up at once.  The holder writes `PID HOST` into the file
only to name itself in the message a waiting writer prints.

The holder removes the file when it is done, still holding the lock; a writer
that got the lock on a file that was removed meanwhile (its inode is no longer
the one the name shows) lets it go and takes the new one.  The file is opened
with O_NOFOLLOW and without blocking and must be a regular file: a symlink or a
FIFO committed under the lock's name is refused, never read or waited on.

On a system without fcntl (Windows), writing fails with a clear message;
tracker never writes unlocked.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from tracker.edit.commands import RUN_AGAIN
from tracker.support.ownfiles import lock_name

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

_HOST = os.uname().nodename if hasattr(os, "uname") else ""


class LockTimeout(Exception):
    """The lock stayed taken, or cannot be taken here; the message says why."""


class Lock:
    """`with Lock(target):` — the exclusive right to replace `target`."""

    def __init__(self, target: Path, timeout: float = 15.0):
        self.path = target.with_name(lock_name(target.name))
        self.timeout = timeout
        self.fd: int | None = None

    def __enter__(self) -> Lock:
        if fcntl is None:
            raise LockTimeout(
                f"{self.path}: this system has no fcntl file locks, and tracker never writes a plan "
                "unlocked; change the file with an editor instead"
            )
        deadline = time.monotonic() + self.timeout
        delay = 0.002
        while True:
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                if time.monotonic() > deadline:
                    raise LockTimeout(self._describe_holder()) from None
                time.sleep(delay * (0.5 + os.urandom(1)[0] / 255))  # jitter: waiters do not retry in step
                delay = min(delay * 2, 0.05)
                continue
            except BaseException:
                os.close(fd)
                raise
            self.fd = fd
            if self.held():
                break
            self.fd = None
            os.close(fd)  # the holder before us removed this file while we waited for it
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {_HOST}\n".encode(), 0)
        except OSError:
            pass  # a full disk: the flock holds all the same, only the holder's name is missing
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is None:
            return
        try:
            if self.held():
                self.path.unlink(missing_ok=True)  # still locked: no one can take this file meanwhile
        finally:
            os.close(self.fd)  # closing drops the flock
            self.fd = None

    def held(self) -> bool:
        """Whether the lock file we hold is still the one the name shows (someone may delete it by hand)."""
        if self.fd is None:
            return False
        try:
            now = os.stat(self.path, follow_symlinks=False)
        except OSError:
            return False
        mine = os.fstat(self.fd)
        return (now.st_ino, now.st_dev) == (mine.st_ino, mine.st_dev)

    def _open(self) -> int:
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)
        try:
            fd = os.open(self.path, flags, 0o644)
        except OSError as exc:
            if os.path.islink(self.path):
                raise LockTimeout(self._not_a_lock("a symbolic link")) from None
            raise LockTimeout(f"{self.path}: cannot open the lock file: {exc.strerror or exc}") from None
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            os.close(fd)
            raise LockTimeout(self._not_a_lock("a folder" if stat.S_ISDIR(mode) else "a device, FIFO or socket"))
        return fd

    def _not_a_lock(self, what: str) -> str:
        return (
            f"{self.path} is {what}, not tracker's lock file; nothing was written. "
            f"Remove it (it may have been committed by mistake) and {RUN_AGAIN}"
        )

    def _describe_holder(self) -> str:
        try:
            with open(self.path, "rb", opener=_no_follow) as file:
                pid, host = file.read(200).decode("utf-8", "replace").split()[:2]
        except (OSError, ValueError):
            return f"{self.path} is held by another writer; try again"
        return (
            f"{self.path} is held by process {pid} on {host}: another tracker is writing the plan "
            "and has not finished; try again"
        )


def _no_follow(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK)
