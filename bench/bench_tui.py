"""The dashboard as a user meets it: in a real terminal (a pty), timed from outside.

    .venv/bin/python bench/bench_tui.py [--runs 5] [--issues 10000]

For the bundled plan and a generated plan of --issues issues (planfixture),
each copied into a fresh git repository:

- first frame: from starting `tracker` to the header ("% overall") arriving
  on the terminal;
- key to write: once git is read (the header shows the branch), from sending
  the key that moves an issue's status one step on (`n`) to the plan file on
  disk holding the new status.

Prints the median and the spread of --runs runs.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import installed  # noqa: E402
from planfixture import write_plan  # noqa: E402

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


DOWN, RIGHT = "\x1b[B", "\x1b[C"


class Terminal:
    """`tracker` running in a pty of 100×30, as in a terminal window."""

    def __init__(self, plan: Path, env: dict):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            # The size limit raised: a plan of 100,000 issues (80 MiB) is over the default 16 MiB.
            command = ["-m", "tracker", "--file", str(plan), "--max-bytes", str(1 << 30)]
            os.execve(sys.executable, [sys.executable, *command], env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.seen = b""

    def wait_for(self, marker: bytes, timeout: float = 60.0) -> float:
        """Seconds until `marker` has been written to the terminal."""
        start = time.perf_counter()
        while marker not in self.seen:
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"no {marker!r} on the terminal after {timeout} s")
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    self.seen += os.read(self.fd, 65536)
                except OSError:
                    break
        return time.perf_counter() - start

    def drain(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.02)
            if ready:
                try:
                    self.seen += os.read(self.fd, 65536)
                except OSError:  # the program has exited and closed the terminal
                    return

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def quit(self) -> int:
        self.send("q")
        self.drain(0.5)
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def make_repo(folder: Path, plan_text: str) -> Path:
    env = {**os.environ, **GIT_ENV}
    folder.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=folder, env=env, check=True)
    plan = folder / "data" / "phases.yaml"
    plan.parent.mkdir()
    plan.write_text(plan_text, encoding="utf-8")
    subprocess.run(["git", "add", "."], cwd=folder, env=env, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "plan"], cwd=folder, env=env, check=True)
    return plan


def one_run(plan: Path, keys_to_issue: list[str], env: dict) -> tuple[float, float]:
    before = plan.read_bytes()
    term = Terminal(plan, env)
    start = time.perf_counter()
    term.wait_for(b"% overall")
    first = time.perf_counter() - start
    term.wait_for("⎇".encode())  # git read: the header shows the branch (at 100,000 issues, seconds after the frame)
    term.drain(0.5)  # cursor settled
    for key in keys_to_issue:
        term.send(key)
        term.drain(0.1)
    unchanged = _signature(plan)
    sent = time.perf_counter()
    term.send("n")
    # The writer renames its file over the plan: the name's stat shows the moment.  Polled by stat, not by
    # reading the plan: at 100,000 issues a read each millisecond (80 MiB, 45 ms) took a core from the
    # dashboard and could see the new file up to a read late.
    while _signature(plan) == unchanged:
        if time.perf_counter() - sent > 30:
            raise TimeoutError("the status change never reached the file")
        time.sleep(0.001)
    written = time.perf_counter() - sent
    if plan.read_bytes() == before:
        raise RuntimeError("the file was replaced without the status change")
    code = term.quit()
    if code != 0:
        raise RuntimeError(f"tracker exited with {code}")
    plan.write_bytes(before)
    return first, written


def _signature(path: Path) -> tuple[int, int, int]:
    info = path.stat()
    return info.st_ino, info.st_size, info.st_mtime_ns


def cell(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s ({min(values):.3f}–{max(values):.3f})"


def main() -> int:
    installed.ensure()  # tracker timed as a user's install runs it (bench/installed.py)
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--issues", type=int, default=10_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-tui-"))
    env = {
        **os.environ,
        **GIT_ENV,
        "XDG_CACHE_HOME": str(work / "cache"),
        "TERM": "xterm-256color",
        "COLUMNS": "100",
        "LINES": "30",
    }
    try:
        bundled = make_repo(work / "bundled", (ROOT / "data" / "phases.yaml").read_text(encoding="utf-8"))
        big = work / "big" / "data" / "phases.yaml"
        write_plan(big, args.issues, [f"src/module{i}.js" for i in range(500)])
        big = make_repo(work / "big2", big.read_text(encoding="utf-8"))
        # Bundled: the cursor starts on phase P1; nine lines down is issue 7 (not started).
        # Generated: phases start closed; open P1 and step onto issue 1 (in progress).
        cases = [("bundled plan", bundled, [DOWN] * 9), (f"{args.issues:,} issues", big, [RIGHT, DOWN])]
        print(f"{'plan':<16} {'first frame':<28} {'key to write':<28}")
        for name, plan, keys in cases:
            firsts, writes = [], []
            for _ in range(args.runs):
                first, written = one_run(plan, keys, env)
                firsts.append(first)
                writes.append(written)
            print(f"{name:<16} {cell(firsts):<28} {cell(writes):<28}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
