"""tracker's speed, measured against the floor and against Taskwarrior.

    .venv/bin/python bench/run.py [--runs 5] [--big 50000] [--huge 100000] [--out bench/RESULTS.md]

Builds, in a scratch folder: a git repository with 20,000 commits over 5,000
files (gitrepo_fixture, via git fast-import) and plans of 100, 1,000 and
10,000 issues (planfixture; three deliverables and two steps each, naming the
repository's files), committed there.  Then times whole processes, several
runs each, median and spread:

- the floor: Python starting and loading the same file with PyYAML's C loader, GC paused;
- `tracker status --json`: first run with nothing cached, first run on a new
  plan (git's HEAD cache warm), and repeated; `tracker status`, `validate`,
  `summary`, `set`; the dashboard's first frame (bench/tui_first_frame.py), and
  a bare Textual app's, its floor;
- linking the 5,000 files (in process) against one `git log --name-only` walk;
- `task summary` on as many tasks, when Taskwarrior is installed;
- `status --json` on a 50,000-issue plan (--big 0 skips it);
- writes on the largest plan (bench_write.py): `set` and `add` against `task N modify` and the floor of
  rewriting the file, the dashboard's key to file written and external edit to screen, its idle CPU;
- repeated `status` in four states of the repository against Taskwarrior (bench_states.py);
- with --huge N, every warm command on a plan of N issues (bench_huge.py; minutes, so not by default);
- linking in a second repository of --link-big files (50,000; 0 skips it).

Prints the tables and the targets of issue 7 with met / not met, and writes
them to --out.  Child processes run as a user's would: with bytecode caching
on, in a fresh cache folder, with git's global configuration ignored.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import installed  # noqa: E402
from bench_huge import measure_huge, render_huge  # noqa: E402
from bench_states import build_states, cache_figures, measure_states, render_cache, render_states  # noqa: E402
from gitrepo_fixture import ENV, file_path  # noqa: E402
from planfixture import STATUSES, write_plan  # noqa: E402

PY = sys.executable
MIB = 1024 * 1024
# The dashboard's floor: Textual itself drawing a first frame of one line, headless, as tui_first_frame.py does.
TEXTUAL_FLOOR = (
    "import gc, os\ngc.disable()\nfrom textual.app import App\nfrom textual.widgets import Static\n"
    "class Bare(App):\n    def compose(self):\n        yield Static('tracker')\n"
    "    def on_ready(self):\n        os._exit(0)\n"
    "Bare().run(headless=True, size=(120, 40))\n"
)
FLOOR = (
    "import gc, sys\ngc.disable()\nimport yaml\n"
    "with open(sys.argv[1], 'rb') as f:\n    yaml.load(f.read(), Loader=yaml.CSafeLoader)\n"
)


@dataclass
class Timing:
    seconds: list[float] = field(default_factory=list)
    peak: int = 0  # bytes, the largest resident set of any run, of the process alone (not git's)

    def add(self, other: Timing) -> None:
        self.seconds += other.seconds
        self.peak = max(self.peak, other.peak)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def cell(self) -> str:
        if len(self.seconds) == 1:
            return f"{self.median:.3f}"
        return f"{self.median:.3f} ({min(self.seconds):.3f}–{max(self.seconds):.3f})"


class Bench:
    def __init__(self, work: Path, runs: int):
        self.work = work
        self.runs = runs
        self.cache = work / "cache"
        self.env = {**os.environ, **ENV, "XDG_CACHE_HOME": str(self.cache), "LC_ALL": "C.UTF-8"}
        for name in ("PYTHONDONTWRITEBYTECODE", "TRACKER_FILE", "PYTHONPROFILEIMPORTTIME"):
            self.env.pop(name, None)
        # Every Python process measured writes its own peak memory (bench/peakmem/sitecustomize.py).
        self.env["PYTHONPATH"] = os.pathsep.join([str(HERE / "peakmem"), *filter(None, [os.environ.get("PYTHONPATH")])])
        script = Path(PY).with_name("tracker")
        self.tracker = [str(script)] if script.exists() else [PY, "-m", "tracker"]

    def run(
        self,
        command: list[str],
        cwd: Path,
        before=None,
        runs: int | None = None,
        ok: tuple[int, ...] = (0,),
        env: dict[str, str] | None = None,
    ) -> Timing:
        """Time `command` as a whole process, `runs` times; `before` runs untimed ahead of each."""
        timing = Timing()
        for _ in range(runs or self.runs):
            if before is not None:
                before()
            peak_file = self.work / f"peak-{os.getpid()}"
            peak_file.unlink(missing_ok=True)
            with tempfile.TemporaryFile() as errors:
                start = time.perf_counter()
                process = subprocess.Popen(
                    command,
                    cwd=cwd,
                    env={**(env or self.env), "TRACKER_BENCH_PEAK": str(peak_file)},
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=errors,
                )
                _, status, _usage = os.wait4(process.pid, 0)
                elapsed = time.perf_counter() - start
                process.returncode = os.waitstatus_to_exitcode(status)
                if process.returncode not in ok:
                    errors.seek(0)
                    raise SystemExit(
                        f"failed ({process.returncode}): {' '.join(command)}\n"
                        f"{errors.read().decode(errors='replace')[-3000:]}"
                    )
            timing.seconds.append(elapsed)
            # The process's own peak (VmHWM), not wait4's rusage: that is the largest of the process, the
            # git it waited for, and this bench it was forked from (which floored it at ~26 MiB).
            try:
                timing.peak = max(timing.peak, int(peak_file.read_text()) * 1024)
            except (OSError, ValueError):  # not a Python process (Taskwarrior): no figure
                pass
        return timing

    def output(self, command: list[str], cwd: Path) -> str:
        return subprocess.run(command, cwd=cwd, env=self.env, capture_output=True, text=True, check=True).stdout

    def clear_cache(self) -> None:
        shutil.rmtree(self.cache, ignore_errors=True)

    def clear_plan_cache(self) -> None:
        """Forget parsed plans and recorded answers; keep the HEAD cache (last commits)."""
        for entry in [*self.cache.glob("tracker/plan-*"), *self.cache.glob("tracker/answer-*")]:
            entry.unlink()


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True, env={**os.environ, **ENV}
    ).stdout


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kib / MIB:.0f} GiB RAM"
    except (OSError, AttributeError):
        pass
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {git_version}"
    )


# --- Taskwarrior -------------------------------------------------------------------------


def taskwarrior_import(bench: Bench, issues: int) -> dict[str, str] | None:
    """A Taskwarrior database with one task per issue (same titles, projects, done-ness); its env."""
    task = shutil.which("task")
    if task is None:
        return None
    folder = bench.work / f"task-{issues}"
    folder.mkdir()
    rc = folder / "taskrc"
    rc.write_text(
        f"data.location={folder / 'data'}\nconfirmation=off\nverbose=nothing\n"
        "recurrence=off\nhooks=off\nnews.version=2.6.0\n"
    )
    source = folder / "tasks.json"
    with open(source, "w", encoding="utf-8") as out:
        for n in range(1, issues + 1):
            done = STATUSES[n % len(STATUSES)] == "complete"
            record = {
                "uuid": f"00000000-0000-4000-8000-{n:012d}",
                "description": f"Issue {n} — harden the service layer",
                "project": f"P{(n - 1) // 100 + 1}",
                "entry": "20251101T000000Z",
                "status": "completed" if done else "pending",
            }
            if done:
                record["end"] = "20251102T000000Z"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    env = {**bench.env, "TASKRC": str(rc), "TASKDATA": str(folder / "data")}
    subprocess.run([task, "import", str(source)], env=env, check=True, capture_output=True)
    subprocess.run([task, "summary"], env=env, check=True, capture_output=True)  # first-run housekeeping
    return env


# --- the measurements ---------------------------------------------------------------------


def repeated_against_taskwarrior(
    bench: Bench, command: list[str], cwd: Path, task_env: dict[str, str] | None, task: dict[int, Timing], n: int
) -> Timing:
    """`command` and, when there is a database, `task summary`, in turns: a busy moment weighs on both alike."""
    ours = Timing()
    if task_env is not None:
        task[n] = Timing()
    for _ in range(bench.runs):
        ours.add(bench.run(command, cwd, runs=1))
        if task_env is not None:
            task[n].add(bench.run([shutil.which("task") or "task", "summary"], bench.work, runs=1, env=task_env))
    return ours


def link_timings(bench: Bench, repo: Path, plan: Path) -> dict:
    """Linking every file the plan names, against git's own walk: timed inside a child process."""
    done = subprocess.run(
        [PY, __file__, "--time-links", str(repo), str(plan), str(bench.runs)],
        env=bench.env,
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(done.stdout)
    return {**{name: Timing(seconds) for name, seconds in found["timings"].items()}, "files": found["files"]}


def time_links(repo: Path, plan: Path, runs: int) -> None:
    """The child's side of link_timings: print the timings as JSON."""
    from tracker.git.links import link_paths, read_links
    from tracker.git.repo import GitRepo
    from tracker.plan.loader import load

    project = load(plan).project if plan.name != "ALL" else None
    every = git(repo, "ls-files", "-z").split("\0")[:-1] if project is None else []

    def read() -> object:  # every file of the repository, when the plan is "ALL"
        if project is not None:
            return read_links(project, plan)
        with GitRepo.open(repo) as opened:
            return link_paths(opened, every)

    cache = Path(os.environ["XDG_CACHE_HOME"]) / "tracker"
    timings: dict[str, list[float]] = {
        name: [] for name in ("walk", "cold", "warm", "walk-cpu", "cold-cpu", "warm-cpu")
    }

    def timed(name: str, action) -> object:
        """Wall seconds, and CPU seconds of this process and of the git processes it waited for
        (which a busy shared machine moves much less)."""
        start, cpu, children = time.perf_counter(), time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
        result = action()
        timings[name].append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        spent = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
        timings[f"{name}-cpu"].append(time.process_time() - cpu + spent)
        return result

    walk = ["git", "log", "--name-only", "-z", "--format=%H", "HEAD"]
    for _ in range(runs):
        timed("walk", lambda: subprocess.run(walk, cwd=repo, check=True, stdout=subprocess.DEVNULL))
        for entry in cache.glob("*"):  # every cache, whatever linking keeps now or later
            entry.unlink()
        links = timed("cold", read)
        for entry in cache.glob("linkmemo-*"):  # the HEAD caches only: the links are made again
            entry.unlink()
        timed("warm", read)
    print(json.dumps({"timings": timings, "files": len({link.path for link in links.links.values()})}))


def import_report(bench: Bench, plan: Path, cwd: Path) -> list[tuple[str, float, str]]:
    """Per command: total import time and which heavy packages it loaded (python -X importtime)."""
    heavy = ("textual", "rich", "git", "jinja2", "yaml", "msgspec", "click", "markdown_it")
    rows = []
    cases = [
        (["status"], "computed"),
        (["status"], "replayed"),
        (["status", "--json"], "computed"),
        (["status", "--json"], "replayed"),
        (["validate"], "plan cached"),
        (["summary"], "plan cached"),
    ]
    for args, how in cases:
        command = [PY, "-X", "importtime", "-m", "tracker", "--file", str(plan), *args]
        if how == "computed":
            bench.clear_plan_cache()
        done = subprocess.run(command, cwd=cwd, env=bench.env, capture_output=True, text=True)
        total, loaded = 0, set()
        for line in done.stderr.splitlines():
            match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
            if not match:
                continue
            if len(match.group(2)) == 1:  # imported by no other module: count it whole
                total += int(match.group(1))
            if match.group(3).split(".")[0] in heavy:  # at any depth: tracker's modules import them
                loaded.add(match.group(3).split(".")[0])
        rows.append((f"{' '.join(args)}` ({how})", total / 1e6, ", ".join(sorted(loaded)) or "—"))
    return rows


def main() -> None:
    installed.ensure()  # tracker timed as a user's install runs it (bench/installed.py)
    if sys.argv[1:2] == ["--time-links"]:
        time_links(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (3 for the slow ones)")
    parser.add_argument("--sizes", default="100,1000,10000", help="plan sizes (issues), comma-separated")
    parser.add_argument("--big", type=int, default=50000, help="issues in the large plan (0: skip it)")
    parser.add_argument("--huge", type=int, default=0, help="issues in the plan every warm command is timed on")
    parser.add_argument("--link-big", type=int, default=50000, help="files of the second linking repository")
    parser.add_argument("--commits", type=int, default=20000)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    args.sizes = [int(n) for n in args.sizes.split(",")]
    began = time.perf_counter()

    work = args.keep or Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work, args.runs)
    slow = max(3, args.runs - 2)
    repo = work / "repo"
    try:
        say(f"scratch folder {work}")
        start = time.perf_counter()
        if (repo / ".git").exists():
            shutil.rmtree(repo)
        # Built in a child process, as everything big here: a child's peak memory counts its parent's.
        subprocess.run(
            [
                PY,
                "-c",
                "import sys; sys.path.insert(0, sys.argv[1]); from gitrepo_fixture import "
                "build_history_repo; build_history_repo(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))",
                str(HERE),
                str(repo),
                str(args.commits),
                str(args.files),
            ],
            check=True,
        )
        paths = [file_path(i) for i in range(args.files)]
        build_seconds = time.perf_counter() - start
        say(f"repository: {args.commits} commits, {args.files} files in {build_seconds:.1f} s")
        sizes = [*args.sizes, *([args.big] if args.big else [])]
        plans = {n: write_plan(repo / "data" / f"plan-{n}.yaml", n, paths) for n in sizes}
        git(repo, "add", "data")
        git(repo, "-c", "user.name=Bench", "-c", "user.email=bench@example.org", "commit", "-q", "-m", "plans")
        # As the user's own git does sooner or later: refresh the index once the files are older
        # than it.  Files written in the second the index was are "racily clean" until then, and
        # every `git status` reads them again (tracker's own reads never write the index).
        time.sleep(1.1)
        git(repo, "update-index", "-q", "--refresh")

        # Bytecode written once, as after any install; then every figure below is a warm start.
        subprocess.run(
            [PY, "-c", "import tracker.cli.commands, tracker.tui.app, tracker.notes.gather, tracker.git.links"],
            env=bench.env,
            check=True,
        )

        # Taskwarrior databases with as many tasks, when it is installed; timed in turns with tracker below.
        task_version = None
        task_envs: dict[int, dict[str, str]] = {}
        if shutil.which("task"):
            task_version = subprocess.run(["task", "--version"], capture_output=True, text=True).stdout.strip()
            for n in sizes:
                say(f"Taskwarrior, {n} tasks")
                task_envs[n] = taskwarrior_import(bench, n)
        task: dict[int, Timing] = {}

        rows: dict[int, dict[str, Timing]] = {}
        for n in args.sizes:
            plan = plans[n]
            say(f"{n} issues ({plan.stat().st_size / MIB:.1f} MiB)")
            cli = [*bench.tracker, "--file", str(plan)]
            r = rows[n] = {}
            # The floor and the first runs take turns, so that a busy moment of the machine
            # weighs on both sides of their ratio alike.
            r["floor"], r["first-cold"], r["first-new"] = Timing(), Timing(), Timing()
            bench.run([*cli, "status", "--json"], repo, runs=1)  # the HEAD cache, for first-new
            for _turn in range(slow):
                r["floor"].add(bench.run([PY, "-c", FLOOR, str(plan)], repo, runs=1))
                r["first-new"].add(bench.run([*cli, "status", "--json"], repo, before=bench.clear_plan_cache, runs=1))
                r["first-cold"].add(bench.run([*cli, "status", "--json"], repo, before=bench.clear_cache, runs=1))
            bench.run([*cli, "status", "--json"], repo, runs=1)
            r["json"] = repeated_against_taskwarrior(bench, [*cli, "status", "--json"], repo, task_envs.get(n), task, n)
            # "Repeated": each command once untimed first, as a user has run it before.
            for key, command in (
                ("status", [*cli, "status"]),
                ("validate", [*cli, "validate"]),
                ("summary", [*cli, "summary"]),
            ):
                bench.run(command, repo, runs=1)
                r[key] = bench.run(command, repo)
            frame = [PY, str(HERE / "tui_first_frame.py"), str(plan)]
            # Warm: a dashboard opened on this plan before, which kept its outline (tui/outlines.py).
            bench.run(frame, repo, runs=1)
            r["tui"] = bench.run(frame, repo, runs=slow)
            r["tui-cold"] = bench.run(frame, repo, before=bench.clear_cache, runs=slow)
            # Each run completes another not-started issue, on the plan the run before wrote:
            # what a user's run of `set` commands looks like.
            edited = plan.with_name(f"set-{n}.yaml")
            shutil.copy(plan, edited)
            set_cli = [*bench.tracker, "--file", str(edited), "set"]
            not_started = [i for i in range(1, n + 1) if STATUSES[i % len(STATUSES)] == "not_started"]
            bench.run([*set_cli, str(not_started[0]), "complete"], repo, runs=1)
            r["set"] = Timing()
            for issue in not_started[1 : 1 + slow]:
                r["set"].add(bench.run([*set_cli, str(issue), "complete"], repo, runs=1))

        # The bundled plan as a user starts with it: copied into a repository of their own, committed.
        say("bundled plan")
        home = work / "project"
        bundled = home / "data" / "phases.yaml"
        bundled.parent.mkdir(parents=True)
        shutil.copy(ROOT / "data" / "phases.yaml", bundled)
        git(home, "init", "-q")
        git(home, "add", "data")
        git(home, "-c", "user.name=Bench", "-c", "user.email=bench@example.org", "commit", "-q", "-m", "plan")
        bundled_cli = [*bench.tracker, "--file", str(bundled)]
        time.sleep(2.1)  # files younger than 2 s are never trusted by the answer cache (cachefiles.RACY_NS)
        first = bench.run([*bundled_cli, "status"], home, before=bench.clear_cache)
        bench.run([*bundled_cli, "status", "--json"], home, runs=1)
        bundled_rows = {
            "first": first,
            "status": bench.run([*bundled_cli, "status"], home),
            "json": bench.run([*bundled_cli, "status", "--json"], home),
            "empty": bench.run([PY, "-c", "pass"], home),
            "tui": Timing(),
            "textual": Timing(),
        }
        for _turn in range(bench.runs):  # in turns, as the floors above: a busy moment weighs on both
            bundled_rows["tui"].add(bench.run([PY, str(HERE / "tui_first_frame.py"), str(bundled)], home, runs=1))
            bundled_rows["textual"].add(bench.run([PY, "-c", TEXTUAL_FLOOR], home, runs=1))

        largest = args.sizes[-1]
        say(f"repeated status in four states, {largest} issues")
        states = measure_states(
            bench,
            build_states(bench, repo, plans[largest], paths, largest, git),
            task_envs.get(largest),
            bench.runs,
            slow,
            Timing,
        )
        cache = cache_figures(bench, plans[largest])

        say("linking")
        links = link_timings(bench, repo, plans[args.sizes[-1]])
        links_big = None
        if args.link_big:
            say(f"linking {args.link_big} files")
            big_repo = work / "repo-big"
            if (big_repo / ".git").exists():
                shutil.rmtree(big_repo)
            subprocess.run(
                [
                    PY,
                    "-c",
                    "import sys; sys.path.insert(0, sys.argv[1]); from gitrepo_fixture import "
                    "build_history_repo; build_history_repo(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))",
                    str(HERE),
                    str(big_repo),
                    str(args.link_big * 2),
                    str(args.link_big),
                ],
                check=True,
            )
            links_big = link_timings(bench, big_repo, big_repo / "ALL")

        big: dict[str, Timing] = {}
        if args.big:
            say(f"{args.big} issues")
            cli = [*bench.tracker, "--file", str(plans[args.big]), "--max-bytes", str(1 << 30)]
            big["first"] = bench.run([*cli, "status", "--json"], repo, runs=1)
            big["json"] = repeated_against_taskwarrior(
                bench, [*cli, "status", "--json"], repo, task_envs.get(args.big), task, args.big
            )

        huge = None
        if args.huge:
            say(f"{args.huge} issues, every warm command")
            huge = measure_huge(bench, repo, paths, args.huge, slow, Timing, [PY, str(HERE / "tui_first_frame.py")])

        imports = import_report(bench, bundled, home)

        report = render(
            args,
            rows,
            bundled_rows,
            (links, links_big),
            (states, cache),
            huge,
            big,
            task,
            task_version,
            imports,
            plans,
            build_seconds,
            time.perf_counter() - began,
        )
        say("writes: set and add against task modify and the rewrite floor, the dashboard (bench_write.py)")
        writes = [PY, str(HERE / "bench_write.py"), "--runs", str(bench.runs), "--issues", str(max(args.sizes))]
        report += (
            "\n## Writes (bench/bench_write.py)\n\n" + subprocess.run(writes, capture_output=True, text=True).stdout
        )
        print(report)
        args.out.write_text(report, encoding="utf-8")
        say(f"written to {args.out}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def say(text: str) -> None:
    print(f"[bench] {text}", file=sys.stderr, flush=True)


def ratio_cell(ours: Timing, theirs: Timing) -> str:
    """Of the medians, and of the fastest runs (what is left when the shared machine is not in the way)."""
    return f"{ours.median / theirs.median:.2f}× ({min(ours.seconds) / min(theirs.seconds):.2f}×)"


def mib(n: int) -> str:
    return f"{n / MIB:.0f}" if n else "—"  # no figure: not a Python process


def render(
    args, rows, bundled, both_links, states, huge, big, task, task_version, imports, plans, build_seconds, total_seconds
) -> str:
    links, links_big = both_links
    states, cache = states
    cache_lines, cache_targets = render_cache(cache, args.sizes[-1])
    sizes = args.sizes
    largest = sizes[-1]
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Benchmark results",
        "",
        f"{when}, `.venv/bin/python bench/run.py` (runs: {args.runs}; 3 for the slow ones).",
        f"Machine: {machine()}.",
        f"Taskwarrior: {task_version or 'not installed'}.",
        f"Repository: {args.commits:,} commits over {args.files:,} files, built in {build_seconds:.0f} s.",
        "",
        "Seconds for the whole process, median (min–max). Ratios are of the medians, with the ratio of the",
        "fastest runs in brackets; the targets are judged on the medians. Commands compared in a ratio run in",
        "turns. Peak memory is the process's own (VmHWM, read by the process as it ends: bench/peakmem), not git's.",
        "",
        "| command | " + " | ".join(f"{n:,} issues ({plans[n].stat().st_size / MIB:.1f} MiB)" for n in sizes) + " |",
        "| --- |" + " --- |" * len(sizes),
    ]
    labels = [
        ("floor", "floor: python + PyYAML C loader, GC paused"),
        ("first-cold", "`status --json`, first run, nothing cached"),
        ("first-new", "`status --json`, first run on a new plan (git cache warm)"),
        ("json", "`status --json`, repeated"),
        ("status", "`status`, repeated"),
        ("validate", "`validate`, repeated"),
        ("summary", "`summary`, repeated"),
        ("set", "`set ISSUE complete` (each run on the plan the last one wrote)"),
        ("tui", "dashboard, first frame (headless), warm"),
        ("tui-cold", "dashboard, first frame (headless), nothing cached"),
    ]
    for key, label in labels:
        out.append(f"| {label} | " + " | ".join(rows[n][key].cell() for n in sizes) + " |")
    if task:
        out.append(
            "| Taskwarrior `task summary`, as many tasks | "
            + " | ".join(task[n].cell() if n in task else "—" for n in sizes)
            + " |"
        )
        out.append(
            "| ratio: `status --json` repeated / `task summary` (of the fastest runs) | "
            + " | ".join(ratio_cell(rows[n]["json"], task[n]) if n in task else "—" for n in sizes)
            + " |"
        )
    out.append(
        "| ratio: first run on a new plan / floor (of the fastest runs) | "
        + " | ".join(ratio_cell(rows[n]["first-new"], rows[n]["floor"]) for n in sizes)
        + " |"
    )
    out.append(
        "| ratio: first run, nothing cached / floor (of the fastest runs) | "
        + " | ".join(ratio_cell(rows[n]["first-cold"], rows[n]["floor"]) for n in sizes)
        + " |"
    )
    out += [
        "",
        "Peak resident memory of the same processes, MiB (the largest of the runs):",
        "",
        "| command | " + " | ".join(f"{n:,} issues" for n in sizes) + " |",
        "| --- |" + " --- |" * len(sizes),
    ]
    for key, label in labels:
        out.append(f"| {label} | " + " | ".join(mib(rows[n][key].peak) for n in sizes) + " |")
    out += [
        "",
        "Bundled plan (`data/phases.yaml`):",
        "",
        "| command | seconds | peak MiB |",
        "| --- | --- | --- |",
        f"| `python -c pass` | {bundled['empty'].cell()} | {mib(bundled['empty'].peak)} |",
        f"| a bare Textual app (one line of text), first frame (headless) | {bundled['textual'].cell()} | "
        f"{mib(bundled['textual'].peak)} |",
        f"| `tracker status`, first run (nothing cached) | {bundled['first'].cell()} | {mib(bundled['first'].peak)} |",
        f"| `tracker status`, repeated | {bundled['status'].cell()} | {mib(bundled['status'].peak)} |",
        f"| `tracker status --json`, repeated | {bundled['json'].cell()} | {mib(bundled['json'].peak)} |",
        f"| dashboard, first frame (headless) | {bundled['tui'].cell()} | {mib(bundled['tui'].peak)} |",
    ]
    files = links["files"]
    linked = [(links, f"the {files:,} files the {largest:,}-issue plan names ({args.commits:,} commits)")]
    if links_big:
        linked.append(
            (links_big, f"every file of a repository of {links_big['files']:,} ({args.link_big * 2:,} commits)")
        )
    out += [
        "",
        "Linking (in process, `read_links`), against one `git log --name-only` walk of HEAD, timed in turns;",
        '"HEAD caches only": last commits and HEAD\'s listing and line counts kept, the links themselves made again:',
        "",
        "| files | git walk | no cache | ratio (target ≤ 1.2×) | HEAD caches only (target ≤ 0.1 s) | CPU seconds"
        " (walk / no cache / HEAD caches only, git's included) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for timed, what in linked:
        ratio = timed["cold"].median / timed["walk"].median
        out.append(
            f"| {what} | {timed['walk'].cell()} | {timed['cold'].cell()} | {ratio:.2f}× "
            f"{'met' if ratio <= 1.2 else '**not met**'} | {timed['warm'].cell()} "
            f"{'met' if timed['warm'].median <= 0.1 else '**not met**'} | {timed['walk-cpu'].median:.3f} / "
            f"{timed['cold-cpu'].median:.3f} / {timed['warm-cpu'].median:.3f} |"
        )
    out += render_states(states, largest, mib)
    out += cache_lines
    if huge:
        out += render_huge(huge, args.huge, mib)
    if big:
        n = args.big
        out += [
            "",
            f"{n:,} issues ({plans[n].stat().st_size / MIB:.1f} MiB, `--max-bytes` raised):",
            "",
            "| what | seconds | peak MiB |",
            "| --- | --- | --- |",
            f"| `status --json`, first run | {big['first'].cell()} | {mib(big['first'].peak)} |",
            f"| `status --json`, repeated | {big['json'].cell()} | {mib(big['json'].peak)} |",
        ]
        if n in task:
            out += [
                f"| Taskwarrior `task summary`, {n:,} tasks | {task[n].cell()} | {mib(task[n].peak)} |",
                f"| ratio (of the fastest runs) | {ratio_cell(big['json'], task[n])} | |",
            ]
    out += [
        "",
        "Imports per command (`python -X importtime`, bundled plan):",
        "",
        "| command | import seconds | heavy packages loaded |",
        "| --- | --- | --- |",
    ]
    out += [f"| `tracker {name} | {seconds:.3f} | {loaded} |" for name, seconds, loaded in imports]

    targets = []

    def target(text: str, value: str, met: bool | None) -> None:
        targets.append(f"| {text} | {value} | {'—' if met is None else ('met' if met else '**not met**')} |")

    ten = rows[largest]
    if largest in task:
        ratio = ten["json"].median / task[largest].median
        target(f"`status --json` repeated, {largest:,} issues ≤ 2× `task summary`", f"{ratio:.2f}×", ratio <= 2)
    else:
        target(f"`status --json` repeated, {largest:,} issues ≤ 2× `task summary`", "Taskwarrior not installed", None)
    if big and args.big in task:
        ratio = big["json"].median / task[args.big].median
        target(f"`status --json` repeated, {args.big:,} issues < `task summary`", f"{ratio:.2f}×", ratio < 1)
    ratio = ten["first-new"].median / ten["floor"].median
    target(f"first run on a new plan ≤ 1.2× the floor ({largest:,} issues)", f"{ratio:.2f}×", ratio <= 1.2)
    ratio = links["cold"].median / links["walk"].median
    for timed, _what in linked:
        ratio = timed["cold"].median / timed["walk"].median
        count = timed["files"]
        target(f"linking {count:,} files ≤ 1.2× one `git log --name-only` walk", f"{ratio:.2f}×", ratio <= 1.2)
        warm = timed["warm"].median
        target(f"linking {count:,} files with only the HEAD caches ≤ 0.1 s", f"{warm:.3f} s", warm <= 0.1)
    target(
        "`tracker status`, bundled plan < 0.25 s (repeated)",
        f"{bundled['status'].median:.3f} s",
        bundled["status"].median < 0.25,
    )
    target(
        "`tracker status`, bundled plan < 0.25 s (first run, nothing cached)",
        f"{bundled['first'].median:.3f} s",
        bundled["first"].median < 0.25,
    )
    target(
        "dashboard first frame, bundled plan < 0.6 s",
        f"{bundled['tui'].median:.3f} s (a bare Textual app: {bundled['textual'].median:.3f} s)",
        bundled["tui"].median < 0.6,
    )
    cold_max = max(ten["tui-cold"].seconds)
    target(
        f"dashboard first frame, {largest:,} issues, nothing cached ≤ 2 s at its maximum",
        f"{cold_max:.3f} s (median {ten['tui-cold'].median:.3f})",
        cold_max <= 2,
    )
    target(
        f"dashboard first frame, {largest:,} issues, warm ≤ 1.0 s", f"{ten['tui'].median:.3f} s", ten["tui"].median <= 1
    )
    for state, row in states.items():
        if row["summary"].seconds:
            ratio = row["status"].median / row["summary"].median
            target(f"`status` repeated ({state}) ≤ 1× `task summary`", f"{ratio:.2f}×", ratio <= 1 and row["replayed"])
            ratio = row["json"].median / row["export"].median
            target(
                f"`status --json` repeated ({state}) ≤ 1.5× `task export`",
                f"{ratio:.2f}×",
                ratio <= 1.5 and row["replayed"],
            )
    for text, value, met in cache_targets:
        target(text, value, met)
    if huge:
        over = [name for name, timed in huge.items() if name != "size" and timed.median >= 0.5]
        target(
            f"every warm command at {args.huge:,} issues < 0.5 s",
            "over: " + ", ".join(over) if over else "all under",
            not over,
        )
    over = [label.split(",")[0] for key, label in labels if key != "floor" and ten[key].peak >= 200 * MIB]
    peak = max(t.peak for k, t in ten.items() if k != "floor")
    target(
        f"peak memory, {largest:,} issues < 200 MiB",
        f"largest {mib(peak)} MiB" + (f"; over: {', '.join(over)}" if over else ""),
        not over,
    )
    status_peak = max(ten[key].peak for key in ("first-cold", "first-new", "json", "status"))
    target(
        f"peak memory of `tracker status`, {largest:,} issues < 200 MiB",
        f"{mib(status_peak)} MiB",
        status_peak < 200 * MIB,
    )
    out += [
        "",
        "Targets (issues 7 and 17):",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
        *targets,
        "",
        f"Whole run: {total_seconds / 60:.1f} minutes.",
        "",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    main()
