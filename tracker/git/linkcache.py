"""What linking may remember between runs: HEAD's file list, and line counts by blob.

A commit's tree never changes, so `git ls-tree` of a HEAD seen before is read
back instead of asked again.  A blob's content never changes either, so the
size and line count of a clean committed file are remembered by its blob id
(and checked against the size on disk, which catches checkout filters and
files git was told to assume unchanged).  Kept next to the last commits, in
the user's cache folder; a cache that is corrupt, foreign or unwritable is
ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from tracker.support.cachefiles import WORK_TREES_KEPT, cache_dir, write_entry

CACHE_VERSION = 1
_OID = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


class _CacheFile(msgspec.Struct):
    version: int
    head: str  # the commit `tree` lists
    tree: bytes  # `git ls-tree -r -z --full-tree HEAD`, as git wrote it
    counts: dict[str, tuple[int, int | None]]  # blob id -> (size, lines; None for a binary file)


@dataclass(slots=True)
class LinkCache:
    file: Path
    head: str = ""
    tree: bytes = b""
    counts: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    used: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # what this run looked up or counted
    dirty: bool = False

    @classmethod
    def load(cls, root: Path) -> LinkCache:
        key = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:20]
        cache = cls(cache_dir() / f"links-{key}.json")
        try:
            data = msgspec.json.decode(cache.file.read_bytes(), type=_CacheFile)
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            return cache
        if data.version == CACHE_VERSION and _OID.match(data.head):
            cache.head, cache.tree, cache.counts = data.head, data.tree, data.counts
        return cache

    def tree_of(self, head: str) -> bytes | None:
        return self.tree if head == self.head else None

    def keep_tree(self, head: str, tree: bytes) -> None:
        self.head, self.tree, self.dirty = head, tree, True

    def count(self, blob: str, size: int) -> tuple[int, int | None] | None:
        """(size, lines) of the blob's content, when known and the file on disk has that size."""
        known = self.counts.get(blob)
        if known is None or known[0] != size:
            return None
        self.used[blob] = known
        return known

    def keep_count(self, blob: str, size: int, lines: int | None) -> None:
        self.used[blob] = (size, lines)
        self.dirty = self.dirty or self.counts.get(blob) != (size, lines)

    def save(self) -> None:
        """Write atomically, keeping only the counts this run used; an unwritable cache is skipped."""
        if not self.dirty or not self.head:
            return
        write_entry(
            self.file,
            msgspec.json.encode(_CacheFile(CACHE_VERSION, self.head, self.tree, self.used)),
            keep=WORK_TREES_KEPT,
        )
