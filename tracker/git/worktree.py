"""What git says about the work tree, asked once per read: HEAD, branch, changes, files.

`git status --porcelain=v2 -z` gives HEAD, the branch, changed and untracked
files; `git ls-tree` (cached per HEAD in linkcache) gives what HEAD holds, with
object ids.  Paths are decoded from raw bytes, never from quoted output.
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass, field

from tracker.git.linkcache import LinkCache
from tracker.git.repo import GitRepo

_REGULAR = ("100644", "100755")  # file modes whose blob is the file's content (not a symlink's target)


@dataclass(slots=True)
class WorkTree:
    head: str | None
    branch: str | None
    committed: dict[str, tuple[str, str]]  # HEAD's files: path -> (type, object id)
    regular: set[str]  # those of HEAD's files that are plain files (not symlinks, not submodules)
    changes: dict[str, tuple[str, str]]  # tracked files with changes: path -> (XY, what it is)
    untracked: set[str]
    nested: list[str]  # untracked folders git did not enter: repositories of their own, "dir/"
    universe: list[str] = field(default_factory=list)  # sorted: every tracked or untracked file
    known: set[str] = field(default_factory=set)  # the same, as a set

    @classmethod
    def read(cls, repo: GitRepo, cache: LinkCache, raw: bytes) -> WorkTree:
        """The work tree from `raw`, the output of `git status` run with gitrepo.STATUS_ARGS, and HEAD's listing."""
        head, branch = head_of(raw), None
        changes: dict[str, tuple[str, str]] = {}
        untracked: set[str] = set()
        nested: list[str] = []
        tokens = iter(raw.split(b"\0"))
        for token in tokens:
            kind = token[:2]
            if token.startswith(b"# branch.head "):
                name = token[14:].decode("utf-8", "replace")
                branch = None if name == "(detached)" else name
            elif kind in (b"1 ", b"2 ", b"u "):
                fields = token.split(b" ", {b"1 ": 8, b"2 ": 9, b"u ": 10}[kind])
                changes[os.fsdecode(fields[-1])] = (fields[1].decode("ascii"), fields[2].decode("ascii"))
                if kind == b"2 ":
                    next(tokens, None)  # the name it had before the rename
            elif kind == b"? ":
                path = os.fsdecode(token[2:])
                if path.endswith("/"):
                    nested.append(path)
                untracked.add(path.rstrip("/"))
        committed: dict[str, tuple[str, str]] = {}
        regular: set[str] = set()
        if head:
            listing = cache.tree_of(head)
            if listing is None:
                listing = repo.run("ls-tree", "-r", "-z", "--full-tree", head)
                cache.keep_tree(head, listing)
            for entry in listing.split(b"\0"):
                if entry:
                    meta, _tab, raw_name = entry.partition(b"\t")
                    mode, kind_, oid = meta.decode("ascii").split(" ")
                    path = os.fsdecode(raw_name)
                    committed[path] = (kind_, oid)
                    if mode in _REGULAR:
                        regular.add(path)
        tree = cls(head, branch, committed, regular, changes, untracked, nested)
        gone = {p for p, (xy, _) in changes.items() if xy[0] == "D"}  # deletion staged: no longer tracked
        tree.known = (set(committed) | set(changes) | untracked) - gone
        tree.universe = sorted(tree.known)
        return tree

    def under(self, prefix: str) -> list[str]:
        """Every tracked or untracked file whose path starts with `prefix`."""
        start = bisect.bisect_left(self.universe, prefix)
        end = start
        while end < len(self.universe) and self.universe[end].startswith(prefix):
            end += 1
        return self.universe[start:end]


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
