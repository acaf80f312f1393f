"""Links remembered whole (linkmemo): given back while the work tree is unchanged, made afresh after any change.

Each test links once (the links are kept), changes one thing, and links again.
Whether the links were given back is seen in two ways: the entry's file is
replaced only when links are made afresh, and the last-commits cache is
tampered with after the first run, so links made afresh (same HEAD) carry the
tampered subject while links given back do not.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import msgspec
import pytest
from gitutil import Repo, make_repo

from tracker.git import linkmemo
from tracker.git.lastcommit import Commit, cache_file
from tracker.git.links import Links, read_links
from tracker.plan.loader import load_text
from tracker.support import cachefiles
from tracker.support.cachefiles import read_entry, sealed

HOUR_AGO = 3600 * 10**9


@pytest.fixture(autouse=True)
def settled(monkeypatch):
    """Files written by a test are seconds old at most: trust their times, as if they had settled."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setattr(linkmemo, "RACY_NS", 0)


def plan_of(root: Path, paths: list[str]) -> tuple:
    text = (
        "project: Test\nphases:\n  - id: P1\n    title: Phase\n    issues:\n      - id: 1\n        title: Issue\n"
        "        status: complete\n        files:\n" + "".join(f"          - {json.dumps(p)}\n" for p in paths)
    )
    plan = root / "data" / "phases.yaml"
    plan.parent.mkdir(parents=True, exist_ok=True)
    plan.write_text(text, encoding="utf-8")
    loaded = load_text(text, plan)
    assert loaded.project is not None, loaded.problems
    return loaded.project, plan


def age(root: Path, *paths: str) -> None:
    """Set files an hour back: an edit made now then shows in their times even within one clock tick."""
    for path in paths:
        info = os.lstat(root / path)
        os.utime(root / path, ns=(info.st_atime_ns, info.st_mtime_ns - HOUR_AGO), follow_symlinks=False)


def entry() -> Path | None:
    found = list((cachefiles.cache_dir()).glob("linkmemo-*"))
    assert len(found) <= 1
    return found[0] if found else None


SUBJECT = Commit.__struct_fields__.index("subject")  # a commit is cached as an array


def tamper_subjects(root: Path) -> None:
    file = cache_file(root)
    data = json.loads(bytes(read_entry(file)))
    for commit in data["commits"].values():
        if commit:
            commit[SUBJECT] = "from the last-commits cache"
    file.write_bytes(sealed(json.dumps(data).encode()))


class Run:
    """Link a repository's paths again and again, telling whether the links were given back."""

    def __init__(self, repo: Repo, paths: list[str]):
        self.repo = repo
        self.project, self.plan = plan_of(repo.root, paths)
        self.first = read_links(self.project, self.plan)
        assert entry() is not None, "the first links were not kept"
        self.inode = entry().stat().st_ino
        tamper_subjects(repo.root)

    def again(self) -> tuple[Links, bool]:
        """The links, and whether they were given back whole."""
        links = read_links(self.project, self.plan)
        kept = entry()
        given_back = kept is not None and kept.stat().st_ino == self.inode
        if kept is not None:
            self.inode = kept.stat().st_ino
        return links, given_back


@pytest.fixture
def base(repo: Repo) -> Repo:
    repo.write("a.txt", "1\n2\n")
    repo.write("b.txt", "b\n")
    repo.write(".gitignore", "*.log\n")
    repo.commit("first")
    repo.write("notes.txt", "a\nb\n")  # untracked
    repo.write("build.log", "x\n")  # ignored
    age(repo.root, "a.txt", "b.txt", "notes.txt", "build.log")
    return repo


PATHS = ["a.txt", "b.txt", "notes.txt", "build.log", "*.txt", "new.txt"]


def test_an_unchanged_work_tree_gives_the_links_back(base: Repo):
    run = Run(base, PATHS)
    links, given_back = run.again()
    assert given_back
    assert links == run.first
    assert links.get("a.txt").last_commit.subject == "first"  # not the tampered cache: nothing was walked


def test_an_edit_of_the_same_size_is_seen(base: Repo):
    run = Run(base, PATHS)
    (base.root / "notes.txt").write_text("ab\n\n")  # untracked, so git status says the same
    links, given_back = run.again()
    assert not given_back
    assert (links.get("notes.txt").lines, links.get("notes.txt").size) == (2, 4)
    (base.root / "notes.txt").write_text("abc\n")
    assert run.again()[0].get("notes.txt").lines == 1


def test_an_edit_of_a_file_git_assumes_unchanged_is_seen(base: Repo):
    base.git("update-index", "--assume-unchanged", "a.txt")
    run = Run(base, PATHS)
    (base.root / "a.txt").write_text("1\n2\n3\n4\n")
    links, given_back = run.again()
    assert not given_back and links.get("a.txt").lines == 4


def test_a_second_edit_of_a_modified_file_is_seen(base: Repo):
    base.write("a.txt", "1\nX\n")
    age(base.root, "a.txt")
    run = Run(base, PATHS)
    assert run.first.get("a.txt").state == "modified"
    (base.root / "a.txt").write_text("1\n\n\n\n")  # same size, same git status line
    links, given_back = run.again()
    assert not given_back and links.get("a.txt").lines == 4


def test_a_new_commit_is_seen(base: Repo):
    run = Run(base, PATHS)
    base.write("b.txt", "b\nc\n")
    base.commit("second")
    links, given_back = run.again()
    assert not given_back
    assert links.get("b.txt").last_commit.subject == "second" and links.get("b.txt").lines == 2
    assert links.repo.head == base.git("rev-parse", "HEAD")


def test_a_staged_change_is_seen(base: Repo):
    run = Run(base, PATHS)
    base.git("add", "notes.txt")
    links, given_back = run.again()
    assert not given_back and links.get("notes.txt").state == "staged"
    # git says the same of a.txt as before: its link is given back, only notes.txt's is made again
    assert links.get("a.txt").last_commit.subject == "first"


def test_a_checkout_of_another_branch_is_seen(base: Repo):
    base.git("checkout", "-q", "-b", "other")
    base.write("b.txt", "other\nbranch\nlines\n")
    base.commit("on the other branch")
    base.git("checkout", "-q", "main")
    age(base.root, "b.txt")
    run = Run(base, PATHS)
    assert run.first.get("b.txt").lines == 1
    base.git("checkout", "-q", "other")
    links, given_back = run.again()
    assert not given_back
    assert links.repo.branch == "other" and links.get("b.txt").lines == 3
    assert links.get("b.txt").last_commit.subject == "on the other branch"


def test_a_deleted_file_is_seen(base: Repo):
    run = Run(base, PATHS)
    (base.root / "b.txt").unlink()
    (base.root / "build.log").unlink()
    links, given_back = run.again()
    assert not given_back
    assert links.get("b.txt").state == "missing" and links.get("build.log").state == "missing"


def test_a_new_file_is_seen(base: Repo):
    run = Run(base, PATHS)
    assert run.first.get("new.txt").state == "missing"
    base.write("new.txt", "new\n")
    links, given_back = run.again()
    assert not given_back
    assert links.get("new.txt").state == "untracked"
    assert "new.txt" in [m.path for m in links.get("*.txt").matches]


def test_a_file_turned_into_a_symlink_out_is_seen(base: Repo, tmp_path: Path):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret\n")
    run = Run(base, PATHS)
    (base.root / "notes.txt").unlink()
    (base.root / "notes.txt").symlink_to(outside)
    links, given_back = run.again()
    assert not given_back and links.get("notes.txt").state == "unsafe"


def test_what_a_symlink_leads_out_to_is_not_looked_at(base: Repo, tmp_path: Path):
    """A file a link leads out to is never read (the link is `unsafe`), so no link depends on it: its change
    leaves the links standing, as it leaves a replayed answer (support/cachefiles.link_target)."""
    outside = tmp_path / "outside.txt"
    outside.write_text("secret\n")
    (base.root / "out.txt").symlink_to(outside)
    age(base.root, "out.txt")
    run = Run(base, ["out.txt"])
    assert run.first.get("out.txt").state == "unsafe"
    outside.write_text("secret, and more\n")
    links, given_back = run.again()
    assert given_back and links.get("out.txt").state == "unsafe"


def test_a_symlink_that_leads_elsewhere_is_seen(base: Repo):
    base.write("one.md", "1\n")
    base.write("two.md", "1\n2\n")
    (base.root / "link.md").symlink_to("one.md")
    age(base.root, "one.md", "two.md", "link.md")
    run = Run(base, ["link.md"])
    assert run.first.get("link.md").lines == 1
    (base.root / "two.md").write_text("1\n2\n3\n")  # not what the link leads to: the links stand
    assert run.again()[1]
    (base.root / "one.md").write_text("1\n2\n3\n4\n")  # what it leads to
    links, given_back = run.again()
    assert not given_back and links.get("link.md").lines == 4
    (base.root / "link.md").unlink()
    (base.root / "link.md").symlink_to("two.md")
    links, given_back = run.again()
    assert not given_back and links.get("link.md").lines == 3


def test_links_without_history_and_other_paths_are_kept_apart(base: Repo):
    project, plan = plan_of(base.root, ["a.txt"])
    assert read_links(project, plan, history=False).get("a.txt").last_commit is None
    assert read_links(project, plan).get("a.txt").last_commit.subject == "first"
    assert read_links(project, plan, history=False).get("a.txt").last_commit is None
    assert read_links(project, plan, extra=("b.txt",)).get("b.txt").lines == 1
    assert len(list(cachefiles.cache_dir().glob("linkmemo-*"))) == 3


def test_another_version_of_tracker_makes_links_afresh(base: Repo, monkeypatch):
    run = Run(base, PATHS)
    monkeypatch.setattr(cachefiles, "__version__", "999.0")
    links, given_back = run.again()
    assert not given_back and links.get("a.txt").last_commit.subject == "from the last-commits cache"


@pytest.mark.parametrize(
    "content", [b"", b"not msgpack at all", b"\x96\x01\xa1x\xa1y\x90\xa1z\xc4\x00", b"\x92\x01\x02"]
)
def test_a_corrupt_or_foreign_entry_is_ignored(base: Repo, content: bytes):
    run = Run(base, PATHS)
    file = entry()
    file.write_bytes(sealed(content))  # whole, as written: what is in it must be checked
    links, _ = run.again()
    assert links.get("notes.txt").lines == 2 and links.get("a.txt").last_commit.subject == (
        "from the last-commits cache"
    )
    assert entry().read_bytes() != sealed(content)  # kept anew


def rewrite_entry(change) -> bytes:
    """Give the entry's fields, as plain msgpack values, to `change`; write what it returns.  Returns that."""
    file = entry()
    content = msgspec.msgpack.encode(change(msgspec.msgpack.decode(read_entry(file))))
    file.write_bytes(sealed(content))
    return sealed(content)


def made_afresh(run: Run, tampered: bytes) -> None:
    links, given_back = run.again()
    assert not given_back and entry().read_bytes() != tampered  # kept anew
    assert links.get("notes.txt").lines == 2 and links.get("a.txt").last_commit.subject == (
        "from the last-commits cache"
    )


def test_an_entry_with_links_that_are_not_links_is_ignored(base: Repo):
    run = Run(base, PATHS)
    made_afresh(run, rewrite_entry(lambda fields: fields[:-1] + [msgspec.msgpack.encode(["not", "links"])]))


def test_an_entry_nested_too_deep_is_ignored(base: Repo):
    too_deep = msgspec.Raw(b"\x91" * 100_000 + b"\x90")  # an array in an array in ...
    run = Run(base, PATHS)
    made_afresh(run, rewrite_entry(lambda fields: fields + [too_deep]))  # a field it does not have


def test_links_nested_too_deep_are_ignored(base: Repo):
    # A folder link whose one file is a folder whose one file is ...: links as gitlinks types them.
    folder = msgspec.msgpack.encode(["x", "committed", None, None, None, None, None, "folder"])
    nested = b"\x99" + folder[1:] + b"\x91"  # nine fields, the last an array of one link
    links = b"\x92\x90\x81\xa1x" + nested * 100_000 + msgspec.msgpack.encode(["x", "committed"])
    run = Run(base, PATHS)
    made_afresh(run, rewrite_entry(lambda fields: fields[:-1] + [links]))


def test_files_changed_just_before_the_run_are_not_trusted(repo: Repo, monkeypatch):
    monkeypatch.setattr(linkmemo, "RACY_NS", 2_000_000_000)
    repo.write("a.txt", "1\n")
    repo.commit("first")
    project, plan = plan_of(repo.root, ["a.txt"])
    read_links(project, plan)
    assert entry() is None
    age(repo.root, "a.txt")
    os.utime(repo.root / "a.txt", ns=(0, 0))  # old times, but the change of times is itself recent (ctime)
    read_links(project, plan)
    assert entry() is None


def test_links_that_git_status_cannot_vouch_for_are_not_kept(repo: Repo, tmp_path: Path):
    repo.write("a.txt", "1\n")
    repo.commit("first")
    (repo.root / "empty").mkdir()
    project, plan = plan_of(repo.root, ["empty"])
    assert read_links(project, plan).get("empty").kind == "folder"
    assert entry() is None  # what git check-ignore says is not in git status

    lib = make_repo(tmp_path / "lib")
    lib.write("lib.c", "int x;\n")
    lib.commit("lib")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib.root), "vendor/lib")
    repo.commit("submodule")
    project, plan = plan_of(repo.root, ["vendor/lib/lib.c"])
    assert read_links(project, plan).get("vendor/lib/lib.c").lines == 1
    assert entry() is None  # the submodule's own state is not in the outer git status


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses file names that are not UTF-8")
def test_a_name_that_is_not_utf8_is_linked_without_keeping(repo: Repo):
    name = os.fsdecode(b"caf\xe9.txt")
    (repo.root / name).write_text("x\n")
    repo.commit("odd name")
    project, plan = plan_of(repo.root, ["*.txt"])
    assert [m.path for m in read_links(project, plan).get("*.txt").matches] == [name]
    assert entry() is None


def test_a_cache_folder_that_cannot_be_written_is_skipped(base: Repo, tmp_path: Path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    project, plan = plan_of(base.root, PATHS)
    for _ in range(2):
        assert read_links(project, plan).get("notes.txt").lines == 2


def test_paths_that_join_alike_are_kept_apart(base: Repo):
    one, plan = plan_of(base.root, ["a.txt\0b.txt"])  # one path, never read: it holds a NUL
    assert read_links(one, plan).get("a.txt\0b.txt").state == "unsafe"
    two, plan = plan_of(base.root, ["a.txt", "b.txt"])
    links = read_links(two, plan)
    assert (links.get("a.txt").state, links.get("b.txt").lines) == ("committed", 1)


def test_an_entry_without_a_link_for_each_path_is_ignored(base: Repo):
    def drop_a_link(fields):
        repo, links, watch = msgspec.msgpack.decode(fields[-1])
        del links[0]  # the links are kept in the order of the paths: one short
        return fields[:-1] + [msgspec.msgpack.encode([repo, links, watch])]

    run = Run(base, PATHS)
    made_afresh(run, rewrite_entry(drop_a_link))
