"""How long linking every file of a big history takes, against what git itself needs.

    .venv/bin/python bench/bench_gitlinks.py [--commits 20000] [--files 5000] [--repo DIR]

Builds the repository with gitrepo_fixture (or reuses --repo DIR when it holds
one), writes a plan naming every file as a deliverable, and times:
the floors (git status + ls-files; one full `git log --name-only` walk; one
`git log -1 -- path`), then read_links cold (empty cache), warm (same HEAD),
after one new commit (walks only that commit) and without history.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gitrepo_fixture import ENV, build_history_repo, file_path  # noqa: E402

from tracker.gitlinks import read_links  # noqa: E402
from tracker.loader import load  # noqa: E402


def timed(action, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, stdout=subprocess.DEVNULL, env={**os.environ, **ENV})


def plan_for(paths: list[str]) -> str:
    lines = ["project: Benchmark", "phases:", "  - id: P1", "    title: Everything", "    issues:"]
    for start in range(0, len(paths), 50):
        lines += [f"      - id: {start // 50 + 1}", f"        title: Files from {start}", "        status: complete",
                  "        deliverables:"]
        lines += [f"          - path: {path}" for path in paths[start:start + 50]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=20000)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--repo", type=Path, help="build here, or reuse a repository built here before")
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="tracker-bench-")
    root = args.repo or Path(scratch.name) / "repo"
    if (root / ".git").exists():
        paths = [file_path(i) for i in range(args.files)]
        print(f"reusing {root}")
    else:
        start = time.perf_counter()
        paths = build_history_repo(root, args.commits, args.files)
        print(f"built {args.commits} commits / {args.files} files in {time.perf_counter() - start:.1f} s")
    plan = root / "data" / "phases.yaml"
    plan.parent.mkdir(exist_ok=True)
    plan.write_text(plan_for(paths))
    project = load(plan).project
    os.environ.update(ENV)
    cache = Path(scratch.name) / "cache"
    os.environ["XDG_CACHE_HOME"] = str(cache)

    def cold() -> None:
        subprocess.run(["rm", "-rf", str(cache)], check=True)
        read_links(project, plan)

    def walk() -> None:
        git(root, "log", "--name-only", "-z", "--format=%H", "HEAD")

    sample = paths[:: max(1, len(paths) // 10)]

    def per_file() -> None:
        for path in sample:
            git(root, "log", "-1", "--format=%H", "--", path)

    rows = [
        ("floor: git status --porcelain=v2 + git ls-files", timed(lambda: (
            git(root, "status", "--porcelain=v2", "-z", "--untracked-files=all"), git(root, "ls-files", "-z")))),
        ("floor: one full git log --name-only walk", timed(walk)),
        ("naive: git log -1 -- PATH, per file", timed(per_file, 1) / len(sample)),
        (f"read_links, {len(paths)} files, cold cache", timed(cold)),
        (f"read_links, {len(paths)} files, same HEAD (cache)", timed(lambda: read_links(project, plan))),
        (f"read_links, {len(paths)} files, no history", timed(lambda: read_links(project, plan, history=False))),
    ]
    links = read_links(project, plan)
    for path in sample:  # the one walk agrees with asking git file by file
        naive = subprocess.run(["git", "log", "-1", "--format=%h", "--", path], cwd=root, capture_output=True,
                               text=True, check=True).stdout.strip()
        assert links.get(path).last_commit.sha == naive, path
    (root / paths[0]).write_text("// edited\n")
    git(root, "commit", "-q", "-a", "-m", "one more commit")
    start = time.perf_counter()
    after = read_links(project, plan)
    rows.append((f"read_links, {len(paths)} files, one new commit (cache)", time.perf_counter() - start))
    assert after.get(paths[0]).last_commit.subject == "one more commit"
    git(root, "reset", "-q", "--hard", "HEAD~1")
    rows.append((f"naive extrapolated: {len(paths)} x git log -1", rows[2][1] * len(paths)))

    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:8.3f} s")
    scratch.cleanup()


if __name__ == "__main__":
    main()
