"""`tracker summary` is replayed only while nothing its note was made from has changed (cli/summary.py).

As in test_replayed_verdicts.py, a replay is told from a computation by
overwriting the recorded note (keeping the entry well formed) with one no
computation gives; after one change the next note must be made again and be
what a run with an empty cache makes.  Every run is the real program in a
process of its own, the answer cache's two-second guard set to zero.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from answerutil import answer_entries, replace_recorded_answers
from conftest import tracker_env
from gitutil import Repo
from test_replayed_verdicts import LATER, PROGRAM, TODAY, fresh, outcome, run

PLAN = """\
project: Shop
phases:
  - id: P1
    title: Fixes
    issues:
      - id: 1
        title: Retry
        status: {first}
        deliverables:
          - path: src/retry.js
      - id: 2
        title: Later
        status: in_progress
        due: 2026-01-20
sessions:
  - date: 2025-11-30
    focus: Fixes
"""
# With the session's title, as the note it stands for: a note is written only over its own session's note
# (notes/replacing.py), and the tests replay it into files the real note was written to.
REPLAYED = b"# Session Summary - November 30, 2025\n\n**Project**: Shop\n\nREPLAYED\n"


@pytest.fixture
def shop(repo: Repo) -> Repo:
    """The plan and its files committed the day before the session; the session's commit; then, in the work
    tree, a file that is not a deliverable modified and one untracked (the session still open)."""
    repo.write(".gitignore", "build/\n")
    repo.write("data/phases.yaml", PLAN.format(first="not_started"))
    repo.write("src/app.js", "app();\n")
    repo.write("docs/guide.md", "# Guide\n")
    repo.commit("Plan", date="2025-11-29T16:00:00+00:00")
    repo.write("data/phases.yaml", PLAN.format(first="complete"))
    repo.write("src/retry.js", "retry();\nagain();\n")
    repo.write("src/app.js", "app();\nmore();\n")
    repo.commit("Retry", date="2025-11-30T10:00:00+00:00")
    repo.write("docs/guide.md", "# Guide\n\nRead me.\n")
    repo.write("src/new.js", "new();\n")
    return repo


def mark_recorded_notes() -> None:
    """Replace every recorded note by one no computation gives, as a well-formed entry."""
    replace_recorded_answers(lambda codec: REPLAYED)


def replayed(done) -> bool:
    return outcome(done) == (REPLAYED, b"", 0)


def test_a_repeated_summary_replays_the_note_it_made(shop: Repo, tmp_path: Path):
    first = run(shop, "summary")
    assert first.returncode == 0 and b"docs/guide.md" in first.stdout and b"new.js (1 line, untracked)" in first.stdout
    assert outcome(run(shop, "summary")) == outcome(first) == outcome(fresh(shop, "summary", tmp_path=tmp_path))
    assert len(answer_entries()) == 1
    mark_recorded_notes()
    assert replayed(run(shop, "summary"))


def test_a_note_written_to_a_file_is_replayed_into_it(shop: Repo, tmp_path: Path):
    note = shop.root / "notes" / "a.md"
    assert outcome(run(shop, "summary", "-o", "notes/a.md")) == (b"", b"", 0)
    made = note.read_bytes()
    assert b"this file" in made
    # Kept before the file was there: git status now shows it, and the second run is made and kept again.
    assert run(shop, "summary", "-o", "notes/a.md").returncode == 0 and note.read_bytes() == made
    assert fresh(shop, "summary", "-o", "notes/a.md", tmp_path=tmp_path).returncode == 0
    assert note.read_bytes() == made
    mark_recorded_notes()
    assert outcome(run(shop, "summary", "-o", "notes/a.md")) == (b"", b"", 0)
    assert note.read_bytes() == REPLAYED
    # A file the note may not replace is refused as when it is made.
    refused = run(shop, "summary", "-o", "data/phases.yaml")
    assert refused.returncode == 1 and b"cannot write the summary" in refused.stderr


def edit_modified_file(repo: Repo) -> None:
    repo.write("docs/guide.md", "# Guide\n\nRead me.\nTwice.\n")  # git status says what it said: its lstat tells


def edit_untracked_file(repo: Repo) -> None:
    repo.write("src/new.js", "new();\nnewer();\n")  # git status says what it said: the note's links tell


def commit(repo: Repo) -> None:
    repo.commit("New", "src/new.js", date="2025-11-30T12:00:00+00:00")


def edit_plan(repo: Repo) -> None:
    repo.write("data/phases.yaml", PLAN.format(first="in_progress"))


@pytest.mark.parametrize("change", [edit_modified_file, edit_untracked_file, commit, edit_plan])
def test_a_change_means_making_the_note_again(shop: Repo, change, tmp_path: Path):
    before = run(shop, "summary")
    mark_recorded_notes()
    assert replayed(run(shop, "summary"))
    change(shop)
    after = run(shop, "summary")
    assert not replayed(after) and outcome(after) == outcome(fresh(shop, "summary", tmp_path=tmp_path))
    assert after.stdout != before.stdout


def test_a_changed_file_put_back_as_the_session_found_it_and_changed_again_means_making_the_note_again(
    shop: Repo, tmp_path: Path
):
    """The window's changes are a diff against the work tree: a file git calls modified whatever it holds may
    be in the note or not by what it holds, though it is no file the note reports on."""
    shop.write("src/app.js", "app();\n")  # as at the session's start: still modified for git, not changed in the note
    assert b"src/app.js" not in run(shop, "summary").stdout
    mark_recorded_notes()
    assert replayed(run(shop, "summary"))
    shop.write("src/app.js", "app();\nagain();\n")
    after = run(shop, "summary")
    assert not replayed(after) and b"src/app.js" in after.stdout
    assert outcome(after) == outcome(fresh(shop, "summary", tmp_path=tmp_path))


def test_the_next_day_means_making_the_note_again(shop: Repo, tmp_path: Path):
    before = run(shop, "summary")
    mark_recorded_notes()
    assert replayed(run(shop, "summary"))
    after = run(shop, "summary", now=LATER)  # past issue 2's due day: it is overdue
    assert not replayed(after) and outcome(after) == outcome(fresh(shop, "summary", now=LATER, tmp_path=tmp_path))
    assert b"2026-01-20" in after.stdout and b"2026-01-20" not in before.stdout


@pytest.mark.parametrize(
    "options",
    [
        ("--plain",),
        ("--no-front-matter",),
        ("--front-matter",),
        ("--since", "2025-11-30"),
        ("--session", "2025-11-30"),
        ("--max-bytes", "100000"),
    ],
    ids=["plain", "no-front-matter", "front-matter", "since", "session", "max-bytes"],
)
def test_each_command_line_has_its_own_note(shop: Repo, options: tuple[str, ...], tmp_path: Path):
    run(shop, "summary")
    mark_recorded_notes()
    other = run(shop, "summary", *options)
    assert not replayed(other) and outcome(other) == outcome(fresh(shop, "summary", *options, tmp_path=tmp_path))
    assert replayed(run(shop, "summary"))


def test_each_file_written_has_its_own_note(shop: Repo):
    for _ in range(2):  # the second is kept with notes/a.md there, as git status will see it next
        run(shop, "summary", "-o", "notes/a.md")
    mark_recorded_notes()
    run(shop, "summary", "-o", "notes/a.md")
    assert (shop.root / "notes" / "a.md").read_bytes() == REPLAYED
    assert run(shop, "summary", "-o", "notes/b.md").returncode == 0
    made = (shop.root / "notes" / "b.md").read_bytes()
    assert made != REPLAYED and b"b.md" in made and b"a.md" in made  # b.md is this file; a.md untracked


@pytest.mark.parametrize("move", ["elsewhere", "deleted"])
def test_a_named_revision_that_comes_to_name_another_commit_means_making_the_note_again(
    shop: Repo, move: str, tmp_path: Path
):
    start = shop.git("rev-parse", "HEAD~1")
    shop.git("branch", "topic", start)
    before = run(shop, "summary", "--since", "topic")
    mark_recorded_notes()
    assert replayed(run(shop, "summary", "--since", "topic"))
    # git status says what it said: HEAD and its branch are as they were.
    shop.git("branch", "-f", "topic", "HEAD") if move == "elsewhere" else shop.git("branch", "-D", "topic")
    after = run(shop, "summary", "--since", "topic")
    assert not replayed(after) and outcome(after) != outcome(before)
    assert outcome(after) == outcome(fresh(shop, "summary", "--since", "topic", tmp_path=tmp_path))


@pytest.mark.parametrize("branch", ["moved", "made"])
def test_the_session_s_own_start_coming_to_name_another_commit_means_making_the_note_again(
    shop: Repo, branch: str, tmp_path: Path
):
    """`--since` the commit the session's `since: start` names is the session's own window, titled as the
    session; once the branch `start` moves, the same --since is a window of its own, titled by its days (and
    the other way round once a `start` that named no commit is made there).  The replay asked git again about
    --since's revision only, and gave back the title it had."""
    plan = shop.root / "data" / "phases.yaml"
    plan.write_text(plan.read_text() + "    since: start\n")
    sha = shop.git("rev-parse", "HEAD~1")
    own, other = b"# Session Summary - November 30, 2025\n", b"# Summary - November 29, 2025 to "
    if branch == "moved":
        shop.git("branch", "start", sha)
    before = run(shop, "summary", "--since", sha)
    assert (own if branch == "moved" else other) in outcome(before)[0]
    mark_recorded_notes()
    assert replayed(run(shop, "summary", "--since", sha))
    # git status says what it said: HEAD and its branch are as they were.
    shop.git("branch", "-f", "start", "HEAD" if branch == "moved" else sha)
    after = run(shop, "summary", "--since", sha)
    assert not replayed(after) and (other if branch == "moved" else own) in outcome(after)[0]
    assert outcome(after) == outcome(fresh(shop, "summary", "--since", sha, tmp_path=tmp_path))


def test_a_gitignore_that_comes_to_ignore_the_output_means_making_the_note_again(shop: Repo, tmp_path: Path):
    """Whether the file written is one the session made is git's ignore rules' to say, and a .gitignore that
    ignores itself can change them without `git status` saying anything new."""
    shop.write("notes/.gitignore", ".gitignore\n")
    made_again_once_ignored(shop, lambda: shop.write("notes/.gitignore", ".gitignore\na.md\n"), tmp_path)


def test_an_exclude_file_that_comes_to_ignore_the_output_of_a_linked_worktree_means_making_the_note_again(
    shop: Repo, tmp_path: Path
):
    """A linked worktree's `.git` is a file: git reads its exclude file from the repository it shares."""
    linked = Repo(tmp_path / "linked")
    shop.git("worktree", "add", "-q", "--detach", str(linked.root), "HEAD")
    # git status says what it said: notes/a.md is not there
    made_again_once_ignored(linked, lambda: shop.write(".git/info/exclude", "notes/a.md\n"), tmp_path)


def made_again_once_ignored(repo: Repo, ignore, tmp_path: Path) -> None:
    """`summary -o notes/a.md` in `repo` lists its own file; with the file gone (git status says what it said
    when the note was kept) it is replayed; once `ignore()` makes git ignore that file, the note is made again,
    without "this file", as a fresh run makes it."""
    note = repo.root / "notes" / "a.md"
    run(repo, "summary", "-o", "notes/a.md")
    assert b"this file" in note.read_bytes()
    note.unlink()
    mark_recorded_notes()
    run(repo, "summary", "-o", "notes/a.md")
    assert note.read_bytes() == REPLAYED
    note.unlink()
    ignore()
    run(repo, "summary", "-o", "notes/a.md")
    made = note.read_bytes()
    assert made != REPLAYED and b"this file" not in made
    note.unlink()
    fresh(repo, "summary", "-o", "notes/a.md", tmp_path=tmp_path)
    assert note.read_bytes() == made


def test_a_note_written_to_a_descriptor_is_never_kept(shop: Repo):
    """-o /dev/stdout into a pipe: its real path names the pipe in this process (/proc/PID/fd/pipe:[N]), a new
    name at every run, whose entries would push every other answer out of the cache."""
    plain = run(shop, "summary")
    for _ in range(3):
        assert outcome(run(shop, "summary", "-o", "/dev/stdout")) == outcome(plain)
    assert len(answer_entries()) == 1  # the plain note's


def test_a_note_written_through_a_link_to_stdout_goes_there_and_is_never_kept(shop: Repo, tmp_path: Path):
    """-o out.md, a symlink to /dev/stdout, with the output sent to a file: the note is written to the
    descriptor, as -o /dev/stdout is, and not kept under the real path of the file behind it (a new
    name for every file the output is sent to, and the file itself replaced)."""
    (shop.root / "out.md").symlink_to("/dev/stdout")
    plain = run(shop, "summary")
    for n in range(3):
        sent = tmp_path / f"sent-{n}.txt"
        with open(sent, "wb") as stdout:
            done = subprocess.run(
                [sys.executable, "-c", PROGRAM, "summary", "-o", "out.md"],
                cwd=shop.root,
                stdout=stdout,
                stderr=subprocess.PIPE,
                env=tracker_env(None, TRACKER_NOW=TODAY),
            )
        assert (sent.read_bytes(), done.stderr, done.returncode) == outcome(plain)
    assert len(answer_entries()) == 1  # the plain note's
    assert (shop.root / "out.md").is_symlink()


def test_a_note_through_a_template_of_one_s_own_is_never_kept(shop: Repo):
    """What a user's template prints need not follow from what it is given (Jinja's `random`), and an edit
    of an untracked template leaves git status as it was."""
    shop.write("mine.j2", "{{ project }}: one\n")
    assert outcome(run(shop, "summary", "--template", "mine.j2")) == (b"Shop: one\n", b"", 0)
    shop.write("mine.j2", "{{ project }}: two\n")
    assert outcome(run(shop, "summary", "--template", "mine.j2")) == (b"Shop: two\n", b"", 0)
    assert answer_entries() == []


# Not a day: no date at all, or one west of Greenwich (TZ=EST5) that falls in year 0, which datetime cannot hold.
NO_DAY = ["tomorrow", "0001-01-01"]


@pytest.mark.parametrize("clock", NO_DAY)
def test_a_clock_that_names_no_day_fails_an_open_session_s_note_as_before_and_nothing_is_kept(shop: Repo, clock: str):
    done = run(shop, "summary", now=clock, TZ="EST5")
    expected = f"tracker: error: TRACKER_NOW='{clock}'".encode()
    assert done.returncode == 1 and done.stderr.startswith(expected), done.stderr
    assert answer_entries() == []


@pytest.mark.parametrize("clock", NO_DAY)
def test_a_closed_session_s_note_needs_no_day_and_is_made_without_one_as_before(shop: Repo, clock: str):
    shop.write("data/phases.yaml", PLAN.format(first="complete") + f"    until: {shop.git('rev-parse', 'HEAD')}\n")
    made = run(shop, "summary", now=TODAY)
    assert made.returncode == 0 and len(answer_entries()) == 1
    assert outcome(run(shop, "summary", now=clock, TZ="EST5")) == outcome(made)
