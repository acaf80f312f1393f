"""How long `tracker summary` takes as a whole process, and where the time goes.

    .venv/bin/python bench/bench_summary.py [--runs 10]

Cases: the bundled plan where it lives (tracker's own repository); the NIST
catalogue in a fresh repository with a session whose work (statuses changed,
30 files added) sits partly in history and partly in the work tree.
`tracker --version` is timed alongside as the floor: Python and click starting.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import installed  # noqa: E402

from tracker.notes.gather import gather_summary  # noqa: E402
from tracker.notes.render import render  # noqa: E402
from tracker.plan.loader import load  # noqa: E402

ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}


def timed(args: list[str], cwd: Path, peaks: list[int] | None = None) -> float:
    """Seconds `tracker ARGS` takes as a whole process; its peak resident memory (bytes) goes to `peaks`."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", *args], cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(errors.decode())
    if peaks is not None:
        peaks.append(usage.ru_maxrss * 1024)
    return elapsed


def git(cwd: Path, *args: str, date: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={**ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date},
    )


def nist_repo(folder: Path) -> Path:
    text = (ROOT / "tests" / "data" / "nist-800-53-moderate.yaml").read_text(encoding="utf-8")
    plan = folder / "data" / "phases.yaml"
    plan.parent.mkdir(parents=True)
    plan.write_text(text + "sessions:\n  - date: 2025-11-30\n    focus: Access control\n", encoding="utf-8")
    git(folder, "init", "-q", "-b", "main", date="2025-11-29T10:00:00+00:00")
    git(folder, "add", ".", date="2025-11-29T10:00:00+00:00")
    git(folder, "commit", "-qm", "Catalogue", date="2025-11-29T10:00:00+00:00")
    for n in range(30):
        target = folder / "compliance" / "ac" / f"note-{n}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("line\n" * (n + 1), encoding="utf-8")
    git(folder, "add", ".", date="2025-11-30T10:00:00+00:00")
    git(folder, "commit", "-qm", "Notes", date="2025-11-30T10:00:00+00:00")
    flipped = re.sub(r"status: not_started", "status: in_progress", plan.read_text(encoding="utf-8"), count=200)
    plan.write_text(flipped, encoding="utf-8")
    return plan


def measure(name: str, plan: Path, runs: int) -> None:
    cwd = plan.parent.parent
    peaks: list[int] = []
    whole = [timed(["--file", str(plan), "summary"], cwd, peaks) for _ in range(runs)]
    loaded = load(plan)
    context_times, render_times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        context = gather_summary(loaded).context
        middle = time.perf_counter()
        render(context)
        context_times.append(middle - started)
        render_times.append(time.perf_counter() - middle)
    print(
        f"{name}: whole process median {statistics.median(whole) * 1000:.0f} ms "
        f"(min {min(whole) * 1000:.0f}, max {max(whole) * 1000:.0f}; peak {max(peaks) / 2**20:.0f} MiB); "
        f"in process: data "
        f"{statistics.median(context_times) * 1000:.0f} ms, template {statistics.median(render_times) * 1000:.0f} ms"
    )


def main() -> None:
    installed.ensure()  # tracker timed as a user's install runs it (bench/installed.py)
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    floor = [timed(["--version"], ROOT) for _ in range(runs)]
    print(f"floor (tracker --version): median {statistics.median(floor) * 1000:.0f} ms")
    measure("bundled plan, tracker's repository", ROOT / "data" / "phases.yaml", runs)
    with tempfile.TemporaryDirectory() as folder:
        measure("NIST 800-53 moderate (1,000+ issues), session in history and work tree", nist_repo(Path(folder)), runs)


if __name__ == "__main__":
    main()
