"""Repeated `tracker status` in the states a real repository is in, against Taskwarrior (issue 17).

bench/run.py calls `build_states` and `measure_states`; alone (`.venv/bin/python bench/bench_states.py
[--runs 5] [--slow 3] [--issues 10000]`) it builds run.py's repository and plan and measures these alone.
The states, all on a plan of as many issues:

- committed: every deliverable present and committed (the benchmark's own plan);
- half missing: half of the deliverables name files not written yet, as most real plans do;
- outside git: the half-missing plan in a folder no repository holds, the other half written there;
- uncommitted: a clone of the repository with 100 deliverables edited and 20 new files not added.

Each state is timed three ways, in turns with Taskwarrior so a busy moment weighs on both sides:
`status` repeated (the answer replayed) against `task summary`; `status --json` repeated against
`task export`; and both computed with the answer cache emptied before each run (the plan and link
caches warm), which is the honest figure for the first run after any change.  The anchors compute
from scratch every time: Taskwarrior keeps no answers, so "repeated" compares tracker replaying an
answer with Taskwarrior computing one.  Whether the answer really was replayed is checked, not
assumed: a recorded answer that was computed again is a new file (another inode).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import installed
from planfixture import write_plan

STATES = ("committed", "half missing", "outside git", "uncommitted")


def missing_path(index: int) -> str:
    return f"docs/todo/part{index // 100:03d}/note{index:05d}.md"


def build_states(bench, repo: Path, plan: Path, paths: list[str], issues: int, git) -> dict[str, Path]:
    """The plan of each state (`plan`: the committed one, in `repo`); `git(root, *args)` runs git."""
    mixed = [p for i, p in enumerate(paths) for p in (p, missing_path(i))]  # every other path is missing
    half = write_plan(repo / "data" / f"half-{issues}.yaml", issues, mixed)
    git(repo, "add", str(half))
    git(repo, "-c", "user.name=Bench", "-c", "user.email=bench@example.org", "commit", "-q", "-m", "half")

    plain = bench.work / "plain"
    shutil.rmtree(plain, ignore_errors=True)
    (plain / "data").mkdir(parents=True)
    shutil.copy(half, plain / "data" / half.name)
    for path in paths:
        target = plain / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("written\n" * 3)

    dirty = bench.work / "dirty"
    shutil.rmtree(dirty, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", "--local", str(repo), str(dirty)], check=True, env=bench.env)
    for path in paths[:100]:
        with open(dirty / path, "a", encoding="utf-8") as out:
            out.write("// edited, not committed\n")
    for n in range(20):
        (dirty / "src" / f"new-{n}.js").write_text("new();\n")
    time.sleep(2.1)  # files younger than 2 s are never trusted by the answer cache (cachefiles.RACY_NS)
    for root in (repo, dirty):
        git(root, "update-index", "-q", "--refresh")
    return {
        "committed": plan,
        "half missing": half,
        "outside git": plain / "data" / half.name,
        "uncommitted": dirty / plan.relative_to(repo),
    }


def _answers(bench) -> dict[str, int]:
    return {entry.name: entry.stat().st_ino for entry in (bench.cache / "tracker").glob("answer-*")}


def measure_states(
    bench, states: dict[str, Path], task_env: dict[str, str] | None, runs: int, slow: int, timing: type
) -> dict:
    """Per state: timings (of class `timing`, run.py's) of status / json repeated and computed, the
    anchors', and whether the answer was replayed."""
    task = shutil.which("task") or "task"
    out: dict[str, dict] = {}
    for state, plan in states.items():
        cwd = plan.parent.parent
        cli = [*bench.tracker, "--file", str(plan)]
        row: dict = {
            name: timing() for name in ("status", "json", "summary", "export", "status-computed", "json-computed")
        }
        for args in (["status"], ["status", "--json"]):
            bench.run([*cli, *args], cwd, runs=1)  # recorded, as after a user's first run
        before = _answers(bench)
        for _ in range(runs):
            row["status"].add(bench.run([*cli, "status"], cwd, runs=1))
            row["json"].add(bench.run([*cli, "status", "--json"], cwd, runs=1))
            if task_env is not None:
                row["summary"].add(bench.run([task, "summary"], bench.work, runs=1, env=task_env))
                row["export"].add(bench.run([task, "export"], bench.work, runs=1, env=task_env))
        after = _answers(bench)
        row["replayed"] = bool(before) and all(after.get(name) == inode for name, inode in before.items())
        for _ in range(slow):
            row["status-computed"].add(bench.run([*cli, "status"], cwd, before=lambda: _forget_answers(bench), runs=1))
            row["json-computed"].add(
                bench.run([*cli, "status", "--json"], cwd, before=lambda: _forget_answers(bench), runs=1)
            )
        out[state] = row
    return out


def _forget_answers(bench) -> None:
    for entry in (bench.cache / "tracker").glob("answer-*"):
        os.unlink(entry)


def render_states(states: dict, issues: int, mib) -> list[str]:
    """The table for RESULTS.md: every figure with its anchor, state and ratio, and the targets."""
    have_task = any(row["summary"].seconds for row in states.values())
    out = [
        "",
        f"Repeated `status` in each state of the repository, {issues:,} issues (seconds, median (min–max); peak MiB",
        "of tracker's own process). The anchors compute from scratch each time: Taskwarrior keeps no answers, so",
        '"repeated" compares a replayed answer with Taskwarrior computing one. "computed" empties the answer cache',
        "before each run (plan and link caches warm): what the first run after any change costs.",
        "",
        "| state | replayed? | `status` repeated | `task summary` | ratio (target ≤ 1×) | `status --json` repeated"
        " | `task export` | ratio (target ≤ 1.5×) | `status` computed | `status --json` computed | peak MiB"
        " (status / json / json computed) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for state, row in states.items():
        if have_task:
            ratio_s = row["status"].median / row["summary"].median
            ratio_j = row["json"].median / row["export"].median
            cells = [
                row["summary"].cell(),
                f"{ratio_s:.2f}× {'met' if ratio_s <= 1 else '**not met**'}",
                row["json"].cell(),
                row["export"].cell(),
                f"{ratio_j:.2f}× {'met' if ratio_j <= 1.5 else '**not met**'}",
            ]
        else:
            cells = ["—", "—", row["json"].cell(), "—", "—"]
        out.append(
            f"| {state} | {'yes' if row['replayed'] else '**no**'} | {row['status'].cell()} | "
            + " | ".join(cells)
            + f" | {row['status-computed'].cell()} | {row['json-computed'].cell()} | "
            f"{mib(row['status'].peak)} / {mib(row['json'].peak)} / {mib(row['json-computed'].peak)} |"
        )
    return out


def cache_figures(bench, plan: Path) -> dict[str, int]:
    """The cache folder's size against the plans it serves (those it lists that still exist), and the
    largest answer entry (the `status --json` one) of `plan`'s size."""
    folder = bench.cache / "tracker"
    try:
        served = json.loads((folder / "served-plans.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        served = []
    return {
        "folder": sum(entry.stat().st_size for entry in folder.iterdir() if entry.is_file()),
        "plans": sum(os.stat(name).st_size for name in served if os.path.exists(name)),
        "answer": max((entry.stat().st_size for entry in folder.glob("answer-*")), default=0),
        "plan": plan.stat().st_size,
    }


def render_cache(figures: dict[str, int], issues: int) -> tuple[list[str], list[tuple[str, str, bool]]]:
    """Lines for RESULTS.md, and the targets (text, value, met)."""
    ratio = figures["folder"] / max(1, figures["plans"])
    answer = figures["answer"] / figures["plan"]
    lines = [
        "",
        f"Cache folder after the runs above: {figures['folder'] / 2**20:.1f} MiB for {figures['plans'] / 2**20:.1f} MiB "
        f"of plans served ({ratio:.2f}×); the largest answer entry ({issues:,}-issue `status --json`, compressed) is "
        f"{answer:.2f}× its plan.",
    ]
    return lines, [
        ("cache folder ≤ 3× the plans it serves", f"{ratio:.2f}×", ratio <= 3),
        (f"`status --json` answer entry, {issues:,} issues, against its plan", f"{answer:.2f}×", answer <= 1),
    ]


def main() -> int:
    """These figures alone, on run.py's repository (20,000 commits over 5,000 files) and plan."""
    installed.ensure()  # tracker timed as a user's install runs it (bench/installed.py)
    import argparse
    import tempfile

    from gitrepo_fixture import build_history_repo
    from run import Bench, Timing, git, mib, taskwarrior_import

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slow", type=int, default=3, help="runs of the computed figures")
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=5_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-states-"))
    try:
        bench = Bench(work, args.runs)
        repo = work / "repo"
        paths = build_history_repo(repo, args.commits, args.files)
        plan = write_plan(repo / "data" / f"phases-{args.issues}.yaml", args.issues, paths)
        git(repo, "add", str(plan))
        git(repo, "commit", "-q", "-m", "plan")
        task_env = taskwarrior_import(bench, args.issues)
        states = build_states(bench, repo, plan, paths, args.issues, git)
        measured = measure_states(bench, states, task_env, args.runs, args.slow, Timing)
        load = os.getloadavg()
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        print("\n".join(render_states(measured, args.issues, mib)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
