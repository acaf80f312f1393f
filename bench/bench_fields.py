"""A plan with every compliance field filled against the same plan without them (issue 15, "## Speed").

    .venv/bin/python bench/bench_fields.py [--runs 5] [--issues 10000] [--commits 20000] [--files 5000]

Two plans of --issues issues (planfixture) in one repository (gitrepo_fixture, as bench/run.py builds
it): the plain one, and the same with every field of issue 15 filled (frameworks and controls, owner,
due, tags, review_every at the top, on each phase, issue and deliverable, reviewed on a deliverable of
each issue, an x- key).  Each figure is timed on both as whole processes, in turns (plain, fields,
plain, ...) so that a busy moment of this shared machine weighs on both alike; the target is the
fields plan within 10% of the plain one (median against median).

The fixture's dates are set around a fixed day, given to tracker as TRACKER_NOW (planfixture.TODAY):
one issue in --late is overdue and one reviewed file in --late stale, as in a programme that is
mostly on time; --late 1 makes every open issue overdue and every review stale, the worst case, where
`status` and `summary` print a line for each.

The issue asks for the filled plan "within 10% of today's `bench/run.py` figures", today being the day
it was filed.  So a third side runs tracker as it was then (--before, default 3177b29: main when the
issues of this round were filed, before any compliance field existed, extracted with `git archive`)
on its own copy of the plain plan, with the same Python and libraries: the filled plan on today's code
is held against that (the target), and against the plain plan on today's code (what the fields cost
now, reported beside it).

Freshness (when evidence was last reviewed, from its file's last commit) must add no git process per
file: every git process the commands start is counted through a `git` first on PATH that notes each
call, for a first run with nothing cached and for a computed run with the caches warm.
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import installed  # noqa: E402
from gitrepo_fixture import ENV, build_history_repo  # noqa: E402
from planfixture import LATE, STATUSES, TODAY, write_plan  # noqa: E402
from run import Bench, Timing  # noqa: E402

PY = sys.executable
BEFORE_SCRIPT = "import sys\nfrom tracker.launch import main\nsys.exit(main())"
LIMIT = 1.10
ISSUE_FILED = "3177b29"  # main on the day issue 15 was filed (2026-11-28 21:24 UTC)


def main() -> int:
    installed.ensure()  # tracker timed as a user's install runs it (bench/installed.py)
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slow", type=int, default=3, help="runs of the slow figures (nothing cached, summary)")
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=5_000)
    parser.add_argument("--before", default=ISSUE_FILED, help="tracker's code on the day the issue was filed")
    parser.add_argument("--late", type=int, default=LATE, help="one issue in LATE overdue (1: every one)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-fields-"))
    try:
        bench = Bench(work, args.runs)
        bench.env["TRACKER_NOW"] = f"{TODAY}T09:00"  # the fixture's dates are set around it
        repo = work / "repo"
        started = time.perf_counter()
        paths = build_history_repo(repo, args.commits, args.files)
        plans = {
            "plain": write_plan(repo / "data" / "plain.yaml", args.issues, paths),
            "fields": write_plan(repo / "data" / "fields.yaml", args.issues, paths, compliance=True, late=args.late),
            # Its own copy: a `set` by the other side would leave it a plan it has not parsed.
            "before": write_plan(repo / "data" / "before.yaml", args.issues, paths),
        }
        before = extract(args.before, work / "before")
        env = {**os.environ, **ENV}
        subprocess.run(["git", "add", "data"], cwd=repo, env=env, check=True)
        subprocess.run(["git", "commit", "-q", "-m", "plans"], cwd=repo, env=env, check=True)
        print(f"repository and plans built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        figures = measure(bench, repo, plans, before, args)
        processes = git_processes(bench, repo, {name: plans[name] for name in ("plain", "fields")}, work)
        report(args, plans, figures, processes)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def extract(revision: str, folder: Path) -> Path:
    """tracker's code and bench at `revision` of this repository, in `folder`, as `git archive` gives them."""
    folder.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(HERE.parent), "archive", revision, "tracker", "bench"], check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def measure(
    bench: Bench, repo: Path, plans: dict[str, Path], before: Path, args
) -> list[tuple[str, dict[str, Timing]]]:
    """(figure, {side: timing}) of every figure, each timed on the three sides in turns."""
    cli = {name: [*bench.tracker, "--file", str(plan)] for name, plan in plans.items()}
    # Found first on PYTHONPATH; started as its console script was (`tracker = "tracker.launch:main"` then).
    cli["before"] = [PY, "-c", BEFORE_SCRIPT, "--file", str(plans["before"])]
    frame = {name: [PY, str(HERE / "tui_first_frame.py"), str(plan)] for name, plan in plans.items()}
    frame["before"] = [PY, str(before / "bench" / "tui_first_frame.py"), str(plans["before"])]
    env = {name: bench.env for name in plans}
    env["before"] = {**bench.env, "PYTHONPATH": os.pathsep.join([str(before), bench.env["PYTHONPATH"]])}
    not_started = iter(i for i in range(1, args.issues + 1) if STATUSES[i % len(STATUSES)] == "not_started")

    def forget_answers() -> None:
        for entry in bench.cache.glob("tracker/answer-*"):
            entry.unlink()

    def set_one(name: str) -> list[str]:
        return [*cli[name], "set", str(next(not_started)), "complete"]

    figures = [
        ("`status --json`, first run, nothing cached", lambda n: [*cli[n], "status", "--json"], bench.clear_cache, 1),
        (
            "`status --json`, computed (plan and git caches warm)",
            lambda n: [*cli[n], "status", "--json"],
            forget_answers,
            0,
        ),
        ("`status`, computed (plan and git caches warm)", lambda n: [*cli[n], "status"], forget_answers, 0),
        ("`status --json`, repeated", lambda n: [*cli[n], "status", "--json"], None, 0),
        ("`status`, repeated", lambda n: [*cli[n], "status"], None, 0),
        ("`validate`, repeated", lambda n: [*cli[n], "validate"], None, 0),
        ("`summary`, repeated", lambda n: [*cli[n], "summary"], None, 1),
        ("`set N complete` (each run another issue)", set_one, None, 0),
        ("dashboard first frame (headless), warm", lambda n: frame[n], None, 0),
    ]
    out = []
    for title, command, first, slow in figures:
        for name in plans:  # warm: what the figure's earlier runs leave behind
            bench.run(command(name), repo, runs=1, ok=(0, 1), env=env[name])
        timings = {name: Timing() for name in plans}
        for _ in range(args.slow if slow else args.runs):
            for name in plans:
                timings[name].add(bench.run(command(name), repo, before=first, runs=1, ok=(0, 1), env=env[name]))
        out.append((title, timings))
        median = {name: statistics.median(timing.seconds) for name, timing in timings.items()}
        print(
            f"{title}: {median['fields'] / median['before']:.2f}× then, {median['fields'] / median['plain']:.2f}× now",
            file=sys.stderr,
        )
    return out


def git_processes(bench: Bench, repo: Path, plans: dict[str, Path], work: Path) -> dict[str, dict[str, int]]:
    """How many git processes `status --json` starts on each plan: nothing cached, and computed warm."""
    shims = work / "shims"
    shims.mkdir()
    log = work / "git-calls"
    real = shutil.which("git")
    (shims / "git").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    (shims / "git").chmod(0o755)
    env = {**bench.env, "PATH": f"{shims}{os.pathsep}{bench.env['PATH']}"}
    counts: dict[str, dict[str, int]] = {"nothing cached": {}, "computed": {}}
    for name, plan in plans.items():
        for state in counts:
            if state == "nothing cached":
                bench.clear_cache()
            else:
                for entry in bench.cache.glob("tracker/answer-*"):
                    entry.unlink()
            log.unlink(missing_ok=True)
            bench.run([*bench.tracker, "--file", str(plan), "status", "--json"], repo, runs=1, ok=(0, 1), env=env)
            counts[state][name] = len(log.read_text().splitlines()) if log.exists() else 0
    return counts


def report(args, plans, figures, processes) -> None:
    load = os.getloadavg()
    sizes = {name: plan.stat().st_size / (1 << 20) for name, plan in plans.items()}
    print(
        f"\n{args.issues:,} issues; plain plan {sizes['plain']:.1f} MiB, every field filled {sizes['fields']:.1f} MiB; "
        f"{args.commits:,} commits over {args.files:,} files; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
        f"then = tracker at {args.before}; the filled plan dated around {TODAY}, one issue in {args.late} overdue\n"
    )
    print(
        "| figure (seconds, median (min–max)) | plain plan, then | plain plan, now | every field filled, now "
        "| filled now / plain then (target ≤ 1.10×) | filled / plain, both now |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for title, timings in figures:
        then = timings["fields"].median / timings["before"].median
        now = timings["fields"].median / timings["plain"].median
        verdict = "met" if then <= LIMIT else "**not met**"
        print(
            f"| {title} | {timings['before'].cell()} | {timings['plain'].cell()} | {timings['fields'].cell()} "
            f"| {then:.2f}× {verdict} | {now:.2f}× |"
        )
    print()
    print("| git processes started by `status --json` | plain plan | every field filled | |")
    print("| --- | --- | --- | --- |")
    for state, counts in processes.items():
        same = (
            "none added" if counts["fields"] <= counts["plain"] else f"**{counts['fields'] - counts['plain']} added**"
        )
        print(f"| {state} | {counts['plain']} | {counts['fields']} | {same} |")


if __name__ == "__main__":
    sys.exit(main())
