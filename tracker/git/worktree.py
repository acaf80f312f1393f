"""What git says about the work tree, asked once per read: HEAD, branch, changes, files.

`git status --porcelain=v2 -z` gives HEAD, the branch, changed and untracked
files; `git ls-tree` (cached per HEAD in linkcache) gives what HEAD holds, with
object ids.  Paths are decoded from raw bytes, never from quoted output.
"""

from __future__ import annotations

import bisect
import os
import re
import sys
from dataclasses import dataclass, field

from tracker.git.linkcache import LinkCache
from tracker.git.repo import GitRepo
from tracker.support.ownfiles import TEMP_INFIX, is_own

_REGULAR = ("100644", "100755")  # file modes whose blob is the file's content (not a symlink's target)
# One `git ls-tree -z` entry: mode, type, object id, TAB, the name up to its NUL.
_ENTRY = re.compile(r"([0-7]+) ([a-z]+) ([0-9a-f]+)\t([^\0]*)\0")
_FS_ENCODING, _FS_ERRORS = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()  # os.fsdecode's


@dataclass(slots=True)
class HeadFiles:
    """What `git ls-tree` lists for a commit: its files with their object ids, and which are plain files."""

    head: str
    committed: dict[str, tuple[str, str]]  # path -> (type, object id)
    regular: set[str]

    @classmethod
    def parse(cls, head: str, listing: bytes) -> HeadFiles:
        # Decoded whole and cut by one regex, not entry by entry in Python (a fifth of warm linking).
        # The same names as os.fsdecode of each: the separators are ASCII, which no UTF-8 sequence
        # (nor surrogateescape's byte by byte) runs across.
        entries = _ENTRY.findall(listing.decode(_FS_ENCODING, _FS_ERRORS))
        committed = {path: (kind, oid) for _mode, kind, oid, path in entries}
        return cls(head, committed, {path for mode, _kind, _oid, path in entries if mode in _REGULAR})

    @classmethod
    def cached(cls, cache: LinkCache) -> HeadFiles | None:
        """The listing the cache holds, for whatever HEAD it was kept (read before HEAD is known)."""
        return cls.parse(cache.head, cache.tree) if cache.head else None


@dataclass(slots=True)
class Status:
    """What `git status` (run with gitrepo.STATUS_ARGS) says, path by path."""

    head: str | None
    branch: str | None
    changes: dict[str, tuple[str, str]]  # tracked files with changes: path -> (XY, what it is)
    untracked: set[str]
    nested: list[str]  # untracked folders git did not enter: repositories of their own, "dir/"
    records: dict[str, bytes]  # each path git names -> all git said of it (to tell what changed between runs)

    @classmethod
    def parse(cls, raw: bytes) -> Status:
        said = cls(head_of(raw), None, {}, set(), [], {})
        changes, untracked, nested, records = said.changes, said.untracked, said.nested, said.records
        tokens = iter(raw.split(b"\0"))
        for token in tokens:
            kind = token[:2]
            if token.startswith(b"# branch.head "):
                name = token[14:].decode("utf-8", "replace")
                said.branch = None if name == "(detached)" else name
            elif kind in (b"1 ", b"2 ", b"u "):
                fields = token.split(b" ", {b"1 ": 8, b"2 ": 9, b"u ": 10}[kind])
                path = os.fsdecode(fields[-1])
                changes[path] = (fields[1].decode("ascii"), fields[2].decode("ascii"))
                records[path] = token
                if kind == b"2 ":
                    records[path] += b"\0" + next(tokens, b"")  # the name it had before the rename
            elif kind == b"? ":
                path = os.fsdecode(token[2:])
                if path.endswith("/"):
                    nested.append(path)
                untracked.add(path.rstrip("/"))
                records[path.rstrip("/")] = token
        return said

    def changed_since(self, before: Status) -> set[str]:
        """The paths of which git says something else than it said `before` (or said nothing either time)."""
        now, then = self.records, before.records
        return {path for path in now.keys() | then.keys() if now.get(path) != then.get(path)}


@dataclass(slots=True)
class WorkTree:
    head: str | None
    branch: str | None
    committed: dict[str, tuple[str, str]]  # HEAD's files: path -> (type, object id)
    regular: set[str]  # those of HEAD's files that are plain files (not symlinks, not submodules)
    changes: dict[str, tuple[str, str]]  # tracked files with changes: path -> (XY, what it is)
    untracked: set[str]
    nested: list[str]  # untracked folders git did not enter: repositories of their own, "dir/"
    known: set[str] = field(default_factory=set)  # every tracked or untracked file
    _universe: list[str] | None = None  # the same, sorted (see universe)

    @classmethod
    def read(cls, repo: GitRepo, cache: LinkCache, raw: bytes, ahead: HeadFiles | None = None) -> WorkTree:
        """The work tree from `raw`, the output of `git status` run with statusproc.STATUS_ARGS, and HEAD's
        listing (`ahead`: read from the cache before HEAD was known, used when it is HEAD's)."""
        said = Status.parse(raw)
        head, branch, changes, untracked, nested = said.head, said.branch, said.changes, said.untracked, said.nested
        committed: dict[str, tuple[str, str]] = {}
        regular: set[str] = set()
        if head:
            files = ahead if ahead is not None and ahead.head == head else None
            if files is None:
                listing = cache.tree_of(head)
                if listing is None:
                    listing = repo.run("ls-tree", "-r", "-z", "--full-tree", head)
                    cache.keep_tree(head, listing)
                files = HeadFiles.parse(head, listing)
            committed, regular = files.committed, files.regular
        tree = cls(head, branch, committed, regular, changes, untracked, nested)
        gone = {p for p, (xy, _) in changes.items() if xy[0] == "D"}  # deletion staged: no longer tracked
        tree.known = (committed.keys() | changes.keys() | untracked) - gone
        return tree

    @property
    def universe(self) -> list[str]:
        """Every tracked or untracked file, sorted: made when a folder, a pattern or a hint first needs it."""
        if self._universe is None:
            self._universe = sorted(self.known)
        return self._universe

    def under(self, prefix: str) -> list[str]:
        """Every tracked or untracked file whose path starts with `prefix`."""
        universe = self.universe
        start = bisect.bisect_left(universe, prefix)
        end = start
        while end < len(universe) and universe[end].startswith(prefix):
            end += 1
        return universe[start:end]


def leave_out_own(raw: bytes, locks: frozenset[str]) -> bytes:
    """`git status` output (STATUS_ARGS) without what it says of tracker's own untracked files: its temporary
    files and the plans' `locks` (support/ownfiles.py), there while a write is under way; not the user's changes."""
    if TEMP_INFIX.encode() not in raw and not any(os.fsencode(lock) + b"\0" in raw for lock in locks):
        return raw  # nearly always: the tokens are not looked at one by one
    kept = []
    tokens = iter(raw.split(b"\0"))
    for token in tokens:
        if token.startswith(b"? ") and is_own(os.fsdecode(token[2:]), locks):
            continue
        kept.append(token)
        if token.startswith(b"2 "):
            kept.append(next(tokens, b""))  # the name it had before the rename, which is no record
    return b"\0".join(kept)


def head_of(raw: bytes) -> str | None:
    """HEAD's object id from `git status` output; None before the first commit."""
    # `--branch` makes it the first line, before any file name.
    first = raw[: raw.find(b"\0")] if raw.startswith(b"# branch.oid ") else b"# branch.oid (initial)"
    oid = first[13:].decode("ascii", "replace")
    return None if oid == "(initial)" else oid


def change_state(xy: str, note: str | None) -> tuple[str, str | None]:
    """State and note of a tracked file from its `git status` XY code."""
    index, work = xy[0], xy[1]
    if index == "U" or work == "U" or xy in ("AA", "DD"):
        return "modified", "has merge conflicts"
    if work == "D":
        return "missing", "deleted in the work tree; HEAD still has it"
    if index == "D":
        return "missing", "its deletion is staged"
    if work != ".":
        return "modified", ("also has staged changes" if index != "." else note)
    if index == "A":
        return "staged", "added but not yet committed"
    return "staged", note
