"""Git links on real repositories: states, lines, last commits, blobs, globs, odd names, escapes, repo kinds."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import msgspec
import pytest
from gitutil import Repo, make_repo

from tracker.git import linkcache, linkmemo
from tracker.git.drift import link_problems
from tracker.git.lastcommit import WALK, Commit, LastCommits, Walk, cache_file, chase, history_cut
from tracker.git.linkcache import LinkCache
from tracker.git.links import read_links
from tracker.git.repo import GitRepo, GitUnavailable, Stream
from tracker.plan.loader import load_text
from tracker.support.cachefiles import read_entry, sealed


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """A cache folder of our own, and no user or system git config leaking in.

    Links are never remembered whole here, however slowly a test runs: these
    tests are about making them (test_linkmemo.py is about remembering them).
    """
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setattr(linkmemo, "RACY_NS", 1 << 62)
    monkeypatch.setattr(linkcache, "RACY_NS", 0)  # line counts are kept however new the file


def plan_text(deliverables=(), files=(), status="complete", step_files=(), repo_setting=None) -> str:
    lines = ["project: Test"]
    if repo_setting:
        lines.append(f"repo: {json.dumps(repo_setting)}")
    lines += [
        "phases:",
        "  - id: P1",
        "    title: Phase",
        "    issues:",
        "      - id: 1",
        "        title: Issue",
        f"        status: {status}",
    ]
    if files:
        lines.append("        files:")
        lines += [f"          - {json.dumps(path)}" for path in files]
    if deliverables:
        lines.append("        deliverables:")
        lines += [f"          - path: {json.dumps(path)}" for path in deliverables]
    if step_files:
        lines += ["        steps:", "          - title: Step", "            files:"]
        lines += [f"              - {json.dumps(path)}" for path in step_files]
    return "\n".join(lines) + "\n"


def links_of(root: Path, text: str, history: bool = True):
    """Write the plan into root/data/phases.yaml (untracked) and read its links."""
    plan = root / "data" / "phases.yaml"
    plan.parent.mkdir(parents=True, exist_ok=True)
    plan.write_text(text, encoding="utf-8")
    loaded = load_text(text, plan)
    assert loaded.project is not None, loaded.problems
    return loaded, read_links(loaded.project, plan, history=history)


def link(root: Path, path: str, **kw):
    kind = kw.pop("as_", "files")
    _, links = links_of(root, plan_text(**{kind: [path]}, **kw))
    return links.get(path)


def short(repo: Repo, rev: str = "HEAD") -> str:
    return repo.git("rev-parse", "--short", rev)


# --- each state ---------------------------------------------------------------------


def test_each_state_with_lines_size_blob_and_last_commit(repo: Repo):
    repo.write("src/old.js", "one\ntwo\nthree\n")
    repo.write("src/edited.js", "a\n")
    repo.write("src/staged.js", "a\n")
    repo.write("src/gone.js", "a\n")
    repo.write("src/unstaged_delete.js", "a\n")
    repo.write(".gitignore", "*.log\n")
    first = repo.commit("Add the first files", date="2025-11-01T10:00:00+00:00")
    repo.write("src/edited.js", "a\nb\n")
    repo.write("src/staged.js", "a\nb\n")
    second = repo.commit("Touch edited and staged", "src/edited.js", "src/staged.js", date="2025-11-02T10:00:00+00:00")
    repo.write("src/edited.js", "a\nb\nc\n")
    repo.write("src/staged.js", "a\nb\nc\nd\n")
    repo.git("add", "src/staged.js")
    repo.write("src/added.js", "new\n")
    repo.git("add", "src/added.js")
    repo.write("src/untracked.js", "u\nv")
    repo.write("build.log", "log\n")
    repo.git("rm", "-q", "src/gone.js")
    (repo.root / "src/unstaged_delete.js").unlink()

    names = [
        "src/old.js",
        "src/edited.js",
        "src/staged.js",
        "src/added.js",
        "src/untracked.js",
        "build.log",
        "src/gone.js",
        "src/unstaged_delete.js",
        "src/never.js",
    ]
    _, links = links_of(repo.root, plan_text(files=names))
    got = {name: links.get(name) for name in names}
    assert {n: link.state for n, link in got.items()} == {
        "src/old.js": "committed",
        "src/edited.js": "modified",
        "src/staged.js": "staged",
        "src/added.js": "staged",
        "src/untracked.js": "untracked",
        "build.log": "ignored",
        "src/gone.js": "missing",
        "src/unstaged_delete.js": "missing",
        "src/never.js": "missing",
    }
    assert (got["src/old.js"].lines, got["src/old.js"].size) == (3, 14)
    assert got["src/edited.js"].lines == 3  # what is on disk now
    assert got["src/untracked.js"].lines == 2  # a last line without a newline still counts
    assert got["src/old.js"].blob == repo.git("rev-parse", "HEAD:src/old.js")
    assert got["src/staged.js"].blob == repo.git("rev-parse", "HEAD:src/staged.js")  # HEAD's, not the index's
    assert got["src/added.js"].blob is None and got["src/added.js"].note == "added but not yet committed"
    assert got["src/gone.js"].note == "its deletion is staged"
    assert got["src/unstaged_delete.js"].note == "deleted in the work tree; HEAD still has it"
    assert got["src/unstaged_delete.js"].last_commit.sha == short(repo, first)

    old = got["src/old.js"].last_commit
    assert old.to_json() == {
        "sha": short(repo, first),
        "date": "2025-11-01T10:00:00+00:00",
        "author": "Ada Lovelace",
        "subject": "Add the first files",
    }
    assert got["src/edited.js"].last_commit.sha == short(repo, second)
    for name in ("src/added.js", "src/untracked.js", "build.log", "src/never.js"):
        assert got[name].last_commit is None
    assert got["src/old.js"].to_json()["last_commit"]["subject"] == "Add the first files"

    assert links.repo.branch == "main" and links.repo.head == second and not links.repo.detached
    assert links.repo.changed == 5  # edited, staged, added, gone, unstaged_delete
    assert links.repo.untracked == 2  # src/untracked.js and the plan itself


def test_line_counts(repo: Repo):
    repo.write("empty.txt", "")
    repo.write("crlf.txt", "a\r\nb\r\n")
    repo.write("noend.txt", "a\nb")
    (repo.root / "bin.dat").write_bytes(b"\x00\x01\x02\n\n")
    repo.commit("files")
    names = ["empty.txt", "crlf.txt", "noend.txt", "bin.dat"]
    _, links = links_of(repo.root, plan_text(files=names))
    assert [links.get(n).lines for n in names] == [0, 2, 2, None]
    assert links.get("bin.dat").note == "a binary file" and links.get("bin.dat").size == 5


def test_last_commit_is_the_newest_that_touched_the_file_across_a_merge(repo: Repo):
    repo.write("a.txt", "1\n")
    repo.write("b.txt", "1\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("b.txt", "2\n")
    side = repo.commit("change b on a branch")
    repo.git("checkout", "-q", "main")
    repo.write("a.txt", "2\n")
    main = repo.commit("change a on main")
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    _, links = links_of(repo.root, plan_text(files=["a.txt", "b.txt"]))
    assert links.get("a.txt").last_commit.sha == short(repo, main)
    assert links.get("b.txt").last_commit.sha == short(repo, side)


# --- globs and folders -------------------------------------------------------------


def test_last_commit_dates_are_written_as_git_writes_them_in_any_time_zone(repo: Repo):
    dates = {
        "east.txt": "2025-11-30T23:45:00+14:00",
        "west.txt": "2025-06-01T04:15:40-05:30",
        "old.txt": "1970-01-01T00:00:01+00:00",
    }
    for name, date in dates.items():
        repo.write(name, "x\n")
        repo.commit(name, name, date=date)
    _, links = links_of(repo.root, plan_text(files=list(dates)))
    for name in dates:
        assert links.get(name).last_commit.date == repo.git("log", "-1", "--format=%aI", "--", name) == dates[name]


def test_globs_expand_over_tracked_and_untracked_files(repo: Repo):
    repo.write("src/a.js", "1\n")
    repo.write("src/deep/b.js", "1\n2\n")
    repo.write("src/c.ts", "1\n")
    repo.write("docs/x.md", "1\n")
    repo.write(".gitignore", "*.gen.js\n")
    repo.commit("base", date="2025-11-01T10:00:00+00:00")
    repo.write("src/deep/b.js", "1\n2\n3\n")
    newest = repo.commit("edit b", date="2025-11-05T10:00:00+00:00")
    repo.write("src/new.js", "x\n")
    repo.write("src/skip.gen.js", "ignored\n")

    patterns = ["src/*.js", "src/**/*.js", "**/*.md", "src/[ab].js", "src/?.ts", "src/*.py"]
    _, links = links_of(repo.root, plan_text(files=patterns))
    paths = {p: [m.path for m in links.expand(p)] for p in patterns}
    assert paths == {
        "src/*.js": ["src/a.js", "src/new.js"],
        "src/**/*.js": ["src/a.js", "src/deep/b.js", "src/new.js"],
        "**/*.md": ["docs/x.md"],
        "src/[ab].js": ["src/a.js"],
        "src/?.ts": ["src/c.ts"],
        "src/*.py": [],
    }
    every = links.get("src/**/*.js")
    assert every.kind == "pattern" and every.state == "untracked" and every.lines == 5
    assert every.last_commit.sha == short(repo, newest)
    assert every.note == "3 files: 2 committed, 1 untracked"
    assert links.get("src/*.py").state == "missing"
    assert links.get("src/*.py").to_json()["matches"] == []
    assert [m["path"] for m in links.git_of("src/*.js")["matches"]] == ["src/a.js", "src/new.js"]


def test_a_folder_stands_for_the_files_in_it(repo: Repo):
    repo.write("docs/a.md", "1\n")
    repo.write("docs/b.md", "1\n2\n")
    repo.commit("docs")
    (repo.root / "docs/a.md").unlink()
    (repo.root / "empty").mkdir()
    _, links = links_of(repo.root, plan_text(files=["docs", "docs/", "empty"]))
    docs = links.get("docs")
    assert docs.kind == "folder" and docs.state == "modified" and docs.lines == 2
    assert [m.path for m in docs.matches] == ["docs/a.md", "docs/b.md"]
    assert links.get("docs/").state == "modified"
    assert links.get("empty").state == "untracked" and links.get("empty").kind == "folder"


# --- names ---------------------------------------------------------------------------

ODD_NAMES = [
    "-dash.md",
    "--",
    "with space.md",
    'it\'s "quoted".md',
    "café ünïcode.md",
    "中文/文件.md",
    "tab\there.md",
    "new\nline.md",
    "#hash.md",
    "colon: yes.md",
    "[brackets].md",
]


def test_odd_names_are_data(repo: Repo):
    for index, name in enumerate(ODD_NAMES):
        repo.write(name, "x\n" * (index + 1))
    commit = repo.commit("odd names")
    _, links = links_of(repo.root, plan_text(files=ODD_NAMES))
    for index, name in enumerate(ODD_NAMES):
        got = links.get(name)
        assert (got.state, got.lines) == ("committed", index + 1), name
        assert got.last_commit.sha == short(repo, commit), name
        assert got.blob == repo.git("rev-parse", f"HEAD:{name}"), name


def test_untracked_and_modified_odd_names(repo: Repo):
    repo.write("-n", "1\n")
    repo.commit("dash file")
    repo.write("-n", "1\n2\n")
    repo.write("sp ace/-e new.md", "1\n")
    _, links = links_of(repo.root, plan_text(files=["-n", "sp ace/-e new.md", "sp ace/*.md"]))
    assert links.get("-n").state == "modified"
    assert links.get("sp ace/-e new.md").state == "untracked"
    assert [m.path for m in links.expand("sp ace/*.md")] == ["sp ace/-e new.md"]


def test_non_utf8_file_names_in_a_pattern(repo: Repo):
    (repo.root / os.fsdecode(b"bad-\xff.md")).write_text("x\n")
    repo.commit("a name that is not UTF-8")
    _, links = links_of(repo.root, plan_text(files=["bad-*.md"]))
    [member] = links.expand("bad-*.md")
    assert member.state == "committed"
    assert json.dumps(links.git_of("bad-*.md"), ensure_ascii=False)  # printable in JSON
    assert links.git_of("bad-*.md")["matches"][0]["path"] == "bad-\ufffd.md"


def test_another_unicode_form_is_missing_with_a_hint(repo: Repo):
    nfc = unicodedata.normalize("NFC", "docs/café.md")
    nfd = unicodedata.normalize("NFD", "docs/café.md")
    repo.write(nfc, "x\n")
    repo.commit("accented name")
    loaded, links = links_of(repo.root, plan_text(deliverables=[nfd], status="in_progress"))
    got = links.get(nfd)
    assert got.state == "missing"
    assert "another Unicode form (NFC)" in got.note
    problems = link_problems(loaded.project, links, "plan.yaml")
    assert [(p.severity, p.line) for p in problems] == [("warning", 10)]
    assert "Unicode form" in problems[0].message


def test_letter_case_hint(repo: Repo):
    repo.write("README.md", "x\n")
    repo.commit("readme")
    assert "did you mean 'README.md'" in link(repo.root, "readme.md").note


# --- nothing outside the repository ------------------------------------------------------


def test_textual_escapes_are_never_read(repo: Repo, tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("x\n")
    repo.write("a.txt", "x\n")
    repo.commit("a")
    escapes = [str(secret), "/etc/passwd", "~/secret.txt", "../secret.txt", "C:/x", ".git/config", "a/../../x"]
    _, links = links_of(repo.root, plan_text(deliverables=escapes))
    for path in escapes:
        got = links.get(path)
        assert (got.state, got.lines, got.size, got.blob) == ("unsafe", None, None, None), path


def test_symlinks_that_leave_the_work_tree_are_errors(repo: Repo, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("x\n")
    repo.write("inside/real.txt", "1\n2\n")
    (repo.root / "committed-link").symlink_to(outside)
    (repo.root / "file-link").symlink_to(outside / "secret.txt")
    (repo.root / "git-link").symlink_to(repo.root / ".git")
    (repo.root / "inside-link").symlink_to("inside")
    repo.commit("links")
    (repo.root / "untracked-link").symlink_to("/etc")
    names = [
        "committed-link/secret.txt",
        "file-link",
        "untracked-link/passwd",
        "git-link/config",
        "inside-link/real.txt",
        "*-link",
    ]
    loaded, links = links_of(repo.root, plan_text(deliverables=names))
    states = {name: links.get(name).state for name in names}
    assert states == {
        "committed-link/secret.txt": "unsafe",
        "file-link": "unsafe",
        "untracked-link/passwd": "unsafe",
        "git-link/config": "unsafe",
        "inside-link/real.txt": "committed",
        "*-link": "committed",
    }
    for name in names[:4]:
        assert links.get(name).lines is None and links.get(name).size is None
    inside = links.get("inside-link/real.txt")
    assert inside.lines == 2 and inside.last_commit is not None and "inside/real.txt" in inside.note
    pattern = {m.path: m.state for m in links.expand("*-link")}
    assert pattern == {
        "committed-link": "unsafe",
        "file-link": "unsafe",
        "git-link": "unsafe",
        "inside-link": "committed",
        "untracked-link": "unsafe",
    }

    problems = [p for p in link_problems(loaded.project, links, "plan.yaml") if p.is_error]
    lines = [p.line for p in problems]
    assert lines == [10, 11, 12, 13, 15, 15, 15, 15]
    assert "leads outside the repository" in problems[0].message
    assert "'.git' folder" in problems[3].message
    assert "matched by '*-link'" in problems[4].message


def test_etc_passwd_never_makes_a_deliverable_look_done(repo: Repo):
    repo.write("a.txt", "x\n")
    repo.commit("a")
    got = link(repo.root, "/etc/passwd", as_="deliverables")
    assert got.state == "unsafe" and got.last_commit is None


def test_special_files_are_not_read(repo: Repo):
    repo.write("a.txt", "x\n")
    repo.commit("a")
    os.mkfifo(repo.root / "pipe")
    got = link(repo.root, "pipe")  # would block forever if it were opened for reading the usual way
    assert got.lines is None


# --- drift -----------------------------------------------------------------------------


def test_drift_of_done_deliverables(repo: Repo):
    repo.write("done.md", "x\n")
    repo.write("edited.md", "x\n")
    repo.commit("deliverables")
    repo.write("edited.md", "y\n")
    repo.write("fresh.md", "z\n")
    names = ["done.md", "edited.md", "fresh.md", "absent.md"]
    loaded, links = links_of(repo.root, plan_text(deliverables=names))
    problems = link_problems(loaded.project, links, "plan.yaml")
    assert [(p.severity, p.line, p.column) for p in problems] == [
        ("warning", 11, 19),
        ("warning", 12, 19),
        ("warning", 13, 19),
    ]
    assert (
        "'edited.md' of issue #1 is 'complete' but the file has changes that are not committed" in problems[0].message
    )
    assert "never committed" in problems[1].message and "does not exist" in problems[2].message

    loaded, links = links_of(repo.root, plan_text(deliverables=names, status="in_progress"))
    assert link_problems(loaded.project, links, "plan.yaml") == []


# --- every kind of repository ----------------------------------------------------------------


def test_no_git_at_all(tmp_path: Path):
    root = tmp_path / "plain"
    (root / "src").mkdir(parents=True)
    (root / "src/a.js").write_text("x\n")
    loaded, links = links_of(root, plan_text(deliverables=["src/a.js", "/etc/passwd"]))
    assert links.repo.usable is False and links.repo.message == "not in a git repository"
    assert links.get("src/a.js").state == "no-git"
    assert links.get("src/a.js").to_json()["last_commit"] is None
    assert links.get("/etc/passwd").state == "unsafe"
    assert link_problems(loaded.project, links, "plan.yaml") == []


def test_no_commits_yet(repo: Repo):
    repo.write("a.txt", "x\n")
    repo.git("add", "a.txt")
    repo.write("b.txt", "x\n")
    _, links = links_of(repo.root, plan_text(files=["a.txt", "b.txt"]))
    assert links.repo.head is None and links.repo.branch == "main"
    assert links.repo.message == "the repository has no commits yet"
    assert (links.get("a.txt").state, links.get("b.txt").state) == ("staged", "untracked")


def test_detached_head(repo: Repo):
    repo.write("a.txt", "x\n")
    first = repo.commit("one")
    repo.write("a.txt", "y\n")
    repo.commit("two")
    repo.git("checkout", "-q", "--detach", first)
    _, links = links_of(repo.root, plan_text(files=["a.txt"]))
    assert links.repo.detached and links.repo.branch is None and links.repo.head == first
    assert links.get("a.txt").last_commit.sha == short(repo, first)


def test_shallow_clone(repo: Repo, tmp_path: Path):
    repo.write("old.txt", "x\n")
    repo.commit("old")
    repo.write("new.txt", "x\n")
    tip = repo.commit("new")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True, capture_output=True
    )
    _, links = links_of(clone, plan_text(files=["old.txt", "new.txt"]))
    assert links.repo.shallow and "shallow" in links.repo.message
    # History stops at the cut: the cut commit is the last one git can name for both.
    assert links.get("old.txt").last_commit.sha == short(repo, tip)
    assert links.get("new.txt").state == "committed"


def test_bare_repository(repo: Repo, tmp_path: Path):
    repo.write("a.txt", "x\n")
    repo.commit("a")
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.root), str(bare)], check=True)
    holder = tmp_path / "holder"
    _, links = links_of(holder, plan_text(files=["a.txt"], repo_setting="../../bare.git"))
    assert links.get("a.txt").state == "missing"  # no work tree holds it: missing, as outside git
    assert "bare" in links.repo.message and "bare" in links.get("a.txt").note


def test_submodules(repo: Repo, tmp_path: Path):
    lib = make_repo(tmp_path / "lib")
    lib.write("lib.c", "int x;\n")
    lib_commit = lib.commit("lib code")
    repo.write("main.c", "x\n")
    repo.commit("main")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib.root), "vendor/lib")
    repo.commit("add submodule")
    (repo.root / "vendor/lib/lib.c").write_text("int y;\nint z;\n")
    (repo.root / "vendor/lib/extra.c").write_text("new\n")
    names = ["vendor/lib", "vendor/lib/lib.c", "vendor/lib/extra.c", "vendor/lib/none.c"]
    _, links = links_of(repo.root, plan_text(files=names))
    sub = links.get("vendor/lib")
    assert sub.kind == "submodule" and sub.state == "modified" and sub.blob == lib_commit
    inner = links.get("vendor/lib/lib.c")
    assert (inner.state, inner.lines) == ("modified", 2) and inner.note.startswith("in submodule 'vendor/lib'")
    assert inner.last_commit.subject == "lib code"
    assert links.get("vendor/lib/extra.c").state == "untracked"
    assert links.get("vendor/lib/none.c").state == "missing"

    fresh = tmp_path / "fresh"
    subprocess.run(["git", "clone", "-q", str(repo.root), str(fresh)], check=True)
    _, links = links_of(fresh, plan_text(files=["vendor/lib/lib.c"]))
    assert links.get("vendor/lib/lib.c").state == "missing"
    assert "git submodule update --init" in links.get("vendor/lib/lib.c").note


def test_nested_repository_is_untracked(repo: Repo):
    repo.write("a.txt", "x\n")
    repo.commit("a")
    nested = make_repo(repo.root / "nested")
    nested.write("inner.txt", "x\n")
    _, links = links_of(repo.root, plan_text(files=["nested", "nested/inner.txt"]))
    assert links.get("nested").state == "untracked"
    assert links.get("nested/inner.txt").state == "untracked"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_safe_directory_refusal_is_a_message(repo: Repo, tmp_path: Path, monkeypatch):
    repo.write("a.txt", "x\n")
    repo.commit("a")
    config = tmp_path / "gitconfig"
    config.write_text("[safe]\n\tdirectory = /somewhere/else\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    (repo.root / "data").mkdir()
    subprocess.run(["chown", "-R", "nobody", str(repo.root)], check=True)
    _, links = links_of(repo.root, plan_text(files=["a.txt"]))
    assert links.get("a.txt").state == "no-git"
    assert "safe.directory" in links.repo.message and "another user owns it" in links.repo.message


def test_nothing_stays_open(repo: Repo):
    repo.write("a.txt", "x\n")
    repo.commit("a")
    links_of(repo.root, plan_text(files=["a.txt"]))
    children = Path(f"/proc/self/task/{os.getpid()}/children")
    if children.exists():
        assert children.read_text().split() == []


# --- the HEAD cache ------------------------------------------------------------------------


def _tamper(root: Path, path: str, subject: str) -> None:
    file = cache_file(root)
    data = json.loads(bytes(read_entry(file)))
    data["commits"][path][Commit.__struct_fields__.index("subject")] = subject  # cached as an array
    file.write_bytes(sealed(json.dumps(data).encode()))


def test_a_second_run_on_the_same_head_reads_the_cache(repo: Repo):
    repo.write("a.txt", "x\n")
    repo.commit("real subject")
    text = plan_text(files=["a.txt"])
    _, links = links_of(repo.root, text)
    assert cache_file(repo.root).exists()
    _tamper(repo.root, "a.txt", "from the cache")
    _, links = links_of(repo.root, text)
    assert links.get("a.txt").last_commit.subject == "from the cache"


def test_a_new_head_walks_only_the_new_commits(repo: Repo):
    repo.write("a.txt", "x\n")
    repo.write("b.txt", "x\n")
    repo.commit("base")
    text = plan_text(files=["a.txt", "b.txt"])
    links_of(repo.root, text)
    _tamper(repo.root, "b.txt", "carried over")
    repo.write("a.txt", "y\n")
    repo.commit("edit a")
    _, links = links_of(repo.root, text)
    assert links.get("a.txt").last_commit.subject == "edit a"
    assert links.get("b.txt").last_commit.subject == "carried over"

    repo.git("commit", "-q", "--amend", "-m", "edit a, amended")  # the cached head is no ancestor now
    _, links = links_of(repo.root, text)
    assert links.get("a.txt").last_commit.subject == "edit a, amended"
    assert links.get("b.txt").last_commit.subject == "base"


def test_a_walk_begun_before_head_moved_is_made_again(repo: Repo):
    repo.write("a.txt", "1\n")
    repo.commit("one")
    with GitRepo.open(repo.root) as git:
        early = Walk(git, ["HEAD"])  # as linking starts it, before HEAD is known
        early._stream._process.wait()  # git has read HEAD (and written all of this short history)
        repo.write("a.txt", "2\n")
        head = repo.commit("two")
        with LastCommits(git, head, history_cut(git), early) as commits:
            assert commits.of(["a.txt"])["a.txt"].subject == "two"
    assert (
        json.loads(bytes(read_entry(cache_file(repo.root))))["commits"]["a.txt"][3] == "two"
    )  # sha, date, author, subject


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b'{"version": 1}',
        json.dumps({"version": 1, "head": "--output=/tmp/pwned", "cut": "", "commits": {}}).encode(),
    ],
)
def test_a_bad_cache_is_recomputed(repo: Repo, content: bytes):
    repo.write("a.txt", "x\n")
    repo.commit("real subject")
    file = cache_file(repo.root)
    file.parent.mkdir(parents=True)
    file.write_bytes(sealed(content))  # whole, as written: what is in it must be checked
    _, links = links_of(repo.root, plan_text(files=["a.txt"]))
    assert links.get("a.txt").last_commit.subject == "real subject"
    assert msgspec.json.decode(read_entry(file))["head"] == repo.git("rev-parse", "HEAD")


def test_an_unwritable_cache_is_skipped(repo: Repo, tmp_path: Path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    repo.write("a.txt", "x\n")
    repo.commit("real subject")
    _, links = links_of(repo.root, plan_text(files=["a.txt"]))
    assert links.get("a.txt").last_commit.subject == "real subject"


def test_a_walk_read_in_any_pieces_finds_the_same_commits(repo: Repo):
    repo.write("a.txt", "1\n")
    repo.commit("one")
    repo.write("\nstarts with a line break", "x\n")
    repo.write("two\nlines", "x\n")
    repo.commit("two")
    repo.git("commit", "-q", "--allow-empty", "--allow-empty-message", "-m", "")
    repo.write("b.txt", "x\n")
    repo.git("add", "b.txt")
    repo.git("commit", "-q", "--allow-empty-message", "-m", "")
    repo.write("a.txt", "2\n")
    last = repo.commit("a.txt")  # a subject that is also a name
    output = subprocess.run(["git", *WALK, "HEAD"], cwd=repo.root, capture_output=True, check=True).stdout
    wanted = ["a.txt", "b.txt", "\nstarts with a line break", "two\nlines", "never.txt"]

    def read(chunks):
        return chase(chunks, dict.fromkeys(wanted, last), lambda commits: pytest.fail("no merge here"))

    whole, left, tip = read([output])
    assert tip == last and left == {}
    assert {path: commit.subject for path, commit in whole.items() if commit} == {
        "a.txt": "a.txt",
        "b.txt": "",
        "\nstarts with a line break": "two",
        "two\nlines": "two",
    }
    assert whole["never.txt"] is None
    assert whole["a.txt"].sha == short(repo) and whole["a.txt"].author == "Ada Lovelace"
    for cut in range(len(output) + 1):
        assert read([output[:cut], output[cut:]]) == (whole, left, tip), cut
    assert read([output[i : i + 1] for i in range(len(output))]) == (whole, left, tip)


def test_without_history_no_walk_is_made(repo: Repo):
    repo.write("a.txt", "x\n")
    repo.commit("a")
    _, links = links_of(repo.root, plan_text(files=["a.txt"]), history=False)
    assert links.get("a.txt").state == "committed" and links.get("a.txt").last_commit is None
    assert not cache_file(repo.root).exists()


def test_gitrepo_paths_follow_a_double_dash(repo: Repo):
    repo.write("-p", "x\n")
    repo.commit("dash")
    with GitRepo.open(repo.root) as git:
        assert git.run("ls-files", "-z", paths=["-p"]) == b"-p\0"
        assert git.ok("cat-file", "-e", "HEAD:-p")
        assert not git.ok("cat-file", "-e", "HEAD:nothing")


def test_a_newline_in_the_work_tree_s_name_is_part_of_it(tmp_path: Path):
    repo = make_repo(tmp_path / "two\nlines")
    repo.write("data/a.txt", "x\n")
    repo.commit("a")
    with GitRepo.open(repo.root / "data") as git:
        assert (git.root, git.git_dir.resolve()) == (repo.root, repo.root / ".git")
        assert git.index_file.resolve() == repo.root / ".git" / "index"
        assert git.run("ls-files") == b"data/a.txt\n"


def test_a_linked_work_tree_has_its_own_index(repo: Repo, tmp_path: Path):
    """What vouch.PlainIndex looks at: the index of the work tree linked, not the main one's."""
    repo.write("data/a.txt", "x\n")
    repo.commit("a")
    repo.git("worktree", "add", "-q", "--detach", str(tmp_path / "linked"), "HEAD")
    with GitRepo.open(tmp_path / "linked" / "data") as git:
        assert git.root == tmp_path / "linked" and git.git_dir == repo.root / ".git"
        assert git.index_file.resolve() == repo.root / ".git" / "worktrees" / "linked" / "index"


def test_a_work_tree_reached_through_a_symlink_reads_its_own_objects(repo: Repo, tmp_path: Path):
    repo.write("src/a.txt", "x\n")
    sha = repo.commit("a")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "code").symlink_to(repo.root / "src")  # git names ../.git from src/
    with GitRepo.open(tmp_path / "elsewhere" / "code") as git:
        assert (git.root, git.git_dir) == (repo.root, repo.root / ".git")
        assert git.file_at(sha, "src/a.txt") == b"x\n"


def test_a_plan_inside_the_git_folder_is_not_in_a_work_tree(repo: Repo):
    repo.write("a.txt", "x\n")
    repo.commit("a")
    with pytest.raises(GitUnavailable, match=r"^not in a git work tree \(the plan is inside a \.git folder\)$"):
        GitRepo.open(repo.root / ".git" / "info")


def test_a_work_tree_that_is_gone_is_unavailable_not_a_crash(repo: Repo, tmp_path: Path):
    repo.write("a.txt", "x\n")
    repo.commit("a")
    with GitRepo.open(repo.root) as git:
        repo.root.rename(tmp_path / "elsewhere")  # as while the dashboard runs for hours
        for ask in (
            lambda: git.run("status"),
            lambda: git.ok("status"),
            lambda: git.start("status"),
            lambda: git.stream("status"),
        ):
            with pytest.raises(GitUnavailable, match="cannot run git: No such file or directory"):
                ask()


def written_blob(repo: Repo, data: bytes) -> str:
    """The id of a blob holding `data`, written into the repository's objects."""
    done = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"], cwd=repo.root, input=data, check=True, capture_output=True
    )
    return done.stdout.decode().strip()


def test_a_stream_nobody_reads_makes_git_wait_and_closes_at_once(repo: Repo, monkeypatch):
    monkeypatch.setattr(Stream, "UNREAD", 4 << 20)  # the bound, whatever it is, made small enough to test
    data = os.urandom(1 << 16) * 256  # 16 MiB, several times what a stream holds unread
    blob = written_blob(repo, data)
    with GitRepo.open(repo.root) as git:
        stream = git.stream("cat-file", "blob", blob)
        with stream._handed:  # wait (as long as it takes) until the reader has all it may hold
            assert stream._handed.wait_for(lambda: stream._unread >= Stream.UNREAD or stream._ended, timeout=120)
        assert stream._process.poll() is None  # git waits: most of its output is still to be written
        assert stream._unread <= Stream.UNREAD + (1 << 20)
        stream.close()  # with the reader waiting for room
        assert stream._process.returncode is not None and not stream._reader.is_alive()

        stream = git.stream("cat-file", "blob", blob)
        assert b"".join(stream.chunks()) == data  # read through, all of it in order
        stream.close()
    children = Path(f"/proc/self/task/{os.getpid()}/children")
    if children.exists():
        assert children.read_text().split() == []


def test_a_walk_chased_to_its_answer_stops_git_and_close_waits_for_it(repo: Repo, monkeypatch):
    """Git ending after a long walk takes a while (its memory given back): the chase does not wait for it,
    what the caller does next goes on meanwhile, and close waits."""
    for n in range(3):
        repo.write("a.txt", f"{n}\n")
        head = repo.commit(str(n))  # a.txt's answer is the first commit shown: the others are not read
    waited: list[subprocess.Popen] = []
    wait = subprocess.Popen.wait
    monkeypatch.setattr(subprocess.Popen, "wait", lambda process, *a, **k: waited.append(process) or wait(process))
    with GitRepo.open(repo.root) as git:
        waited.clear()
        walk = Walk(git, [head])
        assert walk.chase({"a.txt": head})[0]["a.txt"].subject == "2"
        assert waited == []
        walk.close()
        assert waited and walk._stream._process.returncode is not None
    children = Path(f"/proc/self/task/{os.getpid()}/children")
    if children.exists():
        assert children.read_text().split() == []


def test_git_started_to_a_file_ends_without_a_reader(repo: Repo):
    """A long answer (vouch.py's line per file) is written aside: git is done before anyone reads it, and
    its output is what a pipe gives."""
    data = os.urandom(1 << 16) * 8  # 512 KiB, more than a pipe holds
    blob = written_blob(repo, data)
    with GitRepo.open(repo.root) as git:
        aside, piped = git.start("cat-file", "blob", blob, to_file=True), git.start("cat-file", "blob", blob)
        aside._process.wait(timeout=60)  # through a pipe nobody reads, git would wait here for ever
        assert piped._process.poll() is None  # (as this one does)
        assert aside.output() == piped.output() == data
        aside.close()
        piped.close()


def test_a_deleted_folder_is_missing(repo: Repo):
    repo.write("gone/a.md", "x\n")
    repo.commit("folder")
    shutil.rmtree(repo.root / "gone")
    assert link(repo.root, "gone").state == "missing"


# --- what linking remembers per HEAD and per blob ------------------------------------


def _links_cache(root: Path) -> Path:
    return LinkCache.load(root).file


def test_clean_committed_files_take_their_line_count_from_the_blob_cache(repo: Repo):
    repo.write("a.txt", "1\n2\n")
    repo.commit("a")
    text = plan_text(files=["a.txt"])
    links_of(repo.root, text)
    file = _links_cache(repo.root)
    data = json.loads(bytes(read_entry(file)))
    blob = repo.git("rev-parse", "HEAD:a.txt")
    (key,) = data["counts"]
    assert key.startswith(blob + " ") and data["counts"][key] == [4, 2]
    data["counts"][key] = [4, 99]  # what only the cache says: the file is not read again
    file.write_bytes(sealed(json.dumps(data).encode()))
    assert links_of(repo.root, text)[1].get("a.txt").lines == 99

    repo.write("a.txt", "1\n2\n3\n")  # modified, same HEAD: counted from the disk
    got = links_of(repo.root, text)[1].get("a.txt")
    assert (got.state, got.lines, got.size) == ("modified", 3, 6)
    repo.write("a.txt", "1\n")
    assert links_of(repo.root, text)[1].get("a.txt").lines == 1


def test_a_file_git_assumes_unchanged_is_recounted_when_its_size_differs(repo: Repo):
    repo.write("a.txt", "1\n2\n")
    repo.commit("a")
    text = plan_text(files=["a.txt"])
    links_of(repo.root, text)
    repo.git("update-index", "--assume-unchanged", "a.txt")
    repo.write("a.txt", "1\n2\n3\n4\n")
    got = links_of(repo.root, text)[1].get("a.txt")
    assert (got.state, got.lines, got.size) == ("committed", 4, 8)


def test_heads_file_list_is_remembered_per_head(repo: Repo):
    repo.write("a.txt", "x\n")
    first = repo.commit("a")
    text = plan_text(files=["a.txt"])
    links_of(repo.root, text)
    file = _links_cache(repo.root)
    data = json.loads(bytes(read_entry(file)))
    assert data["head"] == first
    blob = repo.git("rev-parse", "HEAD:a.txt")
    listing = base64.b64decode(data["tree"]).replace(blob.encode(), b"f" * 40)
    file.write_bytes(sealed(json.dumps({**data, "tree": base64.b64encode(listing).decode()}).encode()))
    assert links_of(repo.root, text)[1].get("a.txt").blob == "f" * 40  # read back, not asked again

    repo.write("a.txt", "y\n")
    second = repo.commit("b")  # a new HEAD is listed afresh
    assert links_of(repo.root, text)[1].get("a.txt").blob == repo.git("rev-parse", "HEAD:a.txt")
    assert json.loads(bytes(read_entry(file)))["head"] == second


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b'{"version": 1}',
        json.dumps({"version": 1, "head": "--output=/tmp/pwned", "tree": "", "counts": {}}).encode(),
        json.dumps({"version": 99, "head": "0" * 40, "tree": "", "counts": {}}).encode(),
    ],
)
def test_a_bad_links_cache_is_recomputed(repo: Repo, content: bytes):
    repo.write("a.txt", "1\n2\n")
    repo.commit("a")
    file = _links_cache(repo.root)
    file.parent.mkdir(parents=True)
    file.write_bytes(sealed(content))  # whole, as written: what is in it must be checked
    got = links_of(repo.root, plan_text(files=["a.txt"]))[1].get("a.txt")
    assert (got.state, got.lines, got.blob) == ("committed", 2, repo.git("rev-parse", "HEAD:a.txt"))
    assert json.loads(bytes(read_entry(file)))["head"] == repo.git("rev-parse", "HEAD")


def test_a_links_cache_that_cannot_be_read_or_written_is_skipped(repo: Repo):
    repo.write("a.txt", "1\n2\n")
    repo.commit("a")
    _links_cache(repo.root).mkdir(parents=True)  # a folder where the file goes: no read, no replace (even as root)
    for _ in range(2):
        got = links_of(repo.root, plan_text(files=["a.txt"]))[1].get("a.txt")
        assert (got.state, got.lines) == ("committed", 2)
    assert _links_cache(repo.root).is_dir() and not list(_links_cache(repo.root).parent.glob(".*.tmp"))


def test_a_known_file_turned_into_a_symlink_out_is_caught(repo: Repo, tmp_path: Path):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret\n")
    repo.write("a.txt", "1\n2\n")
    repo.commit("a")
    text = plan_text(files=["a.txt"])
    links_of(repo.root, text)  # blob count and HEAD's list cached
    (repo.root / "a.txt").unlink()
    (repo.root / "a.txt").symlink_to(outside)
    got = links_of(repo.root, text)[1].get("a.txt")
    assert got.state == "unsafe" and got.lines is None and got.size is None


def test_root_files_named_like_revisions_do_not_stop_the_walk(repo: Repo):
    repo.write("HEAD", "a file, not a revision\n")
    repo.write("a.txt", "x\n")
    first = repo.commit("both")
    text = plan_text(files=["HEAD", "a.txt"])
    _, links = links_of(repo.root, text)  # nothing cached: a walk of "HEAD", started before HEAD is known
    assert links.get("HEAD").last_commit.sha == links.get("a.txt").last_commit.sha == short(repo, first)

    repo.write(first, "named like the cached HEAD\n")  # what the walk of new commits excludes
    repo.write("a.txt", "y\n")
    second = repo.commit("second")
    repo.write(second, "named like HEAD\n")
    third = repo.commit("third")
    repo.write(third, "named like HEAD\n")
    _, links = links_of(repo.root, plan_text(files=["HEAD", "a.txt", first, second]))
    assert links.get("HEAD").last_commit.sha == short(repo, first)
    assert links.get("a.txt").last_commit.sha == links.get(first).last_commit.sha == short(repo, second)
    assert links.get(second).last_commit.sha == short(repo, third)


def test_a_history_git_cannot_read_is_a_message_and_nothing_is_cached(repo: Repo, monkeypatch):
    monkeypatch.setattr(linkmemo, "RACY_NS", 0)  # links would be remembered whole
    repo.write("old/a.txt", "x\n")
    repo.commit("old")
    repo.write("new.txt", "x\n")
    repo.commit("middle")
    repo.write("new.txt", "y\n")
    repo.commit("new")
    tree = repo.git("rev-parse", "HEAD~1^{tree}")  # the tree git must read on its way to old/a.txt
    (repo.root / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    text = plan_text(files=["old/a.txt", "new.txt"])
    for _ in range(2):
        _, links = links_of(repo.root, text)
        assert links.get("old/a.txt").state == "no-git"
        assert links.repo.message.startswith("the history cannot be read") and tree in links.repo.message
        assert not cache_file(repo.root).exists()
        assert not list(cache_file(repo.root).parent.glob("linkmemo-*"))


@pytest.mark.parametrize("how", ["name too long", "mode 000"])
def test_a_cache_folder_that_cannot_be_searched_is_skipped(repo: Repo, tmp_path: Path, monkeypatch, request, how: str):
    cache = tmp_path / "locked"
    if how == "mode 000":
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            pytest.skip("root searches any folder")
        (cache / "tracker").mkdir(parents=True)
        cache.chmod(0)
        request.addfinalizer(lambda: cache.chmod(0o700))  # so that pytest can remove it
    else:  # a name no file system takes: every look into the folder fails, even as root
        cache = tmp_path / ("x" * 300)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    repo.write("a.txt", "x\n")
    repo.commit("real subject")
    for _ in range(2):
        _, links = links_of(repo.root, plan_text(files=["a.txt"]))
        assert links.get("a.txt").last_commit.subject == "real subject"


def test_clean_files_take_the_fast_path_and_link_as_the_general_one(repo: Repo, tmp_path: Path, monkeypatch):
    """links._Builder._clean links a clean plain file of HEAD without _file; every other case falls
    through to _file, and the links are the same either way (counted afresh and from the cache)."""
    from tracker.git import links as links_module

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.md").write_text("out\n")
    repo.write("a.md", "one\ntwo\n")
    repo.write("docs/b.md", "b\n")
    repo.write("docs/empty.md", "")
    repo.write("docs/deep/c.md", "no newline at the end")
    (repo.root / "bin.dat").write_bytes(b"\0\1\2")
    repo.write("changed.md", "x\n")
    repo.write("back\\slash.md", "b\n")
    (repo.root / "link.md").symlink_to("a.md")
    (repo.root / "via").symlink_to("docs")
    (repo.root / "away").symlink_to(outside)
    repo.commit("files")
    repo.write("changed.md", "y\n")
    clean = ["a.md", "docs/b.md", "docs/empty.md", "docs/deep/c.md", "bin.dat", "back\\slash.md"]
    others = ["changed.md", "link.md", "via/b.md", "away/o.md", "missing.md", "docs", "*.md", "./a.md"]
    general = links_module._Builder._file
    slow: list[str] = []

    def watched(builder, path: str):
        slow.append(path)
        return general(builder, path)

    monkeypatch.setattr(links_module._Builder, "_file", watched)
    fast = [links_of(repo.root, plan_text(files=clean + others))[1] for _ in range(2)]  # counted, then cached
    assert not set(slow) & set(clean)  # "back\\slash.md" too: git's name, no slash written on Windows
    assert {"changed.md", "link.md", "via/b.md", "away/o.md", "missing.md"} <= set(slow)

    monkeypatch.setattr(links_module._Builder, "_clean", lambda builder, path: None)
    shutil.rmtree(tmp_path / "cache")
    general_links = [links_of(repo.root, plan_text(files=clean + others))[1] for _ in range(2)]
    assert fast == general_links
    assert fast[1].get("a.md").lines == 2 and fast[1].get("bin.dat").note == "a binary file"


def test_caches_are_read_while_git_status_runs_and_used_for_the_head_they_hold(repo: Repo, monkeypatch):
    """With no links to give back, HEAD's listing and the last commits are read from the cache before
    `git status` answers; a listing kept for another HEAD is not used for this one."""
    from tracker.git import links as links_module
    from tracker.git.repo import Lent, Running

    repo.write("a.md", "one\n")
    repo.commit("first")
    text = plan_text(files=["a.md", "b.md"])
    links_of(repo.root, text)  # the caches, for the first commit
    order: list[str] = []
    # `git status` answers through Lent.output when started before the work tree was opened (git/ahead.py)
    for owner, name in ((Running, "output"), (Lent, "output"), (LinkCache, "load"), (links_module, "read_cache")):
        real = getattr(owner, name)

        def watched(*args, real=real, name=name, **kwargs):
            order.append(name)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, classmethod(lambda cls, *a, w=watched: w(*a)) if name == "load" else watched)
    repo.write("b.md", "two\n")
    repo.commit("second")  # the listing in the cache is the first commit's
    _, links = links_of(repo.root, text)
    assert order[:3] == ["load", "read_cache", "output"]
    assert links.get("b.md").state == "committed" and links.get("b.md").last_commit.subject == "second"
    assert links.get("a.md").last_commit.subject == "first" and links.get("a.md").lines == 1
