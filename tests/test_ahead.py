"""Git set going before the plan is read (git/ahead.py): taken over by linking when the plan's work tree
is the one around its file, stopped when it is not, and the links the same either way; a `git status`
lent by the answer cache is read as linking's own and left to it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from gitutil import Repo, make_repo
from test_gitlinks import plan_text

from tracker.git import Ahead, ask_status, linkmemo, repo_start
from tracker.git import ahead as ahead_module
from tracker.git import lastcommit as lastcommit_module
from tracker.git.links import link_paths, read_links
from tracker.git.repo import GitRepo, Lent, Owned
from tracker.plan.loader import load


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setattr(linkmemo, "RACY_NS", 1 << 62)  # links are made here, never given back whole


@pytest.fixture
def walks(monkeypatch) -> list:
    """Every walk of history started, in order."""
    started: list = []
    real = lastcommit_module.Walk.__init__

    def counted(self, *args, **kwargs):
        started.append(self)
        real(self, *args, **kwargs)

    monkeypatch.setattr(lastcommit_module.Walk, "__init__", counted)
    return started


def reaped(pid: int) -> bool:
    """Whether the git of `pid` was stopped and waited for (no longer a child of this process)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def committed_plan(repo: Repo, text: str) -> Path:
    repo.write("a.md", "one\n")
    repo.commit("first", date="2025-11-01T10:00:00+00:00")
    repo.write("b.md", "two\nlines\n")
    repo.write("data/phases.yaml", text)
    repo.commit("second", date="2025-11-02T10:00:00+00:00")
    repo.write("a.md", "one\nchanged\n")  # and one file modified since
    return repo.root / "data" / "phases.yaml"


def test_links_read_ahead_are_the_links_read_after_and_take_its_walk(repo: Repo, tmp_path: Path, walks: list):
    plan = committed_plan(repo, plan_text(files=["a.md", "b.md", "c.md"]))
    ahead = Ahead(plan, history=True)
    begun = ahead.walk
    assert begun is not None and ahead.status is not None  # nothing cached: the walk is needed
    project = load(plan).project
    assert project is not None
    early = read_links(project, plan, ahead=ahead)
    assert walks == [begun]  # linking used the walk begun ahead, and began none
    assert ahead.take(ahead.start) is None  # taken: nothing is left to take or to stop

    shutil.rmtree(tmp_path / "cache")
    late = read_links(project, plan)
    assert early == late
    assert early.get("b.md").last_commit.subject == "second" and early.get("a.md").state == "modified"
    assert early.get("c.md").state == "missing"


def test_nothing_is_walked_ahead_when_the_cache_answers_or_history_is_not_wanted(repo: Repo, walks: list):
    plan = committed_plan(repo, plan_text(files=["a.md", "b.md"]))
    assert Ahead(plan, history=False).walk is None
    project = load(plan).project
    assert project is not None
    read_links(project, plan)  # the last commits are now cached for HEAD
    walks.clear()
    ahead = Ahead(plan, history=True)
    assert ahead.walk is None and walks == []
    assert read_links(project, plan, ahead=ahead).get("a.md").last_commit.subject == "first"
    assert walks == []


def test_a_plan_naming_another_work_tree_stops_what_was_started_around_its_file(repo: Repo, tmp_path: Path):
    other = make_repo(tmp_path / "other")
    other.write("b.md", "elsewhere\n")
    other.commit("in the other repository")
    plan = committed_plan(repo, plan_text(files=["b.md"], repo_setting="../../other"))
    ahead = Ahead(plan, history=True)
    assert ahead.walk is not None and isinstance(ahead.status, Owned)
    walk, status = ahead.walk._stream._process, ahead.status._run.pid
    project = load(plan).project
    assert project is not None
    links = read_links(project, plan, ahead=ahead)
    assert links.get("b.md").last_commit.subject == "in the other repository"
    assert walk.returncode is not None and reaped(status)  # stopped, not left running
    assert ahead.walk is None and ahead.status is None and ahead.repo is None


def test_git_status_starts_before_the_work_tree_is_opened_and_stops_with_linking(
    repo: Repo, tmp_path: Path, monkeypatch
):
    """Warm linking mostly waits for `git status`: it is started from the plan's folder before `git
    rev-parse` finds the work tree's root, gives the links of a status run from the root, and is
    stopped (waited for) once linking is done."""
    plan = committed_plan(repo, plan_text(files=["a.md", "b.md", "c.md", "data/new.md"]))
    repo.write("data/new.md", "untracked, beside the plan\n")
    order: list[str] = []
    asked, opened = ahead_module.ask_status, ahead_module.GitRepo.open
    monkeypatch.setattr(ahead_module, "ask_status", lambda start: order.append("status") or asked(start))
    monkeypatch.setattr(
        ahead_module.GitRepo, "open", classmethod(lambda cls, start: order.append("open") or opened(start))
    )
    ahead = Ahead(plan, history=True)
    assert order == ["status", "open"] and isinstance(ahead.status, Owned)
    pid = ahead.status._run.pid
    project = load(plan).project
    assert project is not None
    early = read_links(project, plan, ahead=ahead)
    assert reaped(pid)

    monkeypatch.undo()
    shutil.rmtree(tmp_path / "cache")
    with GitRepo.open(repo.root) as opened_at_root:  # git status run from the root, as the repository runs it
        assert early == link_paths(opened_at_root, list(early.links))
    assert [early.get(path).state for path in ("a.md", "b.md", "c.md", "data/new.md")] == [
        "modified",
        "committed",
        "missing",
        "untracked",
    ]


def test_a_status_started_ahead_and_dropped_unclosed_leaves_no_git_behind(repo: Repo):
    plan = committed_plan(repo, plan_text(files=["a.md"]))
    ahead = Ahead(plan, history=False)
    assert isinstance(ahead.status, Owned)
    pid = ahead.status._run.pid
    del ahead
    assert reaped(pid)


def test_outside_git_the_failure_found_ahead_is_the_one_linking_gives(tmp_path: Path, monkeypatch):
    plan = tmp_path / "work" / "data" / "phases.yaml"
    plan.parent.mkdir(parents=True)
    plan.write_text(plan_text(files=["here.md", "gone.md"]), encoding="utf-8")
    (tmp_path / "work" / "here.md").write_text("x\n", encoding="utf-8")
    started: list = []
    asked = ahead_module.ask_status
    monkeypatch.setattr(ahead_module, "ask_status", lambda start: started.append(asked(start)) or started[-1])
    ahead = Ahead(plan, history=True)
    assert ahead.repo is None and ahead.failed is not None
    assert len(started) == 1 and reaped(started[0].pid)  # the status started before git said why not: stopped
    project = load(plan).project
    assert project is not None
    early = read_links(project, plan, ahead=ahead)
    assert early == read_links(project, plan)
    assert early.get("gone.md").state == "missing" and early.get("here.md").state == "no-git"


def test_a_status_lent_ahead_gives_the_links_of_linking_s_own_and_is_left_to_its_starter(
    repo: Repo, tmp_path: Path, walks: list
):
    """The answer cache's `git status`, asked from the plan's folder (statusproc), read by linking: the
    same links as a status run from the work tree's root, and never stopped here."""
    plan = committed_plan(repo, plan_text(files=["a.md", "b.md", "c.md", "data/new.md"]))
    repo.write("data/new.md", "untracked, beside the plan\n")
    repo.write("b.md", "two\nlines\nstaged\n")
    repo.git("add", "b.md")
    run = ask_status(str(repo_start(plan, None)))
    assert run is not None
    ahead = Ahead(plan, history=True, status=run)
    assert isinstance(ahead.status, Lent)
    project = load(plan).project
    assert project is not None
    lent = read_links(project, plan, ahead=ahead)
    ahead.close()
    code, out, _ = run.answer()  # read by linking, still there for its starter
    assert code == 0 and b"\0? data/new.md\0" in out

    shutil.rmtree(tmp_path / "cache")
    own = read_links(project, plan)
    assert lent == own
    assert [lent.get(path).state for path in ("a.md", "b.md", "c.md", "data/new.md")] == [
        "modified",
        "staged",
        "missing",
        "untracked",
    ]


def test_a_lent_status_is_not_stopped_when_the_plan_is_linked_elsewhere_or_outside_git(repo: Repo, tmp_path: Path):
    other = make_repo(tmp_path / "other")
    other.write("b.md", "elsewhere\n")
    other.commit("in the other repository")
    elsewhere = committed_plan(repo, plan_text(files=["b.md"], repo_setting="../../other"))
    outside = tmp_path / "plain" / "data" / "phases.yaml"
    outside.parent.mkdir(parents=True)
    outside.write_text(plan_text(files=["here.md"]), encoding="utf-8")
    for plan, code in ((elsewhere, 0), (outside, 128)):
        run = ask_status(str(repo_start(plan, None)))
        assert run is not None
        ahead = Ahead(plan, history=True, status=run)
        project = load(plan).project
        assert project is not None
        read_links(project, plan, ahead=ahead)
        ahead.close()
        assert run.answer()[0] == code  # git's own answer (128: not a repository), not a kill
