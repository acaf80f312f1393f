"""Each path the plan names, as git and the disk see it: state, lines, size, last commit, blob.

Git is asked a fixed number of times, however many files the plan names:
`git status` and `git ls-tree` (git/worktree.py; the listing remembered per HEAD)
and one history walk for last commits (git/lastcommit.py), which runs in git's own
process while the files are looked at.  Clean committed files are not read
again once their blob's line count is known (git/linkcache.py), and links made
from an unchanged work tree are given back whole (git/linkmemo.py).  The disk is
read only for paths proven to stay in the work tree: textual escapes
(absolute, `~`, `..`, `.git/`) are refused by planpaths.unsafe_reason before
anything else, symlinks that lead out here.

States: committed, modified, staged, untracked, ignored, missing; "unsafe" for
a path that is never read; "no-git" when there is no usable repository.
"""

from __future__ import annotations

import datetime
import os
import re
import stat
import unicodedata
from collections.abc import Collection
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import msgspec
from msgspec.structs import replace

from tracker.git import vouch as vouching
from tracker.git.ahead import Ahead, Started, set_going
from tracker.git.lastcommit import Commit, LastCommits, Walk, early_walk, history_cut, read_cache
from tracker.git.linkcache import LinkCache
from tracker.git.linkmemo import LinkMemo, Near
from tracker.git.repo import GitRepo, GitUnavailable, repo_start
from tracker.git.statusproc import STATUS_ARGS
from tracker.git.worktree import HeadFiles, Status, WorkTree, change_state, head_of, leave_out_own
from tracker.plan import (
    GLOB_CHARS,
    Project,
    glob_regex,
    is_glob,
    named_file,
    named_paths,
    unsafe_reason,
)
from tracker.support.figures import counted
from tracker.support.memory import no_cycle_scans
from tracker.support.ownfiles import plan_locks
from tracker.support.treepath import inside

# A pattern or folder shows the least finished state among its files.
_AGGREGATE_ORDER = ("modified", "staged", "untracked", "ignored", "committed")
_CHUNK = 1 << 20
_GLOB = re.compile("[" + re.escape("".join(sorted(GLOB_CHARS))) + "]")


# omit_defaults: a link is kept (git/linkmemo.py) without the fields at its end that hold their defaults
# (a plain file's note, kind and matches), which are read back as the defaults themselves, not as a new
# "file" string for each of 50,000 links.
class FileLink(msgspec.Struct, frozen=True, array_like=True, gc=False, omit_defaults=True):
    path: str  # as the plan writes it; for the files of a pattern, as git spells them
    state: str
    lines: int | None = None
    size: int | None = None
    last_commit: Commit | None = None
    blob: str | None = None  # object id of the version HEAD holds
    note: str | None = None
    kind: str = "file"  # file | folder | pattern | submodule
    matches: tuple[FileLink, ...] = ()  # the files a folder or pattern stands for

    def to_json(self) -> dict:
        out: dict[str, object] = {
            "state": self.state,
            "lines": self.lines,
            "last_commit": self.last_commit.to_json() if self.last_commit else None,
            "size": self.size,
            "blob": self.blob,
            "kind": self.kind,
        }
        if self.note:
            out["note"] = self.note
        if self.kind in ("folder", "pattern"):
            out["matches"] = [{"path": _printable(m.path), **m.to_json()} for m in self.matches]
        return out


class RepoInfo(msgspec.Struct, frozen=True, array_like=True, gc=False):
    root: str | None = None
    branch: str | None = None
    head: str | None = None  # full object id; None before the first commit
    detached: bool = False
    shallow: bool = False
    changed: int = 0  # tracked files with changes
    untracked: int = 0
    message: str | None = None  # why there is no usable git, or what is unusual about it
    ignored: tuple[str, ...] = ()  # GIT_DIR, GIT_WORK_TREE: set, and left out, naming another repository

    @property
    def usable(self) -> bool:
        return self.root is not None

    @property
    def ignored_note(self) -> str:
        """What the git line adds when the user's GIT_DIR or GIT_WORK_TREE was left out ("" if none was)."""
        names = " and ".join(self.ignored)
        return f"{names} ignored: another repository" if names else ""

    def to_json(self) -> dict:
        return {
            "root": self.root,
            "branch": self.branch,
            "head": self.head,
            "detached": self.detached,
            "shallow": self.shallow,
            "changed": self.changed,
            "untracked": self.untracked,
            "message": self.message,
            "ignored": list(self.ignored),
        }


@dataclass(slots=True)
class Links:
    repo: RepoInfo
    links: dict[str, FileLink]  # by path as written in the plan
    # Made from what `git status` and the files' stat do not show (a file inside a submodule, a folder
    # git sees nothing in): nothing made from these links may be remembered.
    volatile: bool = False
    # Without git: the folder the plan's paths were looked for in (what decides "missing"), else None.
    base: str | None = None

    def get(self, path: str) -> FileLink:
        """The link of a path the links were read for (KeyError for any other: read again)."""
        return self.links[path]

    def expand(self, pattern: str) -> list[FileLink]:
        link = self.links[pattern]
        return list(link.matches) if link.kind in ("folder", "pattern") else [link]

    def git_of(self, path: str) -> dict:
        return self.links[path].to_json()


def read_links(
    project: Project, plan_file: Path, extra: tuple[str, ...] = (), history: bool = True, ahead: Ahead | None = None
) -> Links:
    """Links for every path the plan names (plus `extra`); `history=False` skips last commits.

    `ahead`: git opened and set walking for `plan_file` before it was read (git/ahead.py); taken over
    when the plan's work tree is looked for where it was, stopped otherwise.
    """
    start = repo_start(plan_file, project.repo)
    taken = ahead.take(start) if ahead is not None else None
    if taken is None:  # git set going before the paths are gathered: 50,000 of them take a few ms
        taken = set_going(start, history)
    try:
        written = list(dict.fromkeys([*named_paths(project), *extra]))
    except BaseException:
        if not isinstance(taken, GitUnavailable):
            taken.close()
        raise
    if isinstance(taken, GitUnavailable):
        return no_git(written, str(taken), root=root_without_git(plan_file, project.repo))
    with taken.repo:
        return link_paths(taken.repo, written, history, started=taken, locks=plan_locks(taken.repo.root, plan_file))


def unsafe_link(path: str, reason: str) -> FileLink:
    """The link of a path the plan names that may not be read (plan.unsafe_reason gives `reason`)."""
    return FileLink(path, "unsafe", note=f"path {reason}; it is never read")


def root_without_git(plan_file: Path, repo_setting: str | None) -> Path:
    """What the plan's paths are relative to when there is no git: `repo:`, else the folder above data/."""
    start = repo_start(plan_file, repo_setting)
    if repo_setting is None and start.name == "data":
        return start.parent  # the plan in its usual place, data/phases.yaml at the project's root
    return start


def no_git(written: list[str], message: str, root: Path | None = None) -> Links:
    """Links that say git is not there; with `root`, a file (not a pattern) absent under it is `missing`.

    So a deliverable marked done whose file does not exist is drift with or without git.
    """
    links = {}
    for path in written:
        reason = unsafe_reason(path)
        if reason:
            links[path] = unsafe_link(path, reason)
        elif root is not None and not is_glob(path) and not os.path.lexists(root / path):
            links[path] = FileLink(path, "missing", note=f"no git: {message}")
        else:
            links[path] = FileLink(path, "no-git", note=message)
    return Links(RepoInfo(message=message), links, base=os.path.abspath(root) if root is not None else None)


def link_paths(
    repo: GitRepo,
    written: list[str],
    history: bool = True,
    remember: bool = True,
    started: Started | None = None,
    names: Collection[str] = (),
    locks: frozenset[str] = frozenset(),
) -> Links:
    """Links for paths relative to `repo`'s root, with a fixed number of git calls.

    `names`: those of `written` that are git's own names (the files a session's commits touched), taken
    as they are: "evidence/[2026] review.md" is no pattern, as a path the plan writes may be.
    `locks`: the plans' locks (support/ownfiles.plan_locks); they and tracker's temporary files are not the user's
    files, and git's word on them is left out (worktree.leave_out_own).

    With `remember`, links made from the same work tree and paths before are
    given back as they were (git/linkmemo.py), and new ones are kept.
    `started`: git already set going in `repo` (git/ahead.py), linking's now.
    """
    cut = history_cut(repo)  # a shallow clone's cut: read once, for the memo's key and the last commits'
    names = frozenset(names)
    memo = LinkMemo(repo.root, written, history, cut, names) if remember else None
    # Linking makes tens of thousands of small objects and no cycle: the cyclic GC would only scan,
    # over and over, all that lives beside it (a 10,000-issue plan: up to a fifth of warm linking).
    with ExitStack() as running, no_cycle_scans():
        early = started.walk if started is not None else None
        # Links not remembered (any trouble with the folder counts as not): the walk of history may be
        # needed, and starts before HEAD is even known.
        if started is None and history and memo is not None and not os.path.exists(memo.file):
            early = early_walk(repo)
        if early is not None:
            running.callback(early.close)
        # git looks at the work tree while we look at what we remember
        status = started.status if started is not None else repo.start(*STATUS_ARGS)
        running.callback(status.close)  # not read when something fails before
        vouch, found = None, None
        if memo is not None:
            memo.load()
            if memo.vouched:  # git asked whether its word on the clean files is proof, while it works
                vouch = vouching.Vouch(repo, memo.vouched)
                running.callback(vouch.close)
            memo.look()
            if memo.kept is not None:  # the links kept, read while git works (most runs give them back)
                found = _decode(memo.kept, written)
        cache, listed, walked = None, None, None
        if memo is None or not memo.found:  # no links to give back: what linking reads, read while git works
            cache = LinkCache.load(repo.root)
            listed = HeadFiles.cached(cache)
            walked = read_cache(repo.root) if history else None
        try:
            raw = leave_out_own(status.output(), locks)
        except GitUnavailable as exc:
            return no_git(written, str(exc))
        head = head_of(raw)
        made_at = memo.status if memo is not None else None
        same_head = found is not None and made_at is not None and head_of(made_at) == head
        vouched = same_head and vouch is not None and vouch.holds()  # (another HEAD: no link is given back)
        near = memo.near(vouched) if memo is not None and same_head else None
        if memo is not None and near is not None and found is not None:
            if near.status == raw and not near.touched:
                return Links(found.repo, found.links)
            # The same HEAD, and git says something else of some paths or some files changed: only the
            # links that may differ are made again.
            patched = _patch(repo, written, raw, near, vouched, found, memo, history, cut, early, running, names)
            if patched is not None:
                return patched
        # The history walk runs in git's own process while the files are looked at.
        commits = running.enter_context(LastCommits(repo, head, cut, early, walked)) if history and head else None
        return _link(
            repo, written, raw, commits, memo, cache if cache is not None else LinkCache.load(repo.root), listed, names
        )


def _link(
    repo: GitRepo,
    written: list[str],
    raw: bytes,
    commits: LastCommits | None,
    memo: LinkMemo | None,
    cache: LinkCache,
    listed: HeadFiles | None,
    names: frozenset[str],
) -> Links:
    made = _make(repo, written, raw, commits, cache, listed, memo, names)
    if isinstance(made, Links):
        return made
    result, builder, watch = made
    if memo is not None and not builder.volatile:
        _keep(memo, raw, result, watch, written)
    return result


def _make(
    repo: GitRepo,
    written: list[str],
    raw: bytes,
    commits: LastCommits | None,
    cache: LinkCache,
    listed: HeadFiles | None,
    memo: LinkMemo | None = None,
    names: frozenset[str] = frozenset(),
) -> Links | tuple[Links, _Builder, dict[str, tuple[str, str, str]]]:
    """The links, the builder that made them and what to watch in them (see _Kept); links that say git
    is not there, alone, when git fails.  `memo`: told what the links depend on (git vouching for the
    clean files, git/vouch.py) before the history walk is read, which most of a first run waits for."""
    try:
        tree = WorkTree.read(repo, cache, raw, listed)
    except GitUnavailable as exc:
        return no_git(written, str(exc))
    builder = _Builder(repo, tree, cache, names)
    shapes = {path: builder.shape(path) for path in dict.fromkeys(written)}
    # git asked about the clean files while they are measured
    asked = (
        vouching.Vouch(repo, vouching.nul_ended(builder.clean))
        if memo is not None and len(builder.clean) >= vouching.VOUCH_FROM
        else None
    )
    try:
        builder.measure()
        cache.save()
        # What the links depend on, taken while git still walks history (50,000 signatures: 40 ms).
        if memo is not None and not builder.volatile:
            vouched = builder.clean if asked is not None and asked.holds() else []
            memo.depend_on(builder.files, builder.lstats, vouched)
        files = builder.files
        if commits is not None:
            keys = {p: k for p, k in builder.keys.items() if k in tree.committed and files[p].state != "unsafe"}
            try:
                found = commits.of(keys.values())
            except GitUnavailable as exc:  # a damaged repository: no link can be vouched for
                return no_git(written, f"the history cannot be read: {exc}; run git fsck to see what is damaged")
            for path, key in keys.items():
                commit = found.get(key)
                if commit is not None:
                    files[path] = replace(files[path], last_commit=commit)
    finally:
        if asked is not None:
            asked.close()
    links = {}
    watch: dict[str, tuple[str, str, str]] = {}
    for path, shape in shapes.items():
        if isinstance(shape, _Group):
            links[path] = _aggregate(path, shape, [files[m] for m in shape.members])
            watch[path] = ("prefix", shape.prefix, "")
        elif isinstance(shape, str):
            links[path] = files[shape] if shape == path else replace(files[shape], path=path)
            key = builder.keys.get(shape, shape)
            if links[path].state == "missing":
                watch[path] = ("missing", shape, key)
            elif shape != path or key != path:
                watch[path] = ("file", shape, key)
        else:
            links[path] = shape
    return Links(_repo_info(tree, repo), links, builder.volatile), builder, watch


def _keep(memo: LinkMemo, raw: bytes, links: Links, watch: dict[str, tuple[str, str, str]], written: list[str]) -> None:
    try:
        made = links.links
        memo.keep(raw, msgspec.msgpack.encode(_Kept(links.repo, [made[path] for path in written], watch)))
    except UnicodeEncodeError:  # a name that is not UTF-8: such links are made afresh each time
        pass


def _patch(
    repo: GitRepo,
    written: list[str],
    raw: bytes,
    near: Near,
    vouched: bool,
    kept: _Found,
    memo: LinkMemo,
    history: bool,
    cut: str,
    early: Walk | None,
    running: ExitStack,
    names: frozenset[str],
) -> Links | None:
    """The links `kept`, made when git said `near.status`, with those that may differ made again: the
    links of the paths git now says something else of and of the files changed since (`near.touched`),
    and of the folders, patterns and missing files these bear on.  None when they cannot be patched."""
    now, then = Status.parse(raw), Status.parse(near.status)
    if now.nested != then.nested:  # a folder with a repository of its own decides all beneath it
        return None
    changed = now.changed_since(then) | near.touched
    redo = _affected(kept, changed)
    links = kept.links
    if not redo:
        return Links(_repo_info(now, repo), links)
    head = now.head
    commits = running.enter_context(LastCommits(repo, head, cut, early)) if history and head else None
    made = _make(repo, redo, raw, commits, LinkCache.load(repo.root), None, names=names)
    if isinstance(made, Links):  # git failed: no link can be vouched for
        return no_git(list(links), made.repo.message or "git failed")
    fresh, builder, watch = made
    watched = kept.watch
    for path in redo:
        links[path] = fresh.links[path]
        watched.pop(path, None)
    watched.update(watch)
    result = Links(fresh.repo, links, builder.volatile)
    if not builder.volatile:
        memo.depend_on_patched(builder.files, builder.lstats, changed, vouched)
        _keep(memo, raw, result, watched, written)
    return result


def _affected(kept: _Found, changed: set[str]) -> list[str]:
    """The paths whose links may differ when git says something else of the paths `changed`."""
    if not changed:
        return []
    around = set()  # the paths changed and the folders they are in
    for path in changed:
        while path and path not in around:
            around.add(path)
            path = path.rpartition("/")[0]
    links, watch = kept.links, kept.watch
    redo = [path for path in around if path in links and path not in watch]
    folded = {path.casefold() for path in changed}
    decomposed = {unicodedata.normalize("NFD", path) for path in changed}
    for path, (kind, where, key) in watch.items():
        if kind == "prefix":
            hit = any(c.startswith(where) for c in changed)
        else:
            # or of the very name written: a file named `a\b.md` is what the plan's `a\b.md` names once it is there
            hit = where in around or key in around or path in around
            # what a missing file's spelling hint says depends on what else git knows
            hit = (
                hit
                or kind == "missing"
                and (where.casefold() in folded or unicodedata.normalize("NFD", where) in decomposed)
            )
        if hit:
            redo.append(path)
    return redo


class _Kept(msgspec.Struct, array_like=True):
    """Links as linkmemo keeps them, with what decides whether each stands when git says something
    else of some paths (see _patch).  `links`: one for each path asked for, in the order asked (the
    entry is kept under those paths, in that order), so the paths are not kept twice nor compared
    with those asked for when read.  A path not in `watch` is linked to the file of its own name;
    its link stands while git says the same of that file and of the folders on its way.  In `watch`:
    ("prefix", P, "") a folder or pattern, made again when git says something else of a path starting
    with P; ("file", path, key) a file by another name (its path normalized, or reached through a
    symlink as `key`); ("missing", path, key) the same for a missing file, whose spelling hint also
    changes with a path alike in letter case or Unicode form."""

    repo: RepoInfo
    links: list[FileLink]
    watch: dict[str, tuple[str, str, str]]


class _Found(NamedTuple):
    """An entry's links read back (see _Kept), by path."""

    repo: RepoInfo
    links: dict[str, FileLink]
    watch: dict[str, tuple[str, str, str]]


def _decode(encoded: memoryview, written: list[str]) -> _Found | None:
    """The links an entry keeps, if they are links with one for each path."""
    try:
        found = _LINKS.decode(encoded)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):  # not links: made afresh
        return None
    if len(found.links) != len(written):
        return None
    return _Found(found.repo, dict(zip(written, found.links, strict=True)), found.watch)


_LINKS = msgspec.msgpack.Decoder(_Kept)


def _repo_info(tree: WorkTree | Status, repo: GitRepo) -> RepoInfo:
    message = None
    if tree.head is None:
        message = "the repository has no commits yet"
    elif repo.shallow:
        message = "a shallow clone: commits before the cut are not known"
    return RepoInfo(
        str(repo.root),
        tree.branch,
        tree.head,
        tree.head is not None and tree.branch is None,
        repo.shallow,
        len(tree.changes),
        len(tree.untracked),
        message,
        repo.ignored,
    )


# --- from paths to links -----------------------------------------------------------


@dataclass(slots=True)
class _Group:
    kind: str  # folder | pattern
    members: list[str]
    empty: FileLink  # what to show when nothing matches
    prefix: str  # what every path that may be a member starts with


class _Builder:
    def __init__(self, repo: GitRepo, tree: WorkTree, cache: LinkCache, names: frozenset[str] = frozenset()):
        self.repo = repo
        self.names = names  # git's own names: no pattern, no backslash for a slash (see link_paths)
        self.tree = tree
        self.cache = cache
        self.root = os.path.realpath(repo.root)
        self._base = self.root.rstrip(os.sep) + os.sep
        self.files: dict[str, FileLink] = {}  # by git path, before last commits are known
        self.keys: dict[str, str] = {}  # path -> the path git tracks it under (differs through a symlink)
        self.submodules = sorted(p for p, (kind, _) in tree.committed.items() if kind == "commit")
        self._folded: dict[str, str] | None = None
        self._folders: dict[str, str] = {}  # folder as the plan names it -> its real path
        self._refused: dict[str, str | None] = {}  # real folder -> symlink_reason of it
        self.lstats: dict[str, os.stat_result | None] = {}  # what each file's lstat said (None: nothing there)
        self.clean: list[str] = []  # the files linked by _clean: git calls them clean, they are plain files
        # (path, real path, its blob and stat when clean)
        self._unmeasured: list[tuple[str, str, tuple[str, os.stat_result] | None]] = []
        # Whether a link depends on what `git status` does not show (a submodule's insides, ignore rules
        # for a folder git sees no file in): such links are not remembered whole.
        self.volatile = False

    def shape(self, written: str) -> FileLink | _Group | str:
        """A finished link, a group of files to aggregate, or the git path of one file."""
        reason = unsafe_reason(written)
        if reason:
            return unsafe_link(written, reason)
        tree = self.tree
        # A name git lists is normal already (no `.`, `..` or empty parts), and names that very file even with
        # a backslash in it (plan/paths.py: named_file).  One of `names` is git's own, backslash and all.
        named = written in self.names
        path = (
            written if named or written in tree.committed or written in tree.known else named_file(written, self.there)
        )
        if path in tree.committed and path not in tree.changes:  # a clean file of HEAD: no folder, no pattern
            if path not in self.files:
                self.files[path] = self._clean(path) or self._file(path)
            return path
        inside = next((s for s in self.submodules if path.startswith(s + "/")), None)
        if inside:
            return self._in_submodule(written, inside, path[len(inside) + 1 :])
        if _GLOB.search(path) and not named and path not in self.tree.known:  # a file may be called "[draft].md"
            literal = re.split(r"[*?\[]", path, maxsplit=1)[0].rpartition("/")[0]
            matcher = glob_regex(path)
            members = [p for p in self.tree.under(literal + "/" if literal else "") if matcher.match(p)]
            empty = FileLink(
                written, "missing", kind="pattern", note="the pattern matches no tracked or untracked file"
            )
            return self._group("pattern", members, empty, literal)
        members = self.tree.under("" if path == "." else path + "/")
        if members:
            return self._group(
                "folder", members, FileLink(written, "missing", kind="folder"), "" if path == "." else path
            )
        self.file(path)
        return path

    def there(self, path: str) -> bool:
        """Whether a file of that very name is in the work tree (one git ignores, say)."""
        return os.path.lexists(os.path.join(self.root, path))

    def _group(self, kind: str, members: list[str], empty: FileLink, prefix: str) -> _Group:
        for member in members:
            self.file(member)
        return _Group(kind, members, empty, prefix)

    def file(self, path: str) -> FileLink:
        if path not in self.files:
            tree = self.tree
            clean = self._clean(path) if path in tree.committed and path not in tree.changes else None
            self.files[path] = clean or self._file(path)
        return self.files[path]

    def _clean(self, path: str) -> FileLink | None:
        """The link of a file HEAD holds and `git status` calls clean, when it is a plain file where
        git has it (no symlink on the way, a regular file in a folder that may be read); None for
        any other case, which _file decides.  The same link as _file's, in a fraction of its time:
        most files of most plans are such files, and this was most of linking with the caches warm."""
        parent, _, name = path.rpartition("/")
        real_parent = self._folders.get(parent)
        if real_parent is None:
            real_parent = self._folders[parent] = os.path.realpath(os.path.join(self.root, parent))
        refused = self._refused.get(real_parent, "")
        if refused == "":
            refused = self._refused[real_parent] = symlink_reason(self.root, real_parent or os.sep)
        kind, blob = self.tree.committed[path]
        if refused is not None or real_parent == os.sep or name.lower() == ".git" or kind != "blob":
            return None
        real = real_parent + os.sep + name
        try:
            info = os.lstat(real)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode) or path not in self.tree.regular:
            return None
        self.lstats[path] = info
        self.keys[path] = path
        self.clean.append(path)
        known = self.cache.count(blob, info)
        if known is None:
            self._unmeasured.append((path, real, (blob, info)))
            return FileLink(path, "committed", None, None, None, blob)
        return FileLink(
            path, "committed", known[1], known[0], None, blob, None if known[1] is not None else "a binary file"
        )

    def _real(self, path: str) -> tuple[str, os.stat_result | None]:
        """Where `path` really is, symlinks resolved, and its lstat when it is not a symlink.

        Folders are resolved once for all their files; each file costs one lstat, every run,
        so a symlink that leads out is caught however long the cache has known the file.
        """
        parent, _, name = path.rpartition("/")
        real_parent = self._folders.get(parent)
        if real_parent is None:
            real_parent = self._folders[parent] = os.path.realpath(os.path.join(self.root, parent))
        candidate = (
            real_parent + os.sep + name
            if name not in ("", ".", "..") and real_parent != os.sep
            else (os.path.normpath(os.path.join(real_parent, name)))
        )
        try:
            info = os.lstat(candidate)
        except OSError:
            self.lstats[path] = None
            return candidate, None
        self.lstats[path] = info
        return (os.path.realpath(candidate), None) if stat.S_ISLNK(info.st_mode) else (candidate, info)

    def _escape(self, path: str) -> tuple[str, str, str | None, os.stat_result | None]:
        """Where `path` really is, that place relative to the root, why it may not be read (or None), its lstat."""
        real, info = self._real(path)
        if info is not None and real != self.root:  # not a symlink: judged by its folder, once per folder
            folder, _, name = real.rpartition(os.sep)
            refused = self._refused.get(folder, "")
            if refused == "":
                refused = self._refused[folder] = symlink_reason(self.root, folder or os.sep)
            if refused is None and name.lower() == ".git":
                refused = symlink_reason(self.root, real)
        else:
            refused = symlink_reason(self.root, real)
        if refused:
            return real, "", refused, None
        return real, real[len(self._base) :] if real != self.root else ".", None, info

    def _file(self, path: str) -> FileLink:
        real, relative, refused, info = self._escape(path)
        if refused:
            return FileLink(path, "unsafe", note=refused)
        tree = self.tree
        # A path under a symlinked folder is tracked under the folder it really is in.
        key = (
            path
            if path in tree.committed or path in tree.changes or path in tree.untracked
            else (relative.replace(os.sep, "/"))
        )
        kind, blob = tree.committed.get(key, ("blob", None))
        self.keys[path] = key
        note = f"reached through a symlink; git knows it as '{key}'" if key != path else None
        if key in tree.untracked:
            state = "untracked"
            if key + "/" in tree.nested:
                note = "a folder with a git repository of its own"
        elif key in tree.changes:
            state, note = change_state(tree.changes[key][0], note)
        elif blob is not None:
            state = "committed"
        else:  # git does not know it: what is on the disk decides
            size, lines, disk_note, on_disk = _measure(real)
            if any(key.startswith(n) for n in tree.nested):
                state, note = "untracked", "inside a folder with a git repository of its own"
            elif on_disk and os.path.isdir(real):
                self.volatile = True
                ignored = self.repo.ok("check-ignore", "-q", paths=[key])
                note = None if ignored else "a folder with no file in it that git tracks or sees"
                return FileLink(path, "ignored" if ignored else "untracked", note=note, kind="folder")
            elif on_disk:
                state = "ignored"
            else:
                return FileLink(path, "missing", note=disk_note or self._spelling_hint(path))
            return FileLink(path, state, lines, size, None, blob, note or disk_note)
        if kind == "commit":
            return FileLink(
                path,
                state,
                blob=blob,
                kind="submodule",
                note=f"a submodule at commit {blob[:12]}" if blob else "a submodule",
            )
        # Clean (git says the work tree holds HEAD's blob) and a plain file: its count stands while its stat does.
        clean = (
            state == "committed"
            and key == path
            and key in tree.regular
            and info is not None
            and stat.S_ISREG(info.st_mode)
        )
        known = self.cache.count(blob, info) if clean and blob and info else None
        if known is not None:
            return FileLink(
                path, state, known[1], known[0], None, blob, note or (None if known[1] is not None else "a binary file")
            )
        self._unmeasured.append((path, real, (blob, info) if clean and blob and info else None))
        return FileLink(path, state, None, None, None, blob, note)

    def measure(self) -> None:
        """Read the files whose state git gave but whose lines it did not (apart, so a history walk can overlap)."""
        for path, real, clean in self._unmeasured:
            link = self.files[path]
            size, lines, disk_note, _ = _measure(real)
            if clean and size is not None and (lines is not None or disk_note == "a binary file"):
                self.cache.keep_count(*clean, size, lines)
            self.files[path] = FileLink(path, link.state, lines, size, None, link.blob, link.note or disk_note)
        self._unmeasured.clear()

    def _in_submodule(self, written: str, submodule: str, rest: str) -> FileLink:
        self.volatile = True
        where, _, refused, _ = self._escape(submodule)
        if refused:
            return FileLink(written, "unsafe", note=refused)
        if not os.path.lexists(os.path.join(where, ".git")):
            return FileLink(
                written,
                "missing",
                note=f"inside submodule '{submodule}', which is not checked out; run git submodule update --init",
            )
        try:
            sub = GitRepo.open(Path(where))
        except GitUnavailable as exc:
            return FileLink(written, "no-git", note=f"inside submodule '{submodule}': {exc}")
        with sub:
            link = link_paths(sub, [rest], remember=False).get(rest)
        note = f"in submodule '{submodule}'" + (f"; {link.note}" if link.note else "")
        return replace(link, path=written, note=note)

    def _spelling_hint(self, path: str) -> str | None:
        for form in ("NFC", "NFD"):
            other = unicodedata.normalize(form, path)
            if other != path and self.tree.under(other)[:1] == [other]:
                return (
                    f"no such file, but '{other}' exists: the same letters in another Unicode form "
                    f"({form}); retype the name in the plan"
                )
        if self._folded is None:
            self._folded = {p.casefold(): p for p in self.tree.universe}
        cased = self._folded.get(path.casefold())
        if cased:
            return f"no such file; did you mean '{cased}'? (the letter case differs)"
        return None


def _measure(real: str) -> tuple[int | None, int | None, str | None, bool]:
    """Size, line count, a note, and whether anything is there; only regular files are read."""
    try:
        fd = os.open(
            real,
            os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0),
        )
    except (FileNotFoundError, NotADirectoryError):
        return None, None, None, False
    except IsADirectoryError:
        return None, None, None, True
    except OSError as exc:
        return None, None, f"cannot be read: {exc.strerror}", os.path.lexists(real)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        return None, None, None if stat.S_ISDIR(info.st_mode) else "not a regular file; it is not read", True
    # Plain os.read: no file object per file, which was a fifth of reading 5,000 small files.  Reading
    # stops at the size fstat gave (the size reported), which spares each file a last, empty read.
    try:
        newlines, last, binary, left = 0, b"\n", False, info.st_size
        while left > 0 and (chunk := os.read(fd, min(left, _CHUNK))):
            left -= len(chunk)
            binary = binary or (newlines == 0 and b"\0" in chunk[:8000])
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    finally:
        os.close(fd)
    if binary:
        return info.st_size, None, "a binary file", True
    return info.st_size, newlines + (last != b"\n"), None, True


def _aggregate(written: str, group: _Group, members: list[FileLink]) -> FileLink:
    if not members:
        return group.empty
    safe = [m for m in members if m.state != "unsafe"]
    # Files deleted from a folder are a change to it; the folder is missing only when all are gone.
    states = {("modified" if m.state == "missing" else m.state) for m in safe}
    if safe and all(m.state == "missing" for m in safe):
        state = "missing"
    else:
        state = next((s for s in _AGGREGATE_ORDER if s in states), "unsafe")
    measured = [m.lines for m in safe if m.lines is not None]
    sizes = [m.size for m in safe if m.size is not None]
    commits = [m.last_commit for m in safe if m.last_commit is not None]
    tally: dict[str, int] = {}
    for m in members:
        tally[m.state] = tally.get(m.state, 0) + 1
    note = f"{counted(len(members), 'file')}: " + ", ".join(f"{n} {s}" for s, n in tally.items())
    return FileLink(
        written,
        state,
        sum(measured) if measured else None,
        sum(sizes) if sizes else None,
        max(commits, key=_when, default=None),
        None,
        note,
        group.kind,
        tuple(members),
    )


def _when(commit: Commit) -> datetime.datetime:
    return datetime.datetime.fromisoformat(commit.date)


def symlink_reason(root: str, real: str, then: str = "; it is never read") -> str | None:
    """Why the file at `real` (symlinks resolved) may not be read from the work tree whose resolved
    path is `root`: it is outside it, or inside a `.git` folder at any depth (said, then `then`); None
    when it may."""
    relative = inside(root, real)
    if relative is None:
        return f"leads outside the repository through a symlink{then}"
    if any(part.lower() == ".git" for part in relative.split("/")):
        return f"leads into a '.git' folder, git's own storage, through a symlink{then}"
    return None


def escape_reason(root: Path, path: str, then: str = "; it is never read") -> str | None:
    """Why the one file (or folder) `path`, from the work tree `root`, may not be used because a symlink
    on its way leads outside the work tree or into a `.git` folder; None when none does.  The path's
    text is unsafe_reason's to judge first: this resolves it on disk (a part that does not exist yet
    resolves as written)."""
    named = named_file(path, lambda name: os.path.lexists(root / name))
    return symlink_reason(os.path.realpath(root), os.path.realpath(root / named), then)


def _printable(path: str) -> str:
    """A git path as text JSON can carry: bytes that are not UTF-8 become U+FFFD."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
