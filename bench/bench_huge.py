"""Every warm command and the dashboard's first frame on a plan of 100,000 issues (issue 17).

bench/run.py runs this only with `--huge N` (it takes minutes: the plan is ~80 MiB, and the first
parse of it alone takes tens of seconds); alone, `.venv/bin/python bench/bench_huge.py [--issues
100000] [--runs 3]` builds run.py's repository and measures this only.  "Warm": each command has run once on the same plan
before it is timed, so the parse cache, the link caches and the recorded answers are there; `set`
then edits a copy of the plan, each run on the plan the last one wrote, and `validate`,
`summary`, `export` and the dashboard read it through the parse cache.  The target: under 0.5 s.
Beside each `set`, the floor of rewriting a file that size (bench_write.py's).  The first `summary`
is of a plan not committed yet, every issue new in its note; then the plan is committed, three issues
are set, and `summary` is timed again, as at the end of a session.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import installed
from bench_write import PY, REWRITE
from gitrepo_fixture import ENV
from planfixture import STATUSES, write_plan

from tracker.support.cachefiles import RACY_NS

TARGET = 0.5
FLOOR = "floor of `set`: read, edit a line, write, fsync, rename (a Python process, bench_write.py's)"
AFTER_EDITS = "`summary`, the plan committed and three issues set since"


def measure_huge(bench, repo: Path, paths: list[str], issues: int, runs: int, timing: type, tui: list[str]) -> dict:
    """Timings (of class `timing`) per command, warm, on a plan of `issues` issues in `repo`."""
    plan = write_plan(repo / "data" / f"huge-{issues}.yaml", issues, paths)
    # An answer is not recorded while a file it reports on changed within RACY_NS of the run (a change in
    # the same tick of the file system's clock would not show): the repository was just checked out, so a
    # warm-up at once recorded nothing, and one of the timed `status` runs computed (1.9 s at 100,000).
    time.sleep(RACY_NS / 1e9)
    cli = [*bench.tracker, "--file", str(plan), "--max-bytes", str(1 << 30)]
    commands = {
        "status": [*cli, "status"],
        "status --json": [*cli, "status", "--json"],
        "validate": [*cli, "validate"],
        "summary": [*cli, "summary"],
        "export csv": [*cli, "export", "csv"],
        "export html": [*cli, "export", "html"],
        "dashboard, first frame (headless)": [*tui, str(plan), str(1 << 30)],
    }
    out: dict[str, object] = {"size": plan.stat().st_size}
    for name, command in commands.items():
        bench.run(command, repo, runs=1)  # warm: as a user who ran it before
        out[name] = bench.run(command, repo, runs=runs)
    edited = plan.with_name(f"huge-set-{issues}.yaml")
    shutil.copy(plan, edited)
    floor_copy = plan.with_name(f"huge-floor-{issues}.yaml")
    shutil.copy(plan, floor_copy)
    set_cli = [*bench.tracker, "--file", str(edited), "--max-bytes", str(1 << 30), "set"]
    not_started = [i for i in range(1, issues + 1) if STATUSES[i % len(STATUSES)] == "not_started"]
    bench.run([*set_cli, str(not_started[0]), "complete"], repo, runs=1)
    timed, floor = timing(), timing()
    for issue in not_started[1 : 1 + runs]:  # the floor beside each `set`: a busy moment weighs on both alike
        timed.add(bench.run([*set_cli, str(issue), "complete"], repo, runs=1))
        floor.add(bench.run([PY, "-c", REWRITE, str(floor_copy), f"Floor {issue}", str(issue)], repo, runs=1))
    out["set ISSUE complete"] = timed
    out[FLOOR] = floor
    edited.unlink()
    floor_copy.unlink()
    # The `summary` above is of a plan new since the last commit: it lists every issue as added.  A
    # session's note is more often of a committed plan and a few changes: three issues set since.
    git(repo, "add", plan.name, cwd=plan.parent)
    git(repo, "commit", "-q", "-m", "the plan", cwd=plan.parent)
    for issue in not_started[1 + runs : 4 + runs]:
        bench.run([*cli, "set", str(issue), "complete"], repo, runs=1)
    time.sleep(RACY_NS / 1e9)  # as above: the plan just written is a file the note reports on (git calls it changed)
    bench.run(commands["summary"], repo, runs=1)
    out[AFTER_EDITS] = bench.run(commands["summary"], repo, runs=runs)
    return out


def git(repo: Path, *args: str, cwd: Path) -> None:
    subprocess.run(["git", "-C", str(cwd), *args], check=True, env={**os.environ, **ENV}, capture_output=True)


def render_huge(huge: dict, issues: int, mib) -> list[str]:
    out = [
        "",
        f"{issues:,} issues ({huge['size'] / 2**20:.0f} MiB), every command warm (run once before; `--huge`); "
        f"target: under {TARGET} s:",
        "",
        "| command | seconds | peak MiB | under 0.5 s? |",
        "| --- | --- | --- | --- |",
    ]
    for name, timed in huge.items():
        if name == "size":
            continue
        shown = name if name in (FLOOR, AFTER_EDITS) else f"`{name}`"
        verdict = "(the anchor)" if name == FLOOR else "met" if timed.median < TARGET else "**not met**"
        out.append(f"| {shown} | {timed.cell()} | {mib(timed.peak)} | {verdict} |")
    if FLOOR in huge and huge[FLOOR].median:
        ratio = huge["set ISSUE complete"].median / huge[FLOOR].median
        out += ["", f"`set` / the rewrite floor: {ratio:.2f}× (medians, run side by side)"]
    return out


def main() -> int:
    installed.ensure()  # tracker timed as a user's install runs it (bench/installed.py)
    from gitrepo_fixture import build_history_repo
    from run import PY, Bench, Timing, mib

    parser = argparse.ArgumentParser()
    parser.add_argument("--issues", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=5_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-huge-"))
    try:
        bench = Bench(work, args.runs)
        repo = work / "repo"
        started = time.perf_counter()
        paths = build_history_repo(repo, args.commits, args.files)
        frame = [PY, str(Path(__file__).with_name("tui_first_frame.py"))]
        huge = measure_huge(bench, repo, paths, args.issues, args.runs, Timing, frame)
        load = os.getloadavg()
        print(f"built and measured in {time.perf_counter() - started:.0f} s; load average {load[0]:.2f} {load[1]:.2f}")
        print("\n".join(render_huge(huge, args.issues, mib)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
