"""Taking turns at replacing a file, so that no second writer can break it.

Writers take turns through a lock file next to the target (`phases.yaml.lock`,
created exclusively, like git's `index.lock`) holding `PID HOST TOKEN`.  A lock
whose process is gone, or that is older than STALE_AFTER seconds, is cleared by
the next writer; clearing happens under an flock on the folder, so two writers
that both see a stale lock cannot remove each other's fresh one.

POSIX only (fcntl, kill(pid, 0)).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path

STALE_AFTER = 10.0  # a write takes milliseconds; a lock this old belongs to a stuck or dead process
UNWRITTEN_GRACE = 2.0  # a lock file still without its PID line after this long was left by a crash
_HOST = os.uname().nodename  # a PID means something only on the machine that wrote it


class LockTimeout(Exception):
    """The lock stayed taken by a live process; the message says by whom."""


class Lock:
    """`with Lock(target):` — the exclusive right to replace `target`."""

    def __init__(self, target: Path, timeout: float = 15.0):
        self.path = target.with_name(target.name + ".lock")
        self.timeout = timeout
        self.token = f"{os.getpid()} {_HOST} {os.urandom(8).hex()}\n"

    def __enter__(self) -> Lock:
        deadline = time.monotonic() + self.timeout
        delay = 0.002
        while True:
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                self._clear_if_stale()
                if time.monotonic() > deadline:
                    raise LockTimeout(self._describe_holder()) from None
                time.sleep(delay * (0.5 + os.urandom(1)[0] / 255))  # jitter: waiters do not retry in step
                delay = min(delay * 2, 0.05)
                continue
            try:
                os.write(fd, self.token.encode())
            finally:
                os.close(fd)
            return self

    def __exit__(self, *exc) -> None:
        with self._guard():
            if self.held():
                self.path.unlink(missing_ok=True)

    def held(self) -> bool:
        """Still ours: false only if another writer cleared it as stale (we were stuck too long)."""
        try:
            return self.path.read_text(encoding="utf-8", errors="replace") == self.token
        except OSError:
            return False

    def _clear_if_stale(self) -> None:
        with self._guard():
            try:
                content = self.path.read_text(encoding="utf-8", errors="replace")
                age = time.time() - self.path.stat().st_mtime
            except FileNotFoundError:
                return
            if _stale(content, age):
                self.path.unlink(missing_ok=True)

    @contextlib.contextmanager
    def _guard(self):
        """Serialises clearing and releasing; creating needs no guard, O_EXCL decides."""
        fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing drops the flock

    def _describe_holder(self) -> str:
        try:
            pid, host = self.path.read_text(encoding="utf-8", errors="replace").split()[:2]
            age = time.time() - self.path.stat().st_mtime
        except (OSError, ValueError):
            return f"{self.path} is held by another writer"
        return (
            f"{self.path} is held by process {pid} on {host} (for {age:.0f} s): another tracker is writing "
            f"the plan; try again, and if no tracker is running, delete {self.path}"
        )


def _stale(content: str, age: float) -> bool:
    parts = content.split()
    if len(parts) < 3 or not parts[0].isdigit():
        return age > UNWRITTEN_GRACE
    if age > STALE_AFTER:
        return True
    return parts[1] == _HOST and not _alive(int(parts[0]))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    try:  # a killed process that its parent has not reaped yet still answers kill(0)
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True
