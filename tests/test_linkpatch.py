"""Links patched (links.py's _patch): with the same HEAD, only the links that may differ are made again.

When git says something else of some paths than when the links were kept, or
some files they were read from changed, the links of the other paths are given
back from the entry.  Each test links once, changes one thing, and links again;
it checks which links were made again (what _affected chose) and that the
links are equal to links made afresh, from an empty cache.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import msgspec
import pytest
from gitutil import Repo
from test_linkmemo import age, entry, plan_of, rewrite_entry

from tracker.git import linkmemo, links, vouch
from tracker.git.links import Links, read_links
from tracker.git.repo import GitRepo

PATHS = [
    "a.txt",
    "./b.txt",  # another name of b.txt's file
    "b.txt",
    "docs",  # a folder
    "docs/*.md",  # a pattern
    "notes.txt",  # untracked
    "build.log",  # ignored
    "new.txt",  # missing
    "readme.md",  # missing
]


@pytest.fixture(autouse=True, params=["looked at", "vouched for"])
def settled(monkeypatch, request):
    """Each test twice: clean files looked at (an lstat each), and git's word on them taken (git/vouch.py)."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setattr(linkmemo, "RACY_NS", 0)
    monkeypatch.setattr(vouch, "VOUCH_FROM", 1 << 30 if request.param == "looked at" else 0)


@pytest.fixture
def base(repo: Repo) -> Repo:
    repo.write("a.txt", "1\n2\n")
    repo.write("b.txt", "b\n")
    repo.write("docs/c.md", "c\n")
    repo.write("docs/d.md", "d\nd\n")
    repo.write(".gitignore", "*.log\n")
    repo.commit("first")
    repo.write("notes.txt", "a\nb\n")
    repo.write("build.log", "x\n")
    age(repo.root, "a.txt", "b.txt", "docs/c.md", "docs/d.md", "notes.txt", "build.log")
    return repo


class Run:
    """Links a repository's paths, then again after a change, recording what was made again."""

    def __init__(self, repo: Repo, monkeypatch, tmp_path: Path, paths: list[str] = PATHS):
        self.repo, self.monkeypatch, self.tmp_path = repo, monkeypatch, tmp_path
        self.project, self.plan = plan_of(repo.root, paths)
        self.first = read_links(self.project, self.plan)
        assert entry() is not None, "the first links were not kept"
        self.redone: list[list[str]] = []  # what each patch made again
        self.seen: list[str] = []  # the files linkmemo took a signature of in the last run (not afresh)
        take = linkmemo.signatures

        def looked(root, files, lstats=None):
            self.seen.extend(path for path in files if not lstats or path not in lstats)
            return take(root, files, lstats)

        monkeypatch.setattr(linkmemo, "signatures", looked)
        affected = links._affected

        def spy(kept, changed):
            redo = affected(kept, changed)
            self.redone.append(sorted(redo))
            return redo

        monkeypatch.setattr(links, "_affected", spy)

    def again(self) -> Links:
        """The links, checked equal to links made afresh from an empty cache."""
        self.seen = []
        patched = read_links(self.project, self.plan)
        seen, self.seen = self.seen, []  # the fresh run's files go to a list no one reads
        cache = os.environ["XDG_CACHE_HOME"]
        self.monkeypatch.setenv("XDG_CACHE_HOME", str(self.tmp_path / f"afresh-{len(self.redone)}"))
        try:
            fresh = read_links(self.project, self.plan)
        finally:
            self.monkeypatch.setenv("XDG_CACHE_HOME", cache)
        self.seen = seen
        assert patched == fresh
        return patched


def test_a_new_file_no_path_names_changes_no_link(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    base.write("stray.tmp", "")
    links = run.again()
    assert run.redone == [[]]
    assert links.repo.untracked == run.first.repo.untracked + 1 and links.links == run.first.links


def test_a_new_file_in_a_folder_remakes_the_folder_and_the_pattern(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    base.write("docs/e.md", "e\n")
    links = run.again()
    assert run.redone == [["docs", "docs/*.md"]]
    assert [m.path for m in links.get("docs").matches] == ["docs/c.md", "docs/d.md", "docs/e.md"]


def test_a_modified_file(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    base.write("a.txt", "1\n2\n3\n")
    links = run.again()
    assert run.redone == [["a.txt"]]
    assert (links.get("a.txt").state, links.get("a.txt").lines) == ("modified", 3)
    # the same size, the same line of git status: the file's own change is what shows
    base.write("a.txt", "1\n\n\n")
    assert run.again().get("a.txt").lines == 3
    assert run.redone[-1] == ["a.txt"]


def test_an_edit_of_a_folders_file(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    base.write("docs/c.md", "c\nc\nc\n")
    links = run.again()
    assert run.redone == [["docs", "docs/*.md"]]
    assert links.get("docs").state == "modified"


def test_a_deleted_file(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    (base.root / "b.txt").unlink()
    links = run.again()
    assert run.redone == [["./b.txt", "b.txt"]]
    assert links.get("./b.txt").state == links.get("b.txt").state == "missing"


def test_a_staged_file(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    base.git("add", "notes.txt")
    links = run.again()
    assert run.redone == [["notes.txt"]]
    assert links.get("notes.txt").state == "staged"
    base.git("rm", "-q", "--cached", "notes.txt")  # and unstaged: back to the links kept first
    assert run.again().links == run.first.links


def test_a_missing_file_written(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    assert run.first.get("new.txt").state == "missing"
    base.write("new.txt", "new\n")
    links = run.again()
    assert run.redone == [["new.txt"]]
    assert links.get("new.txt").state == "untracked"


def test_an_ignored_file_edited_and_removed(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    base.write("build.log", "x\ny\n")
    assert run.again().get("build.log").lines == 2
    (base.root / "build.log").unlink()
    assert run.again().get("build.log").state == "missing"
    assert run.redone == [["build.log"], ["build.log"]]


def test_a_file_in_place_of_a_missing_folder(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    base.write("new.txt/inside.md", "x\n")  # the missing path is now a folder
    assert run.again().get("new.txt").kind == "folder"
    assert run.redone == [["new.txt"]]


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS folds letter case in file names")
def test_a_file_alike_but_for_letter_case_changes_the_missing_ones_hint(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    base.write("README.md", "r\n")
    links = run.again()
    assert run.redone == [["readme.md"]]
    assert "did you mean 'README.md'" in links.get("readme.md").note


def test_a_new_commit_links_afresh(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    base.write("b.txt", "b\nc\n")
    base.commit("second", "b.txt")
    assert run.again().get("b.txt").last_commit.subject == "second"
    assert run.redone == []  # another HEAD: nothing is patched


def test_a_repository_inside_links_afresh(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    base.write("inner/x.txt", "x\n")
    base.git("init", "-q", "inner")
    run.again()
    assert run.redone == []  # a folder with a repository of its own: nothing is patched


def test_patched_links_are_kept_and_given_back_whole(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    base.write("a.txt", "1\n2\n3\n")
    first = run.again()
    second = run.again()
    assert run.redone == [["a.txt"]]  # the second was given back whole: no patch
    assert first == second


@pytest.mark.parametrize(
    "damage",
    [
        lambda fields: fields[:3] + [b"\x93\x01\x02"] + fields[4:],  # signatures that are not one for each file
        lambda fields: fields[:3] + [b"not msgpack"] + fields[4:],
        lambda fields: fields[:1] + [b"# branch.oid \x00garbage"] + fields[2:],  # what git said, damaged
        lambda fields: fields[:-1] + [_with_watch(fields[-1], {"a.txt": ["file"]})],  # a watch that is not one
    ],
)
def test_a_damaged_entry_means_making_links_again(base: Repo, monkeypatch, tmp_path: Path, damage):
    run = Run(base, monkeypatch, tmp_path)
    rewrite_entry(damage)
    base.write("a.txt", "1\n2\n3\n")
    assert run.again().get("a.txt").lines == 3


def _with_watch(encoded: bytes, watch: dict) -> bytes:
    repo, kept, _ = msgspec.msgpack.decode(encoded)
    return msgspec.msgpack.encode([repo, kept, watch])


def test_every_path_changed_at_once(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    for path in ("a.txt", "b.txt", "docs/c.md", "notes.txt", "build.log"):
        base.write(path, "changed\nchanged\nchanged\nchanged\n")
    base.git("add", "a.txt")
    base.write("new.txt", "")
    run.again()
    assert run.redone == [sorted(set(PATHS) - {"readme.md"})]


def test_json_of_patched_links_is_the_same(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    base.write("stray.tmp", "")
    links = run.again()
    assert json.dumps({p: links.git_of(p) for p in PATHS}) == json.dumps({p: run.first.git_of(p) for p in PATHS})


def test_a_file_only_staged_under_a_missing_path(base: Repo, monkeypatch, tmp_path: Path):
    run = Run(base, monkeypatch, tmp_path)
    blob = base.git("hash-object", "-w", "a.txt")
    base.git("update-index", "--add", "--cacheinfo", f"100644,{blob},new.txt/staged.md")  # nothing on the disk
    assert run.again().get("new.txt").kind == "folder"
    assert run.redone == [["new.txt"]]


# --- git's word on clean files (git/vouch.py) ------------------------------------------


def test_clean_files_git_vouches_for_are_not_looked_at(base: Repo, monkeypatch, tmp_path: Path):
    monkeypatch.setattr(vouch, "VOUCH_FROM", 0)
    run = Run(base, monkeypatch, tmp_path)
    base.write("stray.tmp", "")
    base.write("docs/c.md", "c\nc\n")
    assert run.again().get("docs").state == "modified"
    assert run.redone == [["docs", "docs/*.md"]]
    assert not {"a.txt", "b.txt", "docs/d.md"} & set(run.seen)
    assert {"notes.txt", "build.log", "new.txt"} <= set(run.seen)  # what git does not vouch for: looked at


def same_size_same_time(repo: Repo) -> None:
    info = os.stat(repo.root / "a.txt")
    repo.write("a.txt", "\n\n\n\n")
    os.utime(repo.root / "a.txt", ns=(info.st_atime_ns, info.st_mtime_ns))  # only its ctime moved


@pytest.mark.parametrize("flag", ["--assume-unchanged", "--skip-worktree"])
def test_an_edit_git_does_not_look_at_is_seen(base: Repo, monkeypatch, tmp_path: Path, flag: str):
    monkeypatch.setattr(vouch, "VOUCH_FROM", 0)
    base.git("update-index", flag, "a.txt")
    run = Run(base, monkeypatch, tmp_path)
    same_size_same_time(base)  # git says nothing of it
    links = run.again()  # equal to links made afresh
    assert links.get("a.txt").lines == 4 and run.redone == [["a.txt"]]


class Asked:
    """The git commands linking starts beside git status (GitRepo.start), by name."""

    def __init__(self, monkeypatch):
        self.names: list[str] = []
        start = GitRepo.start

        def spy(repo, *args, **options):
            self.names.append(args[0])
            return start(repo, *args, **options)

        monkeypatch.setattr(GitRepo, "start", spy)


def test_an_index_git_tagged_all_plain_is_not_asked_about_again(base: Repo, monkeypatch):
    monkeypatch.setattr(vouch, "VOUCH_FROM", 0)
    monkeypatch.setattr(vouch, "RACY_NS", 0)
    project, plan = plan_of(base.root, PATHS)
    asked = Asked(monkeypatch)
    first = read_links(project, plan)
    assert "ls-files" in asked.names
    asked.names.clear()
    assert read_links(project, plan) == first  # given back whole
    assert "check-attr" in asked.names and "ls-files" not in asked.names


def test_a_file_tagged_after_the_index_was_found_plain_is_seen(base: Repo, monkeypatch, tmp_path: Path):
    monkeypatch.setattr(vouch, "VOUCH_FROM", 0)
    monkeypatch.setattr(vouch, "RACY_NS", 0)
    run = Run(base, monkeypatch, tmp_path)  # the index found plain, and kept so
    base.git("update-index", "--assume-unchanged", "a.txt")  # the index written again: another signature
    same_size_same_time(base)  # git says nothing of it
    assert run.again().get("a.txt").lines == 4  # equal to links made afresh


def test_an_index_too_new_to_trust_is_asked_about_each_time(base: Repo, monkeypatch):
    monkeypatch.setattr(vouch, "VOUCH_FROM", 0)
    base.git("update-index", "--really-refresh")  # written now: its time may not show a change within its tick
    project, plan = plan_of(base.root, PATHS)
    asked = Asked(monkeypatch)
    read_links(project, plan)
    read_links(project, plan)
    assert asked.names.count("ls-files") == 2


@pytest.mark.parametrize(
    "setting",
    [
        ["config", "core.autocrlf", "true"],
        ["config", "core.autocrlf", "input"],
        ["config", "core.trustctime", "false"],
        ["config", "core.checkStat", "minimal"],
        "*.txt text=auto\n",  # a .gitattributes
        "*.txt eol=crlf\n",
        "a.txt ident\n",
        "* filter=lfs\n",
        "a.txt working-tree-encoding=UTF-16\n",
    ],
)
def test_files_are_looked_at_where_git_may_convert_them_or_miss_a_change(
    base: Repo, monkeypatch, tmp_path: Path, setting
):
    """Where git's word that a file is clean is no proof that it holds HEAD's bytes, it is looked at."""
    monkeypatch.setattr(vouch, "VOUCH_FROM", 0)
    run = Run(base, monkeypatch, tmp_path)
    if isinstance(setting, str):
        base.write(".gitattributes", setting)
    else:
        base.git(*setting)
    run.again()
    assert "a.txt" in run.seen


def test_binary_files_are_vouched_for(base: Repo, monkeypatch, tmp_path: Path):
    monkeypatch.setattr(vouch, "VOUCH_FROM", 0)
    base.write(".gitattributes", "*.txt binary\n")  # -text -diff -merge: nothing converted
    run = Run(base, monkeypatch, tmp_path)
    base.write("stray.tmp", "")
    run.again()
    assert "a.txt" not in run.seen


@pytest.mark.parametrize(
    "config, holds",
    [
        (b"core.bare=false\0core.filemode\ntrue\0", True),
        (b"core.autocrlf\nfalse\0", True),
        (b"core.autocrlf\ntrue\0", False),
        (b"core.autocrlf\ntrue\0core.autocrlf\nfalse\0", True),  # the last one counts
        (b"core.autocrlf\0", False),  # a name alone: true
        (b"CORE.AUTOCRLF\nInput\0", False),
        (b"core.trustctime\nno\0", False),
        (b"core.trustctime\0", True),
        (b"core.checkstat\nminimal\0", False),
        (b"core.checkstat\ndefault\0", True),
    ],
)
def test_settings_that_leave_git_s_word_alone(config: bytes, holds: bool):
    assert vouch.settings_hold(config) is holds


def test_files_tagged_other_than_plain_are_seen():
    assert vouch.all_plain(b"H a\0H b c\0") and vouch.all_plain(b"")
    assert not vouch.all_plain(b"H a\0h b\0") and not vouch.all_plain(b"S a\0H b\0")
