"""What linking may remember between runs: HEAD's file list, and line counts by blob.

A commit's tree never changes, so `git ls-tree` of a HEAD seen before is read
back instead of asked again.  The size and line count of a clean committed
file are remembered by its blob id and the file's stat (inode, size, both
times), as git's index remembers what it hashed: git's word that a file is
clean is not proof that the disk holds the blob (a file git was told to assume
unchanged, or to skip, may hold anything of any size), a stat that has not
moved since the count was taken is.  Kept next to the last commits, in
the user's cache folder; a cache that is corrupt, foreign or unwritable is
ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from tracker.git.repo import is_object_id
from tracker.support.cachefiles import RACY_NS, WORK_TREES_KEPT, cache_dir, read_entry, write_entry

CACHE_VERSION = 2


class _CacheFile(msgspec.Struct):
    version: int
    head: str  # the commit `tree` lists
    tree: bytes  # `git ls-tree -r -z --full-tree HEAD`, as git wrote it
    counts: dict[str, tuple[int, int | None]]  # "blob id stat" -> (size, lines; None for a binary file)


@dataclass(slots=True)
class LinkCache:
    file: Path
    head: str = ""
    tree: bytes = b""
    counts: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    used: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # what this run looked up or counted
    dirty: bool = False
    began: int = field(default_factory=time.time_ns)  # a file changed since just before this is not counted

    @classmethod
    def load(cls, root: Path) -> LinkCache:
        key = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:20]
        cache = cls(cache_dir() / f"links-{key}.json")
        try:
            entry = read_entry(cache.file)
            if entry is None:
                return cache
            data = msgspec.json.decode(entry, type=_CacheFile)
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            return cache
        if data.version == CACHE_VERSION and is_object_id(data.head):
            cache.head, cache.tree, cache.counts = data.head, data.tree, data.counts
        return cache

    def tree_of(self, head: str) -> bytes | None:
        return self.tree if head == self.head else None

    def keep_tree(self, head: str, tree: bytes) -> None:
        self.head, self.tree, self.dirty = head, tree, True

    def count(self, blob: str, info: os.stat_result) -> tuple[int, int | None] | None:
        """(size, lines) of the file whose content git says is `blob` and whose stat is `info`, when
        they were counted from this very file, unchanged since."""
        key = _key(blob, info)
        known = self.counts.get(key)
        if known is None:
            return None
        self.used[key] = known
        return known

    def keep_count(self, blob: str, info: os.stat_result, size: int, lines: int | None) -> None:
        """Remember a count made from the file `info` describes; not if the file changed so recently
        that a change during the count would not show in its times (git's racy rule)."""
        if max(info.st_mtime_ns, info.st_ctime_ns) >= self.began - RACY_NS or size != info.st_size:
            return
        key = _key(blob, info)
        self.used[key] = (size, lines)
        self.dirty = self.dirty or self.counts.get(key) != (size, lines)

    def save(self) -> None:
        """Write atomically, keeping only the counts this run used; an unwritable cache is skipped."""
        if not self.dirty or not self.head:
            return
        write_entry(
            self.file,
            msgspec.json.encode(_CacheFile(CACHE_VERSION, self.head, self.tree, self.used)),
            keep=WORK_TREES_KEPT,
        )


def _key(blob: str, info: os.stat_result) -> str:
    return f"{blob} {info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"
