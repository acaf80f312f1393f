"""The dashboard's first frame on a big plan, warm and with nothing cached, against a bare Textual app.

    .venv/bin/python bench/bench_frame.py [--runs 5] [--issues 10000] [--commits 20000] [--files 5000]

bench/run.py's repository and plan, and its way of timing a first frame (bench/tui_first_frame.py: the
process ends at the first frame, headless); here alone, in turns: warm (the parse cache holds the plan),
nothing cached (the cache folder emptied before the run), and a bare Textual app drawing one line (the
floor).  Targets (issue 17): warm ≤ 1.0 s, nothing cached ≤ 2 s at its maximum.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import installed  # noqa: E402
from gitrepo_fixture import build_history_repo  # noqa: E402
from planfixture import write_plan  # noqa: E402
from run import PY, TEXTUAL_FLOOR, Bench, Timing, git  # noqa: E402


def main() -> int:
    installed.ensure()  # tracker timed as a user's install runs it (bench/installed.py)
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=5_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-frame-"))
    try:
        bench = Bench(work, args.runs)
        repo = work / "repo"
        paths = build_history_repo(repo, args.commits, args.files)
        plan = write_plan(repo / "data" / "phases.yaml", args.issues, paths)
        git(repo, "add", str(plan))
        git(repo, "commit", "-q", "-m", "plan")
        frame = [PY, str(HERE / "tui_first_frame.py"), str(plan)]
        rows = {"warm": Timing(), "nothing cached": Timing(), "bare Textual app": Timing()}
        bench.run(frame, repo, runs=1)
        for _ in range(args.runs):
            rows["warm"].add(bench.run(frame, repo, runs=1))
            rows["nothing cached"].add(bench.run(frame, repo, before=bench.clear_cache, runs=1))
            rows["bare Textual app"].add(bench.run([PY, "-c", TEXTUAL_FLOOR], repo, runs=1))
        load = os.getloadavg()
        print(f"{args.issues:,} issues; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
        print("| first frame (headless) | seconds, median (min–max) | target |")
        print("| --- | --- | --- |")
        warm, cold = rows["warm"], rows["nothing cached"]
        print(f"| warm | {warm.cell()} | ≤ 1.0 s: {'met' if warm.median <= 1.0 else '**not met**'} |")
        cold_max = max(cold.seconds)
        print(f"| nothing cached | {cold.cell()} | max ≤ 2 s: {'met' if cold_max <= 2.0 else '**not met**'} |")
        print(f"| bare Textual app (the floor) | {rows['bare Textual app'].cell()} | |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
