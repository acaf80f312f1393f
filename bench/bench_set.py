"""How long one status change takes: `tracker set` as a whole process, and `writer.apply` alone.

    .venv/bin/python bench/bench_set.py [--runs 10] [PLAN ...]

Works on copies in a temporary folder (default plans: the bundled one and the
NIST catalogue), alternating each issue's status so that every run writes.
`tracker --version` is timed alongside as the floor: Python and click starting.
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

from tracker.loader import load  # noqa: E402
from tracker.writer import SetIssueStatus, apply  # noqa: E402

DEFAULT_PLANS = [ROOT / "data" / "phases.yaml", ROOT / "tests" / "data" / "nist-800-53-moderate.yaml"]


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True)
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(done.stderr.decode())
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("plans", nargs="*", type=Path, default=DEFAULT_PLANS)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for plan in options.plans:
            copy = Path(folder) / "phases.yaml"
            shutil.copyfile(plan, copy)
            loaded = load(copy)
            _, issue = next(loaded.project.issues())
            statuses = [s.id for s in loaded.project.workflow[:2]]
            process = [timed(["--file", str(copy), "set", str(issue.id), statuses[i % 2]]) for i in range(options.runs)]
            floor = [timed(["--version"]) for _ in range(options.runs)]
            loaded = load(copy)
            calls = []
            for i in range(options.runs):
                started = time.perf_counter()
                loaded = apply(loaded, SetIssueStatus(issue.id, statuses[i % 2]))
                calls.append(time.perf_counter() - started)
            size = os.path.getsize(copy)
            print(f"{plan.name} ({size:,} bytes): tracker set {statistics.median(process) * 1000:.0f} ms, "
                  f"tracker --version {statistics.median(floor) * 1000:.0f} ms, "
                  f"apply() {statistics.median(calls) * 1000:.1f} ms  (medians of {options.runs})")


if __name__ == "__main__":
    main()
