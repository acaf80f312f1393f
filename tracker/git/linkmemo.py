"""Links remembered whole, and given back while nothing they were made from has changed.

Most runs link the same paths in the same work tree as the run before.  An
entry holds the links with what they were made from: tracker's code, the
paths and whether history was asked, git's environment, `git status` (HEAD,
branch, index, untracked files), a shallow clone's cut, and the lstat of every
file linked (for a symlink, also where it leads and that file's stat).  When
all of them are the same, the links are given back without listing HEAD,
reading a file or walking history.

Not kept: links inside a submodule or of a folder git sees no file in (what
decides them does not show in `git status`), and links of files changed less
than two seconds before the run began (a change within one tick of the file
system's clock would not show in their times).  The entry is msgpack, read
only into the type below; the links in it are one string of bytes, the
caller's to encode and decode, so that reading an entry never walks them.
One that is corrupt, foreign, nested too deep or unwritable means linking afresh.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Iterable, Mapping

import msgspec

from tracker.support.cachefiles import (
    RACY_NS,
    cache_dir,
    code_key,
    git_environment,
    read_entry,
    stat_signature,
    write_entry,
)

KEPT = 8  # one per work tree and set of paths: the status view, the summary, the dashboard
_CODE = ("git", "plan", "support")


class _Entry(msgspec.Struct, array_like=True):
    key: str  # the code (so also this layout), the work tree, the paths, history or not, git's environment, the cut
    status: str  # digest of `git status`
    files: list[str]  # every file the links were read from, relative to the root
    signatures: str  # digest of their signatures
    links: memoryview  # the links as the caller encoded them; decoded only when everything above holds


class LinkMemo:
    """The entry of one work tree and set of paths: looked up while `git status` runs, kept after linking."""

    def __init__(self, root: str | os.PathLike, written: list[str], history: bool, cut: str):
        self.began = time.time_ns()  # before git or the disk is asked anything
        self.root = os.path.realpath(root)
        where = self.root.encode("utf-8", "surrogateescape")
        # Each path length-prefixed: no two lists of paths alike (a path may hold any character).
        paths = _digest(*(path.encode("utf-8", "surrogateescape") for path in written)).encode()
        git_env = "\0".join(git_environment())
        self.file = cache_dir() / f"linkmemo-{_digest(where, paths, str(history).encode())[:32]}.bin"
        self.key = _digest(
            code_key(*_CODE).encode(),
            where,
            paths,
            str(history).encode(),
            git_env.encode("utf-8", "surrogateescape"),
            cut.encode(),
        )
        self._entry: _Entry | None = None
        self._now: tuple[str, int] | None = None  # the signatures of the entry's files as they are now
        self._files: list[str] = []  # the files new links were read from
        self._signatures: str | None = None  # theirs; None: not to be kept

    def load(self) -> None:
        """Read the entry and take the signatures of its files (meant to run while `git status` does)."""
        try:
            data = read_entry(self.file)
            if data is None:
                return
            entry = msgspec.msgpack.decode(data, type=_Entry)
        except (OSError, msgspec.DecodeError, msgspec.ValidationError, RecursionError):
            return
        if entry.key == self.key:
            self._entry = entry
            self._now = signatures(self.root, entry.files)

    @property
    def found(self) -> bool:
        """Whether load found an entry for these paths, made by this code (the links may be given back)."""
        return self._entry is not None

    def links(self, status: bytes) -> memoryview | None:
        """The links kept, as encoded, if nothing they were made from has changed."""
        entry, now = self._entry, self._now
        if entry is None or now is None or entry.status != _digest(status) or entry.signatures != now[0]:
            return None
        return entry.links

    def depend_on(self, files: Iterable[str], lstats: Mapping[str, os.stat_result | None]) -> None:
        """Take the signatures of the files new links were read from, from their `lstats` where the
        caller took them (after the run began, they are as good as new); one changed too recently
        means not keeping the links."""
        self._files = sorted(files)
        digest, newest = signatures(self.root, self._files, lstats)
        self._signatures = digest if newest < self.began - RACY_NS else None

    def keep(self, status: bytes, links: bytes) -> None:
        if self._signatures is None:
            return
        try:
            data = msgspec.msgpack.encode(
                _Entry(self.key, _digest(status), self._files, self._signatures, memoryview(links))
            )
        except UnicodeEncodeError:  # a file name that is not UTF-8: such links are made afresh each time
            return
        write_entry(self.file, data, keep=KEPT)


def signatures(
    root: str, files: list[str], lstats: Mapping[str, os.stat_result | None] | None = None
) -> tuple[str, int]:
    """A digest of the files' lstat (for a symlink, also where it leads and that file's stat), and the
    newest time among them.  `lstats` holds the lstat of files already asked (None: nothing there)."""
    lstats = lstats or {}
    out: list = []
    newest = 0
    for path in files:
        full = f"{root}/{path}"
        info = lstats[path] if path in lstats else _stat(full, os.lstat)
        if info is not None and stat.S_ISLNK(info.st_mode):
            target = os.path.realpath(full)
            out += [stat_signature(info), os.fsencode(target)]
            newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
            info = _stat(target, os.stat)
        if info is None:
            out.append(None)
            continue
        out.append(stat_signature(info))
        newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
    return _digest(msgspec.msgpack.encode(out)), newest


def _stat(path: str, how) -> os.stat_result | None:
    try:
        return how(path)
    except (OSError, ValueError):
        return None


def _digest(*parts: bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()
