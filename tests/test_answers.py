"""`tracker status` answers are replayed only while nothing they depend on has changed.

To tell a replayed answer from a computed one, a test overwrites the recorded
answer with REPLAYED (keeping the entry well formed); then it changes one
thing, and the next answer must be computed again and be what a run with no
cache at all prints.  The two-second guard against changes made during a run
is set to zero here, except in the test of that guard.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import zstandard
from answerutil import answer_entries, joined_entry, replace_recorded_answers, run_cli, run_fresh, split_entry
from conftest import tracker_env, wait_until_settled
from gitutil import ENV, Repo, make_repo

from tracker.cli import replay
from tracker.support import cachefiles

PLAN = """\
project: Shop
phases:
  - id: P1
    title: Fixes
    issues:
      - id: 1
        title: Retry
        status: complete
        files: [src/*.js]
        deliverables:
          - path: src/retry.js
          - path: build/out.js
      - id: 2
        title: Later
        status: in_progress
        deliverables:
          - path: src/later.js
"""
REPLAYED = b"REPLAYED\n"


@pytest.fixture
def shop(repo: Repo, settled: None) -> Repo:
    repo.write("data/phases.yaml", PLAN)
    repo.write("src/retry.js", "retry();\nagain();\n")
    repo.write(".gitignore", "build/\n")
    repo.write("build/out.js", "out();\n")
    repo.commit("First version")
    return repo


def status(repo: Repo | Path, *args: str) -> bytes:
    return run_cli(repo.root if isinstance(repo, Repo) else repo, "status", *args)


def fresh(repo: Repo | Path, *args: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """What the command prints with an empty cache folder."""
    return run_fresh(
        repo.root if isinstance(repo, Repo) else repo, "status", *args, tmp_path=tmp_path, monkeypatch=monkeypatch
    )


entries = answer_entries


def mark_recorded_answers() -> None:
    """Replace every recorded answer by REPLAYED, as a well-formed entry."""
    replace_recorded_answers(lambda codec: REPLAYED, text=False)


@pytest.mark.parametrize("args", [(), ("--json",), ("--files",), ("--ascii",)])
def test_an_unchanged_answer_is_replayed(shop: Repo, args: tuple[str, ...]):
    first = status(shop, *args)
    assert status(shop, *args) == first
    mark_recorded_answers()
    assert status(shop, *args) == REPLAYED


def test_each_command_line_has_its_own_answer(shop: Repo):
    plain, as_json = status(shop), status(shop, "--json")
    assert plain != as_json and len(entries()) == 2
    assert status(shop) == plain and status(shop, "--json") == as_json


def change_linked_file_again(repo: Repo) -> None:
    repo.write("src/retry.js", "retry();\nagain();\nand again();\n")


def change_ignored_file(repo: Repo) -> None:
    repo.write("build/out.js", "out();\nmore();\n")


def commit(repo: Repo) -> None:
    repo.write("src/retry.js", "retry();\n")
    repo.commit("Shorter", "src/retry.js")


def stage(repo: Repo) -> None:
    repo.git("add", "src/retry.js")


def add_untracked_match(repo: Repo) -> None:
    repo.write("src/new.js", "new();\n")


def create_missing_deliverable(repo: Repo) -> None:
    repo.write("src/later.js", "later();\n")


def delete_deliverable(repo: Repo) -> None:
    (repo.root / "src" / "retry.js").unlink()


def edit_plan(repo: Repo) -> None:
    repo.write("data/phases.yaml", PLAN.replace("status: in_progress", "status: complete"))


def new_repository_nearer_the_plan(repo: Repo) -> None:
    subprocess.run(["git", "init", "-q", str(repo.root / "data")], check=True, env={**os.environ, **ENV})


def new_tracker_version(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cachefiles, "__version__", "999.0")


@pytest.mark.parametrize(
    "change",
    [
        change_linked_file_again,
        change_ignored_file,
        commit,
        stage,
        add_untracked_match,
        create_missing_deliverable,
        delete_deliverable,
        edit_plan,
        new_repository_nearer_the_plan,
        new_tracker_version,
    ],
)
@pytest.mark.parametrize("args", [(), ("--json",)])
def test_a_change_means_computing_again(
    shop: Repo, change, args: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    shop.write("src/retry.js", "retry();\nagain();\nagain!\n")  # modified: a further change leaves git status as is
    status(shop, *args)
    mark_recorded_answers()
    assert status(shop, *args) == REPLAYED
    if change is new_tracker_version:
        change(shop, monkeypatch)
    else:
        change(shop)
    answer = status(shop, *args)
    assert answer != REPLAYED
    assert answer == fresh(shop, *args, tmp_path=tmp_path, monkeypatch=monkeypatch)


def test_a_library_installed_anew_means_computing_again(shop: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    library = tmp_path / "site" / "answerlib"
    library.mkdir(parents=True)
    (library / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(library.parent))
    monkeypatch.setattr(replay, "_LIBRARIES", (*replay._LIBRARIES, "answerlib"))
    monkeypatch.setattr(replay, "_found", [])  # found again, with answerlib
    status(shop, "--json")
    mark_recorded_answers()
    assert status(shop, "--json") == REPLAYED
    (library / "__init__.py").write_text("VERSION = 2\n")  # upgraded
    replay._found.clear()  # a new process
    assert status(shop, "--json") != REPLAYED


def test_touching_the_plan_without_changing_it_still_replays(shop: Repo):
    status(shop, "--json")
    mark_recorded_answers()
    plan = shop.root / "data" / "phases.yaml"
    os.utime(plan, ns=(plan.stat().st_atime_ns, plan.stat().st_mtime_ns + 10**9))
    assert status(shop, "--json") == REPLAYED


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "answer changed", "header only"])
def test_a_damaged_entry_means_computing_again(shop: Repo, damage: str):
    first = status(shop, "--json")
    (entry,) = entries()
    data = entry.read_bytes()
    length = int.from_bytes(data[-4:], "big")
    entry.write_bytes(
        {
            "truncated": data[10:],
            "garbage": b"\xff" * 64,
            "empty": b"",
            "answer changed": b"!!" + data[2:],
            "header only": data[-4 - length :],
        }[damage]
    )
    assert status(shop, "--json") == first


def header(entry: Path) -> dict:
    return split_entry(entry.read_bytes())[1]


def recorded_without_the_plan_s_times(entry: Path) -> None:
    """The entry as the recorder leaves it when the plan changed within two seconds of the run."""
    answer, kept = split_entry(entry.read_bytes())
    entry.write_bytes(joined_entry(answer, {**kept, "plan": []}))


def test_an_answer_recorded_without_the_plan_s_times_keeps_them_once_they_can_be_trusted(shop: Repo):
    """Else every replay would hash the whole plan, as it must while its times cannot be trusted."""
    status(shop, "--json")
    mark_recorded_answers()
    [entry] = entries()
    recorded_without_the_plan_s_times(entry)
    assert status(shop, "--json") == REPLAYED  # the plan's bytes are the ones it was recorded from
    plan = shop.root / "data" / "phases.yaml"
    assert header(entry)["plan"] == cachefiles.stat_signature(os.stat(plan))
    assert status(shop, "--json") == REPLAYED
    plan.write_text(PLAN.replace("Retry", "Retry again"))
    assert status(shop, "--json") != REPLAYED


def test_a_plan_of_another_size_is_not_read_to_know_the_answer_is_not_its(shop: Repo, monkeypatch: pytest.MonkeyPatch):
    """The plan's times are not trusted right after a change (as after a `set`), so a replay compares its bytes
    with those the answer was computed from; when its size says they differ, they are neither read nor hashed."""
    status(shop, "--json")
    mark_recorded_answers()
    [entry] = entries()
    recorded_without_the_plan_s_times(entry)
    hashed: list[tuple] = []
    same_bytes = replay._same_bytes
    monkeypatch.setattr(replay, "_same_bytes", lambda *args: hashed.append(args) or same_bytes(*args))
    plan = shop.root / "data" / "phases.yaml"
    plan.write_text(PLAN.replace("Retry", "Retri"))  # the same size: only the bytes can tell
    assert status(shop, "--json") != REPLAYED and len(hashed) == 1
    mark_recorded_answers()
    [entry] = entries()
    recorded_without_the_plan_s_times(entry)
    plan.write_text(PLAN.replace("status: in_progress", "status: complete"))  # another size
    answer = status(shop, "--json")
    assert answer != REPLAYED and len(hashed) == 1  # not hashed again
    assert json.loads(answer)["phases"][0]["issues"][1]["status"] == "complete"


def test_an_answer_is_not_given_plan_times_that_cannot_be_trusted_yet(shop: Repo, monkeypatch: pytest.MonkeyPatch):
    status(shop, "--json")
    mark_recorded_answers()
    [entry] = entries()
    recorded_without_the_plan_s_times(entry)
    monkeypatch.setattr(replay, "RACY_NS", 2_000_000_000)
    (shop.root / "data" / "phases.yaml").write_text(PLAN)  # the same bytes, written a moment ago
    assert status(shop, "--json") == REPLAYED
    assert header(entry)["plan"] == []


def test_a_text_answer_that_does_not_decompress_is_computed_again(
    shop: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Its CRC right, its body not what zlib wrote: a text answer is decompressed whole before it is written."""
    first = status(shop)
    [entry] = entries()
    recorded = header(entry)
    assert recorded["codec"] == "zlib"
    body = b"x\x9c not zlib"
    encoded = json.dumps({**recorded, "size": len(body), "crc": zlib.crc32(body)}).encode()
    entry.write_bytes(body + encoded + len(encoded).to_bytes(4, "big"))
    assert status(shop) == first == fresh(shop, tmp_path=tmp_path, monkeypatch=monkeypatch)


def test_a_json_answer_is_kept_with_zstandard(shop: Repo):
    answer = status(shop, "--json")
    [entry] = entries()
    recorded = header(entry)
    assert recorded["codec"] == "zstd"
    unpack = zstandard.ZstdDecompressor().decompressobj()
    assert unpack.decompress(entry.read_bytes()[: recorded["size"]]) == answer and unpack.eof


def test_a_file_changed_just_before_the_run_is_not_trusted(shop: Repo, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(replay, "RACY_NS", 2_000_000_000)
    shop.write("src/retry.js", "changed a moment ago\n")
    status(shop, "--json")
    assert entries() == []


def test_a_symlinked_deliverable_s_target_changed_during_the_run_is_not_trusted(repo: Repo):
    """The answer counts the target's lines; a write to it after they were read, before the answer is
    recorded, must not leave the old count kept under the target's new stat (replayed ever after)."""
    issues = "".join(
        f"      - id: {n}\n        title: Issue {n}\n        status: in_progress\n        deliverables:\n"
        f"          - path: docs/current.md\n          - path: src/f{n}.md\n"
        for n in range(1, 300)
    )
    repo.write("data/phases.yaml", f"project: Shop\nphases:\n  - id: P1\n    title: Fixes\n    issues:\n{issues}")
    repo.write(".gitignore", "build/\n")
    target = repo.write("build/v1.md", "one line\n")  # ignored: rewriting it leaves `git status` as it was
    (repo.root / "docs").mkdir()
    (repo.root / "docs" / "current.md").symlink_to("../build/v1.md")
    repo.commit("First")
    wait_until_settled()  # the symlink and its target were written long enough before the run to be trusted
    command = [sys.executable, "-m", "tracker", "--file", str(repo.root / "data" / "phases.yaml"), "status", "--json"]

    def lines(answer: bytes) -> int:
        return json.loads(answer)["phases"][0]["issues"][0]["deliverables"][0]["git"]["lines"]

    # The answer (half a megabyte) fills the pipe and waits for it to be read: it was computed, its links
    # measured, before its first bytes came, and is recorded after its last.
    run = subprocess.Popen(command, cwd=repo.root, env=tracker_env(), stdout=subprocess.PIPE)
    assert run.stdout is not None
    first = run.stdout.read(4096)
    target.write_text("a\nb\nc\n")
    assert lines(first + run.stdout.read()) == 1 and run.wait() == 0
    again = subprocess.run(command, cwd=repo.root, env=tracker_env(), capture_output=True, check=True).stdout
    assert lines(again) == 3


@pytest.mark.parametrize("args", [(), ("--json",)])
def test_an_answer_about_files_still_to_be_written_is_replayed(
    shop: Repo, args: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Most plans name files not written yet: the answer is replayed (the same bytes as computed
    afresh) until one of them appears."""
    first = status(shop, *args)
    assert first == fresh(shop, *args, tmp_path=tmp_path, monkeypatch=monkeypatch)
    mark_recorded_answers()
    assert status(shop, *args) == REPLAYED
    create_missing_deliverable(shop)
    answer = status(shop, *args)
    assert answer != REPLAYED
    if args:  # the plain table shows no deliverable of an open issue
        assert answer != first
    assert answer == fresh(shop, *args, tmp_path=tmp_path, monkeypatch=monkeypatch)


def plain_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shop's plan in a folder no repository holds, src/retry.js written and src/later.js not yet."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no repository above the test's folder
    project = tmp_path / "plain"
    (project / "data").mkdir(parents=True)
    (project / "data" / "phases.yaml").write_text(PLAN)
    (project / "src").mkdir()
    (project / "src" / "retry.js").write_text("retry();\n")
    return project


def write_later(project: Path) -> None:
    (project / "src" / "later.js").write_text("later();\n")


def remove_retry(project: Path) -> None:
    (project / "src" / "retry.js").unlink()


def make_it_a_repository(project: Path) -> None:
    subprocess.run(["git", "init", "-q", str(project)], check=True, env={**os.environ, **ENV})


def make_it_a_bare_repository(project: Path) -> None:
    subprocess.run(["git", "init", "-q", "--bare", str(project / "data")], check=True, env={**os.environ, **ENV})


def edit_plain_plan(project: Path) -> None:
    (project / "data" / "phases.yaml").write_text(PLAN.replace("status: in_progress", "status: complete"))


@pytest.mark.parametrize(
    "change", [write_later, remove_retry, make_it_a_repository, make_it_a_bare_repository, edit_plain_plan]
)
@pytest.mark.parametrize("args", [(), ("--json",)])
def test_without_git_the_answer_is_replayed_until_a_file_or_a_repository_appears(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None, change, args: tuple[str, ...]
):
    project = plain_folder(tmp_path, monkeypatch)
    first = status(project, *args)
    assert first == fresh(project, *args, tmp_path=tmp_path, monkeypatch=monkeypatch)
    if args:
        links = json.loads(first)["phases"][0]["issues"]
        states = {d["path"]: d["git"]["state"] for issue in links for d in issue["deliverables"]}
        assert states["src/later.js"] == "missing" and states["src/retry.js"] == "no-git"
    mark_recorded_answers()
    assert status(project, *args) == REPLAYED
    change(project)
    answer = status(project, *args)
    assert answer != REPLAYED
    assert answer == fresh(project, *args, tmp_path=tmp_path, monkeypatch=monkeypatch)


@pytest.mark.parametrize("args", [(), ("--json",)])
def test_outside_git_a_replayed_answer_asks_git_nothing_until_a_repository_may_be_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None, args: tuple[str, ...]
):
    project = plain_folder(tmp_path, monkeypatch)
    status(project, *args)
    mark_recorded_answers()
    asked: list[str] = []
    real = replay.ask_status
    monkeypatch.setattr(replay, "ask_status", lambda start: asked.append(start) or real(start))
    assert status(project, *args) == REPLAYED
    assert asked == []  # one process: nothing above could be a repository, so git could only refuse again
    (project / "refs").mkdir()  # not a repository, but git is asked: it says so, and the answer holds
    assert status(project, *args) == REPLAYED and asked
    make_it_a_repository(project)
    assert status(project, *args) != REPLAYED
    assert status(project, *args) == fresh(project, *args, tmp_path=tmp_path, monkeypatch=monkeypatch)


def test_an_answer_that_git_vouched_for_is_not_replayed_once_git_cannot_run(
    shop: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    status(shop)
    mark_recorded_answers()
    assert status(shop) == REPLAYED
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))  # what git would say now is unknown
    assert status(shop) != REPLAYED


def test_a_replayed_answer_loads_neither_yaml_nor_git_nor_the_model(shop: Repo):
    plan = str(shop.root / "data" / "phases.yaml")
    code = (
        "import sys\n"
        "from tracker.cli import replay\n"
        "from tracker.cli.commands import main\n"
        "replay.RACY_NS = 0\n"
        "main(['--file', sys.argv[1], 'status', '--json'], standalone_mode=False)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', 'git', 'msgspec', 'textual')))\n"
    )
    env = {**os.environ}
    first = subprocess.run([sys.executable, "-c", code, plan], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    # Computed: it parsed the plan, and asked git itself (GitPython is the summary's, for history).
    assert "'yaml'" in first.stdout and "'git'" not in first.stdout
    again = subprocess.run([sys.executable, "-c", code, plan], capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == "[]"


def test_an_error_writing_the_answer_is_the_caller_s_not_a_miss(shop: Repo):
    from tracker.cli.discovery import DEFAULT_MAX_BYTES

    status(shop, "--json")
    written = []

    def full_disk(piece) -> None:
        written.append(piece)
        raise OSError(28, "No space left on device")

    command = replay.status_command(True, False, False, DEFAULT_MAX_BYTES)
    with pytest.raises(OSError):
        replay.replay(shop.root / "data" / "phases.yaml", command, full_disk, DEFAULT_MAX_BYTES)
    assert len(written) == 1  # and nothing is written again by computing the answer afresh


def test_an_answer_about_a_file_in_a_submodule_is_never_replayed(shop: Repo, tmp_path: Path):
    """Amending the submodule's commit changes neither the outer `git status` nor any stat the entry
    would hold (issue 14, D03): such an answer is computed every time, as the link memo does."""
    lib = make_repo(tmp_path / "lib")
    lib.write("lib.txt", "a\n")
    lib.commit("sub: first")
    shop.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib.root), "vendor/sub")
    shop.write("data/phases.yaml", PLAN.replace("path: src/later.js", "path: vendor/sub/lib.txt"))
    shop.commit("submodule")
    inner = Repo(shop.root / "vendor" / "sub")
    inner.write("lib.txt", "a\nb\n")
    inner.commit("sub: second")
    assert b"sub: second" in status(shop, "--files")
    inner.git("commit", "-q", "--amend", "-m", "sub: second, amended")
    assert b"sub: second, amended" in status(shop, "--files")
    assert not entries()


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_plan_replaced_by_a_fifo_or_a_device_is_not_read_to_check_the_answer(shop: Repo, kind: str):
    # The recorded answer is checked against the plan's bytes when its stat changed: read as every
    # command reads the plan (a regular file, at most the limit), so this neither hangs nor reads forever.
    status(shop, "--json")
    assert entries()
    plan = shop.root / "data" / "phases.yaml"
    plan.unlink()
    if kind == "fifo":
        os.mkfifo(plan)
    else:
        plan.symlink_to("/dev/zero")
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--file", str(plan), "status", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    what = "a FIFO" if kind == "fifo" else "a device or socket"
    assert (done.returncode, done.stdout) == (1, "")
    assert f"{plan}: error: this is {what}, not a plan file" in done.stderr


def test_a_plan_that_names_its_work_tree_elsewhere_is_answered_from_there_and_replayed(
    shop: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`git status` is asked ahead from the plan's own folder (no repository here); the answer's is
    asked again from the work tree `repo:` names, and vouches for the replay."""
    plans = tmp_path / "plans"
    (plans / "data").mkdir(parents=True)
    (plans / "data" / "phases.yaml").write_text(f"repo: {shop.root}\n{PLAN}", encoding="utf-8")
    first = status(plans, "--json")
    assert json.loads(first)["repo"]["root"] == str(shop.root)
    mark_recorded_answers()
    assert status(plans, "--json") == REPLAYED
    commit(shop)
    answer = status(plans, "--json")
    assert answer != REPLAYED and answer == fresh(plans, "--json", tmp_path=tmp_path, monkeypatch=monkeypatch)


# What a replayed `status` must not import: each is milliseconds of a run that Taskwarrior's `task summary`
# (one C++ process, 57 ms at 10,000 tasks) does in all (see cli/replay.py).
HEAVY = {
    "collections",
    "contextlib",
    "datetime",
    "enum",
    "functools",
    "hashlib",
    "importlib.util",
    "json",
    "pathlib",
    "re",
    "signal",
    "subprocess",
    "threading",
    "typing",
}


@pytest.mark.parametrize("where", ["git", "outside git"])
def test_a_replayed_status_imports_nothing_heavy(shop: Repo, tmp_path: Path, monkeypatch, where: str):
    """The real program, replaying: without `site` (whose editable-install hook imports most of HEAVY
    itself), with tracker and the libraries found where they are now, so the answer's name is the same."""
    project = shop.root if where == "git" else plain_folder(tmp_path, monkeypatch)
    status(project)
    mark_recorded_answers()
    root = Path(replay.__file__).resolve().parent.parent.parent
    paths = [str(root), *(path for path in sys.path if path.endswith("site-packages"))]
    program = (
        "import sys\n"
        f"sys.path[:0] = {paths!r}\n"
        "before = set(sys.modules)\n"
        "from tracker.cli.launch import run\n"
        "status = run()\n"
        "sys.stderr.write(' '.join(sorted(set(sys.modules) - before)))\n"
        "sys.exit(status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", program, "--file", str(project / "data" / "phases.yaml"), "status"],
        capture_output=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (0, REPLAYED), done.stderr
    imported = set(done.stderr.decode().split())
    assert "tracker.cli.replay" in imported
    assert imported & HEAVY == set()


@pytest.mark.parametrize("where", ["git", "outside git"])
def test_status_works_when_started_with_sigchld_ignored(
    shop: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
):
    """A parent that ignores SIGCHLD passes that on through exec: the system reaps git itself, and
    waiting for it says ECHILD (as subprocess knows).  `status` must still answer, and replay."""
    import signal

    def ignore_children() -> None:
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)

    project = shop.root if where == "git" else plain_folder(tmp_path, monkeypatch)
    plan = str(project / "data" / "phases.yaml")
    runs = [
        subprocess.run(
            [sys.executable, "-m", "tracker", "--file", plan, "status"],
            capture_output=True,
            preexec_fn=ignore_children,
            timeout=60,
        )
        for _ in range(2)
    ]
    expected = status(project)
    assert [(run.returncode, run.stderr, run.stdout) for run in runs] == [(0, b"", expected)] * 2


def test_an_answer_about_a_work_tree_folder_not_there_is_not_replayed_once_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
):
    """`repo:` names a folder whose parent is missing too: git cannot even start there, so what git
    would say is unknown (Popen(cwd=) failed); an answer must not outlive the folder appearing."""
    project = plain_folder(tmp_path, monkeypatch)
    plan = project / "data" / "phases.yaml"
    plan.write_text(plan.read_text().replace("project: Shop\n", "project: Shop\nrepo: ../a/b\n"))
    first = status(project, "--json")
    assert "does not exist" in json.loads(first)["repo"]["message"]
    (project / "a").mkdir()
    answer = status(project, "--json")
    assert answer == fresh(project, "--json", tmp_path=tmp_path, monkeypatch=monkeypatch)


def test_a_replay_that_kept_the_plan_s_times_is_not_kept_again(shop: Repo):
    """Once the plan's times are kept (see the test above), a replay reads the entry and writes nothing."""
    status(shop, "--json")
    mark_recorded_answers()
    [entry] = entries()
    recorded_without_the_plan_s_times(entry)
    assert status(shop, "--json") == REPLAYED  # keeps the times: the entry is written once more
    settled = entry.stat().st_ino
    assert status(shop, "--json") == REPLAYED
    assert entry.stat().st_ino == settled
    assert "settled" not in header(entry)
