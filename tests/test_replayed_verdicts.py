"""`tracker validate [--strict]` and `tracker export html|csv` are replayed only while nothing they depend on changed.

As in test_answers.py, a replay is told from a computation by overwriting the
recorded answer (keeping the entry well formed) with one no computation gives;
after one change the next answer must be computed again and be what a run with
an empty cache prints.  Every run is the real program in a process of its own
(cli/launch.py's `main`, as the `tracker` script runs it), with the answer
cache's two-second guard against files changed during a run set to zero,
except in the test that runs `python -m tracker` itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from answerutil import answer_entries, replace_recorded_answers
from conftest import tracker_env, wait_until_settled
from gitutil import Repo

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
          - path: src/Later.js
      - id: 2
        title: Later
        status: in_progress
        due: 2026-01-20
        deliverables:
          - path: src/later.js
"""
TODAY = "2026-01-15T09:30"  # before issue 2's due day
LATER = "2026-01-21T09:30"  # past it

# The program as the `tracker` script runs it, the two-second guard off.
PROGRAM = (
    "import sys\n"
    "from tracker.cli import replay\n"
    "replay.RACY_NS = 0\n"
    "sys.argv = ['tracker', *sys.argv[1:]]\n"
    "from tracker.cli.launch import main\n"
    "main()\n"
)
# The click CLI itself, for the forms launch.py takes first.
CLICK = (
    "import sys\n"
    "from tracker.cli import replay\n"
    "replay.RACY_NS = 0\n"
    "from tracker.cli.commands import main\n"
    "main(sys.argv[1:])\n"
)
REPLAYED_VERDICT = ["REPLAYED\n", "", 1]  # what validate wrote to stderr, to stdout, and its exit status
REPLAYED_EXPORT = b"REPLAYED\n"


@pytest.fixture
def shop(repo: Repo) -> Repo:
    repo.write("data/phases.yaml", PLAN)
    repo.write("src/retry.js", "retry();\n")
    repo.write("src/later.js", "later();\n")
    repo.commit("First version")
    repo.write("src/retry.js", "retry();\nagain();\n")  # modified: a further change leaves git status as is
    return repo


def run(
    repo: Repo, *args: str, now: str = TODAY, cache: Path | None = None, code: str = PROGRAM, **env_extra: str
) -> subprocess.CompletedProcess:
    env = tracker_env(cache, TRACKER_NOW=now, **env_extra)
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "tracker", *args]
    done = subprocess.run(command, cwd=repo.root, env=env, capture_output=True)
    assert b"Traceback" not in done.stderr, done.stderr
    return done


def fresh(repo: Repo, *args: str, tmp_path: Path, now: str = TODAY, **env_extra: str) -> subprocess.CompletedProcess:
    """What the command gives with an empty cache folder."""
    return run(repo, *args, now=now, cache=tmp_path / f"fresh-{len(list(tmp_path.glob('fresh-*')))}", **env_extra)


def outcome(done: subprocess.CompletedProcess) -> tuple[bytes, bytes, int]:
    return done.stdout, done.stderr, done.returncode


def mark_recorded_answers() -> None:
    """Replace every recorded answer by one no computation gives (text: a verdict of validate's), as a
    well-formed entry."""
    replace_recorded_answers(
        lambda codec: json.dumps(REPLAYED_VERDICT).encode() if codec == "zlib" else REPLAYED_EXPORT
    )


def replayed(done: subprocess.CompletedProcess) -> bool:
    return outcome(done) in ((b"", b"REPLAYED\n", 1), (REPLAYED_EXPORT, b"", 0))


VALIDATE = [("validate",), ("validate", "--strict"), ("--file", "data/phases.yaml", "validate", "--strict")]
EXPORT = [("export", "csv"), ("export", "html")]


@pytest.mark.parametrize("args", VALIDATE + EXPORT)
def test_the_second_run_replays_the_first_s_answer(shop: Repo, args: tuple[str, ...], tmp_path: Path):
    first = run(shop, *args)
    assert outcome(run(shop, *args)) == outcome(first) == outcome(fresh(shop, *args, tmp_path=tmp_path))
    mark_recorded_answers()
    assert replayed(run(shop, *args))


def test_validate_replays_its_errors_warnings_and_exit_status_exactly(shop: Repo):
    computed = run(shop, "validate", "--strict", now=LATER)
    assert computed.returncode == 1
    assert b"warning: path 'src/Later.js'" in computed.stderr and b"issue #2 was due 2026-01-20" in computed.stderr
    assert computed.stderr.endswith(b"data/phases.yaml: 3 errors\n") and computed.stdout == b""
    again = run(shop, "validate", "--strict", now=LATER)
    assert outcome(again) == outcome(computed)
    # The click CLI gives the same bytes, and replays the same entry.
    assert outcome(run(shop, "validate", "--strict", now=LATER, code=CLICK)) == outcome(computed)
    mark_recorded_answers()
    assert replayed(run(shop, "validate", "--strict", now=LATER, code=CLICK))
    assert replayed(run(shop, "validate", "--strict", now=LATER))


def test_a_plain_validate_is_answered_without_click(shop: Repo):
    code = PROGRAM.replace("main()\n", "from tracker.cli.launch import run\nstatus = run()\n") + (
        "sys.stderr.write('click ' + ('loaded' if 'click' in sys.modules else 'not loaded'))\nsys.exit(status)\n"
    )
    for _ in range(2):  # computed, then replayed
        done = run(shop, "validate", "--strict", code=code)
        assert done.returncode == 1 and done.stderr.endswith(b"2 errors\nclick not loaded"), done.stderr


def test_a_replayed_verdict_is_written_in_the_run_s_own_encoding(shop: Repo, tmp_path: Path):
    shop.write("data/phases.yaml", PLAN.replace("src/Later.js", "src/Läter.js"))
    code = PROGRAM.replace("main()\n", "from tracker.cli.launch import run\nstatus = run()\n") + (
        "print('computed' if 'tracker.git.links' in sys.modules else 'replayed', file=sys.stderr)\nsys.exit(status)\n"
    )
    computed = run(shop, "validate", code=code, PYTHONIOENCODING="utf-8")
    assert computed.stderr.endswith(b"computed\n") and "Läter".encode() in computed.stderr
    replayed = run(shop, "validate", code=code, PYTHONIOENCODING="latin-1")
    assert replayed.stderr.endswith(b"replayed\n") and "Läter".encode("latin-1") in replayed.stderr
    computed_now = fresh(shop, "validate", tmp_path=tmp_path, PYTHONIOENCODING="latin-1")
    assert (replayed.stdout, replayed.stderr.removesuffix(b"replayed\n"), replayed.returncode) == outcome(computed_now)


def edit_plan(repo: Repo) -> None:
    repo.write("data/phases.yaml", PLAN.replace("status: in_progress", "status: complete"))


def edit_modified_file(repo: Repo) -> None:
    repo.write("src/retry.js", "retry();\nagain();\nagain!\n")  # git status says what it said: its lstat tells


def edit_linked_file(repo: Repo) -> None:
    repo.write("src/later.js", "later();\nand later();\n")


def commit_linked_file(repo: Repo) -> None:
    repo.commit("Retry again", "src/retry.js")


def remove_linked_file(repo: Repo) -> None:
    (repo.root / "src" / "later.js").unlink()


def write_misspelt_file(repo: Repo) -> None:
    repo.write("src/Later.js", "later();\n")  # the deliverable that was missing


@pytest.mark.parametrize(
    "change",
    [edit_plan, edit_modified_file, edit_linked_file, commit_linked_file, remove_linked_file, write_misspelt_file],
)
@pytest.mark.parametrize("args", VALIDATE[:2] + EXPORT)
def test_a_change_means_computing_again(shop: Repo, change, args: tuple[str, ...], tmp_path: Path):
    run(shop, *args)
    mark_recorded_answers()
    assert replayed(run(shop, *args))
    change(shop)
    answer = run(shop, *args)
    assert not replayed(answer)
    assert outcome(answer) == outcome(fresh(shop, *args, tmp_path=tmp_path))


@pytest.mark.parametrize("args", VALIDATE[:2] + EXPORT)
def test_a_day_past_a_due_date_means_computing_again(shop: Repo, args: tuple[str, ...], tmp_path: Path):
    before = run(shop, *args)
    mark_recorded_answers()
    assert replayed(run(shop, *args))
    after = run(shop, *args, now=LATER)
    assert not replayed(after) and outcome(after) == outcome(fresh(shop, *args, tmp_path=tmp_path, now=LATER))
    if args in (("validate", "--strict"), ("export", "html")):  # what they show changes: issue 2 is overdue
        assert outcome(after) != outcome(before)


def test_strict_and_not_and_each_spelling_of_the_plan_have_their_own_answer(shop: Repo, tmp_path: Path):
    run(shop, "validate")
    mark_recorded_answers()
    strict = run(shop, "validate", "--strict", now=LATER)
    assert not replayed(strict) and strict.returncode == 1
    assert outcome(strict) == outcome(fresh(shop, "validate", "--strict", tmp_path=tmp_path, now=LATER))
    # The messages quote the plan as it was named: another name for the same plan is computed again.
    named = run(shop, "validate", "data/phases.yaml")
    assert not replayed(named) and named.stdout.startswith(b"data/phases.yaml: ok"), named.stdout
    assert replayed(run(shop, "validate"))
    assert replayed(run(shop, "validate", str(shop.root / "data" / "phases.yaml")))  # the name it is found by


def test_an_export_written_to_a_file_is_replayed_into_each_file(shop: Repo, tmp_path: Path):
    out = tmp_path / "out"
    first = run(shop, "export", "html", "-o", str(out / "a.html"))
    assert first.returncode == 1 and b"cannot write the html export" in first.stderr  # no folder: none made
    out.mkdir()
    assert run(shop, "export", "html", "-o", str(out / "a.html")).returncode == 0
    assert (out / "a.html").read_bytes() == run(shop, "export", "html").stdout
    assert (out / "a.html").read_bytes() == fresh(shop, "export", "html", tmp_path=tmp_path).stdout
    mark_recorded_answers()
    again = run(shop, "export", "html", "-o", str(out / "b.html"))
    assert again.returncode == 0 and again.stdout == b""
    assert (out / "b.html").read_bytes() == REPLAYED_EXPORT  # the replayed answer, written to the new file
    # A file the export may not replace is refused as when computed.
    refused = run(shop, "export", "html", "-o", "data/phases.yaml")
    assert refused.returncode == 1 and b"cannot write the html export" in refused.stderr
    assert (shop.root / "data" / "phases.yaml").read_text() == PLAN


def test_an_export_whose_history_git_status_does_not_vouch_for_is_not_kept(shop: Repo):
    shop.write("data/phases.yaml", "repo: ..\n" + PLAN)  # links read from the repository's root, not data/
    first = run(shop, "export", "csv")
    assert first.returncode == 0, first.stderr
    assert not answer_entries()


def test_the_real_program_replays_once_files_have_settled(shop: Repo):
    wait_until_settled()
    for args in (("validate", "--strict"), ("export", "csv")):
        first = run(shop, *args, code="")
        assert outcome(run(shop, *args, code="")) == outcome(first)
    mark_recorded_answers()
    assert replayed(run(shop, "validate", "--strict", code=""))
    assert replayed(run(shop, "export", "csv", code=""))
