"""tracker in a real pseudo-terminal, as a user runs the dashboard: start it, read what it shows, type keys."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path


class Terminal:
    def __init__(self, cwd: Path, env: dict[str, str] | None = None, rows: int = 30, columns: int = 100):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(cwd)
            os.execve(
                sys.executable,
                [sys.executable, "-m", "tracker"],
                {**os.environ, "TERM": "xterm-256color", **(env or {})},
            )
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.seen = b""

    def read_for(self, seconds: float, until: bytes | None = None) -> None:
        """What the program shows for `seconds`, or until `until` shows."""
        end = time.monotonic() + seconds
        while time.monotonic() < end and not (until and until in self.seen):
            if select.select([self.fd], [], [], 0.05)[0]:
                try:
                    self.seen += os.read(self.fd, 65536)
                except OSError:
                    return

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def down(self, times: int) -> None:
        """Down arrow `times` times, each shown before the next."""
        for _ in range(times):
            self.type(b"\x1b[B")
            self.read_for(0.1)

    def end(self, seconds: float = 10) -> int:
        """The exit code (-N: ended by signal N) once the program ends; killed after `seconds`, and -9 says so."""
        try:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                done, status = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    return os.waitstatus_to_exitcode(status)
                self.read_for(0.1)
            os.kill(self.pid, signal.SIGKILL)
            _, status = os.waitpid(self.pid, 0)
            return os.waitstatus_to_exitcode(status)
        finally:
            os.close(self.fd)
