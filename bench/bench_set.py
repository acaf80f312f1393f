"""How long one status change takes: `tracker set` as a whole process, and `writer.apply` alone.

    .venv/bin/python bench/bench_set.py [--runs 10] [PLAN ...]

Works on copies in a temporary folder (default plans: the bundled one and the
NIST catalogue), alternating each issue's status so that every run writes.
`tracker --version` is timed alongside as the floor: Python and click starting.
The peak is the largest resident memory of the `tracker set` runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import installed  # noqa: E402

from tracker.edit.writer import SetIssueStatus, apply  # noqa: E402
from tracker.plan.loader import load  # noqa: E402

DEFAULT_PLANS = [ROOT / "data" / "phases.yaml", ROOT / "tests" / "data" / "nist-800-53-moderate.yaml"]


def timed(args: list[str], peaks: list[int] | None = None) -> float:
    """Seconds `tracker ARGS` takes as a whole process; its peak resident memory (bytes) goes to `peaks`."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(errors.decode())
    if peaks is not None:
        peaks.append(usage.ru_maxrss * 1024)
    return elapsed


def first_issue(plan: Path) -> tuple[str, list[str]]:
    """The first issue's id and the plan's first two statuses.

    Read in a child process: a child's peak memory counts its parent's when it
    starts, so this process stays small until every `tracker set` is timed.
    """
    script = (
        "import sys\nfrom tracker.plan.loader import load\nproject = load(sys.argv[1]).project\n"
        "print(next(project.issues())[1].id, *(s.id for s in project.workflow[:2]))"
    )
    done = subprocess.run([sys.executable, "-c", script, str(plan)], capture_output=True, text=True, check=True)
    issue, *statuses = done.stdout.split()
    return issue, statuses


def main() -> None:
    installed.ensure()  # tracker timed as a user's install runs it (bench/installed.py)
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("plans", nargs="*", type=Path, default=DEFAULT_PLANS)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cases = []
        for n, plan in enumerate(options.plans):
            copy = Path(folder) / str(n) / "phases.yaml"
            copy.parent.mkdir()
            shutil.copyfile(plan, copy)
            issue, statuses = first_issue(copy)
            peaks: list[int] = []
            process = [timed(["--file", str(copy), "set", issue, statuses[i % 2]], peaks) for i in range(options.runs)]
            floor = [timed(["--version"]) for _ in range(options.runs)]
            cases.append((plan, copy, issue, statuses, process, max(peaks), floor))
        for plan, copy, issue, statuses, process, peak, floor in cases:
            loaded = load(copy)
            calls = []
            for i in range(options.runs):
                started = time.perf_counter()
                loaded = apply(loaded, SetIssueStatus(issue, statuses[i % 2]))
                calls.append(time.perf_counter() - started)
            size = os.path.getsize(copy)
            print(
                f"{plan.name} ({size:,} bytes): tracker set {statistics.median(process) * 1000:.0f} ms "
                f"(peak {peak / 2**20:.0f} MiB), "
                f"tracker --version {statistics.median(floor) * 1000:.0f} ms, "
                f"apply() {statistics.median(calls) * 1000:.1f} ms  (medians of {options.runs})"
            )


if __name__ == "__main__":
    main()
