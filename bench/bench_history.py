"""`tracker history` on a long history, against the floor of parsing every distinct plan version.

    .venv/bin/python bench/bench_history.py [--issues 10000] [--plan-commits 1000] [--commits 20000]

Builds, with `git fast-import`, a repository of COMMITS commits (bench/gitrepo_fixture.py's source
files) whose last PLAN_COMMITS each change a plan of ISSUES issues (bench/planfixture.py), ten issues
more complete each time, one commit every few days over a year.  Then, each as a whole process:
`tracker history` cold (empty cache), repeated with no new commit, and after one new commit; the
floor is this process parsing each distinct version once (plan.load_text, as history does), which
no reading of every version can beat.  With Taskwarrior installed, `task burndown.daily` on as many
tasks, PLAN_COMMITS of them completed on as many days.  Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import installed  # noqa: E402
from gitrepo_fixture import AUTHOR, ENV, build_history_repo, file_path  # noqa: E402
from planfixture import plan_lines  # noqa: E402

from tracker.plan import load_text  # noqa: E402

PLAN = "data/phases.yaml"
YEAR = 365 * 86400
PLAN_START = 1_700_000_000  # the plan's first commit; the source files' commits come before


def versions(issues: int, count: int):
    """The plan's text at each of `count` commits: each marks the next issues complete."""
    lines = list(plan_lines(issues, [file_path(i) for i in range(5000)]))
    status_at = [i for i, line in enumerate(lines) if line.startswith("        status: ")]
    per = max(1, issues // count // 2)  # half the plan gets done over the history
    for v in range(count):
        for index in status_at[v * per : (v + 1) * per]:
            lines[index] = "        status: complete"
        yield ("\n".join(lines) + "\n").encode()


def add_plan_commits(root: Path, issues: int, count: int) -> list[bytes]:
    env = {**os.environ, **ENV}
    importer = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done"], cwd=root, env=env, stdin=subprocess.PIPE
    )  # fmt: skip
    assert importer.stdin is not None
    texts = []
    for v, text in enumerate(versions(issues, count)):
        when = f"{PLAN_START + v * YEAR // count} +0000".encode()
        message = f"Plan: version {v + 1}\n".encode()
        importer.stdin.write(
            b"commit refs/heads/main\nauthor " + AUTHOR + b" " + when + b"\ncommitter " + AUTHOR + b" " + when + b"\n"
        )
        importer.stdin.write(b"data %d\n%s" % (len(message), message))
        if v == 0:
            importer.stdin.write(b"from refs/heads/main^0\n")
        importer.stdin.write(b"M 100644 inline " + PLAN.encode() + b"\ndata %d\n" % len(text) + text + b"\n")
        texts.append(text)
    importer.stdin.write(b"done\n")
    importer.stdin.close()
    if importer.wait():
        raise RuntimeError("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True, env=env)
    return texts


def floor(texts: list[bytes]) -> float:
    """Parsing each distinct version once, in this process, as `tracker history` does."""
    start = time.perf_counter()
    for text in dict.fromkeys(texts):
        load_text(text.decode(), PLAN)
    return time.perf_counter() - start


def run(command: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(done.stderr.decode(errors="replace"))
    return seconds


def taskwarrior(work: Path, issues: int, changes: int) -> float | None:
    task = shutil.which("task")
    if task is None:
        return None
    folder = work / "task"
    folder.mkdir()
    rc = folder / "taskrc"
    rc.write_text(
        f"data.location={folder / 'data'}\nconfirmation=off\nverbose=nothing\nhooks=off\nnews.version=2.6.0\n"
    )
    with open(folder / "tasks.json", "w") as out:
        for n in range(issues):
            record = {
                "uuid": f"00000000-0000-4000-8000-{n:012d}",
                "description": f"Issue {n}",
                "entry": "20231101T000000Z",
            }
            if n < changes:
                day = time.gmtime(PLAN_START + n * YEAR // changes)
                record |= {"status": "completed", "end": time.strftime("%Y%m%dT%H%M%SZ", day)}
            else:
                record["status"] = "pending"
            out.write(json.dumps(record) + "\n")
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(folder / "data")}
    subprocess.run([task, "import", str(folder / "tasks.json")], env=env, check=True, capture_output=True)
    subprocess.run([task, "summary"], env=env, check=True, capture_output=True)
    command = [task, "rc.color=off", "rc.defaultwidth=120", "burndown.daily"]
    return statistics.median(run(command, work, env) for _ in range(3))


def main() -> None:
    installed.ensure()  # tracker timed as a user's install runs it (bench/installed.py)
    parser = argparse.ArgumentParser()
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--plan-commits", type=int, default=1_000)
    parser.add_argument("--commits", type=int, default=20_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracker-history-bench-"))
    try:
        root = work / "repo"
        started = time.perf_counter()
        build_history_repo(root, commits=args.commits - args.plan_commits, files=min(5000, args.commits // 4))
        texts = add_plan_commits(root, args.issues, args.plan_commits)
        built = time.perf_counter() - started
        print(
            f"built in {built:.0f} s: {args.commits:,} commits, {args.plan_commits:,} of them change the plan",
            flush=True,
        )
        tracker = [sys.executable, "-m", "tracker", "-f", PLAN, "history"]
        last = PLAN_START + (args.plan_commits - 1) * YEAR // args.plan_commits
        now = time.strftime("%Y-%m-%dT12:00", time.gmtime(last + 86400))
        env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "TRACKER_NOW": now}
        cold = run(tracker, root, env)
        print(f"cold {cold:.1f} s", flush=True)
        base = floor(texts)
        print(f"floor {base:.1f} s", flush=True)
        repeated = statistics.median(run(tracker, root, env) for _ in range(5))
        git_env = {**os.environ, **ENV}
        plan = root / PLAN
        plan.write_bytes(plan.read_bytes().replace(b"status: not_started", b"status: complete", 1))
        subprocess.run(["git", "commit", "-qam", "One more"], cwd=root, check=True, env=git_env)
        one_more = run(tracker, root, env)
        burndown = taskwarrior(work, args.issues, args.plan_commits)
        distinct = len(set(texts))
        print()
        print(f"| {args.issues:,} issues, {args.plan_commits:,} plan commits in {args.commits:,} | seconds |")
        print("| --- | --- |")
        print(f"| floor: parsing the {distinct:,} distinct versions | {base:.2f} |")
        print(f"| `tracker history`, cold | {cold:.2f} ({cold / base:.2f}× the floor) |")
        print(f"| `tracker history`, repeated (median of 5) | {repeated:.3f} |")
        print(f"| `tracker history` after one new commit | {one_more:.3f} |")
        if burndown is not None:
            print(f"| Taskwarrior `task burndown.daily`, {args.issues:,} tasks (median of 3) | {burndown:.3f} |")
        else:
            print("| Taskwarrior `task burndown.daily` | not installed |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
