"""How long `tracker export html|csv` takes on a 10,000-issue plan, against `tracker status --json` on it.

    .venv/bin/python bench/bench_export.py [--issues 10000] [--runs 3]

The target (issue 19): the HTML export in under 2x the time of `status --json`.
Both are whole processes on the same plan in a repository of 5,000 files and
20,000 commits (gitrepo_fixture).  `status --json` is timed as computed (its
recorded answer removed before each run; the parsed plan and git's HEAD cache
kept, as the export has them), and with every cache cleared, like the export's
first run.  Times are medians; the ratio is of CPU time, which a shared machine's load hardly moves.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

import installed  # noqa: E402
from gitrepo_fixture import ENV, build_history_repo  # noqa: E402
from planfixture import write_plan  # noqa: E402

PY = sys.executable


def timed(command: list[str], cwd: Path, env: dict, runs: int, before=None) -> tuple[float, float]:
    """The median wall and CPU time (user + system, git's processes included) of `command`, after one untimed run.

    On a shared machine the wall time swings with the neighbours' load; the CPU time hardly does.
    """
    wall, cpu = [], []
    for index in range(runs + 1):
        if before is not None:
            before()
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"failed: {' '.join(command)}")
        if index:
            wall.append(time.perf_counter() - start)
            cpu.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    installed.ensure()  # tracker timed as a user's install runs it (bench/installed.py)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tracker-bench-export-") as work:
        repo, cache = Path(work) / "repo", Path(work) / "cache"
        paths = build_history_repo(repo, 20000, 5000)
        plan = write_plan(repo / "data" / "phases.yaml", args.issues, paths)
        # Committed, so the report's progress over time has a version of the plan to read.
        git_env = {**ENV, "GIT_AUTHOR_DATE": "2026-01-01T10:00:00", "GIT_COMMITTER_DATE": "2026-01-01T10:00:00"}
        subprocess.run(["git", "add", "data/phases.yaml"], cwd=repo, env=git_env, check=True)
        subprocess.run(["git", "commit", "-qm", "The plan"], cwd=repo, env=git_env, check=True)
        env = {**ENV, "XDG_CACHE_HOME": str(cache), "LC_ALL": "C.UTF-8", "TRACKER_NOW": "2026-01-15T09:30"}
        tracker = [PY, "-m", "tracker", "--file", str(plan)]

        def forget_answers() -> None:
            for entry in cache.glob("tracker/answer-*"):
                entry.unlink()

        def forget_all() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        out = Path(work) / "out"  # outside the work tree: an export inside it would change git's answer
        rows = [
            ("status --json (computed)", timed([*tracker, "status", "--json"], repo, env, args.runs, forget_answers)),
            ("export html", timed([*tracker, "export", "html", "-o", f"{out}.html"], repo, env, args.runs)),
            ("export csv", timed([*tracker, "export", "csv", "-o", f"{out}.csv"], repo, env, args.runs)),
            ("status --json (no cache)", timed([*tracker, "status", "--json"], repo, env, args.runs, forget_all)),
            (
                "export html (no cache)",
                timed([*tracker, "export", "html", "-o", f"{out}.html"], repo, env, 1, forget_all),
            ),
        ]
        size = Path(f"{out}.html").stat().st_size
    print(f"{args.issues} issues; HTML report {size / 1e6:.1f} MB; load average {os.getloadavg()[0]:.1f}")
    print("| command | wall s | CPU s | CPU vs status --json |")
    print("| --- | --- | --- | --- |")
    for name, (wall, cpu) in rows:
        base = rows[3 if "no cache" in name else 0][1][1]
        print(f"| `{name}` | {wall:.2f} | {cpu:.2f} | {cpu / base:.2f}x |")


if __name__ == "__main__":
    main()
