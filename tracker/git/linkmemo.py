"""Links remembered whole, and given back while nothing they were made from has changed.

Most runs link the same paths in the same work tree as the run before.  An
entry holds the links with what they were made from: tracker's code, the
paths and whether history was asked, git's environment, `git status` (HEAD,
branch, index, untracked files), a shallow clone's cut, and the lstat of every
file linked, one signature each (for a symlink, also where it leads and that
file's stat).  When all of them are the same, the links are given back without
listing HEAD, reading a file or walking history.  When only some differ, the
caller is told what git said then and which files changed, and patches the
links (git/links.py): a new untracked file, a staged one or one edit costs the
links of the paths it bears on, not all of them.

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
from operator import attrgetter, itemgetter
from typing import NamedTuple

import msgspec

from tracker.support.cachefiles import (
    RACY_NS,
    SIGNATURE_FIELDS,
    cache_dir,
    code_key,
    git_environment,
    read_entry,
    write_entry,
)

KEPT = 8  # one per work tree and set of paths: the status view, the summary, the dashboard
_CODE = ("git", "plan", "support")
_SIGNATURE = attrgetter(*SIGNATURE_FIELDS)


class _Entry(msgspec.Struct, array_like=True):
    key: str  # the code (so also this layout), the work tree, the paths, history or not, git's environment, the cut
    status: bytes  # `git status`, as git said it
    files: list[str]  # every file the links were read from, relative to the root
    signatures: bytes  # theirs, one for each file, msgpack (see signatures)
    links: memoryview  # the links as the caller encoded them; decoded only when everything above holds


class Near(NamedTuple):
    """An entry for these paths, made by this code: what git said then, the links, the files changed since."""

    status: bytes
    links: memoryview
    touched: set[str]


class LinkMemo:
    """The entry of one work tree and set of paths: looked up while `git status` runs, kept after linking."""

    def __init__(self, root: str | os.PathLike, written: list[str], history: bool, cut: str):
        self.began = time.time_ns()  # before git or the disk is asked anything
        self.root = os.path.realpath(root)
        where = self.root.encode("utf-8", "surrogateescape")
        paths = _paths_digest(written).encode()
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
        self._now: tuple[list, int] | None = (
            None  # the signatures of the entry's files as they are now, the newest time
        )
        self._near: Near | None = None
        self._files: list[str] = []  # the files new links were read from
        self._signatures: bytes | None = None  # theirs; None: not to be kept

    def load(self) -> None:
        """Read the entry and take the signatures of its files (meant to run while `git status` does)."""
        try:
            data = read_entry(self.file)
            if data is None:
                return
            entry = msgspec.msgpack.decode(data, type=_Entry)
        except (OSError, msgspec.DecodeError, msgspec.ValidationError, RecursionError):
            return
        if entry.key != self.key:
            return
        now = signatures(self.root, entry.files)
        encoded = msgspec.msgpack.encode(now[0])
        if encoded == entry.signatures:
            touched: set[str] = set()
        else:  # the files whose signature differs; those of an entry that is not a signature for each file: all
            try:
                then = msgspec.msgpack.decode(entry.signatures, type=list)
            except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
                then = []
            again = msgspec.msgpack.decode(encoded, type=list)  # tuples as lists, as msgpack gives them back
            if len(then) != len(again):
                then = [()] * len(again)
            touched = {path for path, old, new in zip(entry.files, then, again, strict=True) if old != new}
        self._entry, self._now, self._near = entry, now, Near(entry.status, entry.links, touched)

    @property
    def found(self) -> bool:
        """Whether load found an entry for these paths, made by this code (the links may be given back)."""
        return self._entry is not None

    def near(self) -> Near | None:
        """The entry load found: the links kept (as encoded), what git said when they were made, and
        which of the files they were read from changed since (the caller patches the links)."""
        return self._near

    def depend_on(self, files: Iterable[str], lstats: Mapping[str, os.stat_result | None]) -> None:
        """Take the signatures of the files new links were read from, from their `lstats` where the
        caller took them (after the run began, they are as good as new); one changed too recently
        means not keeping the links."""
        self._files = sorted(files)
        found, newest = signatures(self.root, self._files, lstats)
        self._signatures = msgspec.msgpack.encode(found) if newest < self.began - RACY_NS else None

    def depend_on_patched(self, files: Iterable[str], lstats: Mapping[str, os.stat_result | None]) -> None:
        """For links patched from the entry's: its files with their signatures as load took them, and
        the `files` the patch read besides, from `lstats`; as depend_on, one too recent means not keeping."""
        entry, now = self._entry, self._now
        self._signatures = None
        if entry is None or now is None:
            return
        known = set(entry.files)
        extra = sorted(path for path in files if path not in known)
        found, newest = signatures(self.root, extra, lstats)
        if max(newest, now[1]) < self.began - RACY_NS:
            self._files, self._signatures = entry.files + extra, msgspec.msgpack.encode(now[0] + found)

    def keep(self, status: bytes, links: bytes) -> None:
        if self._signatures is None:
            return
        try:
            data = msgspec.msgpack.encode(_Entry(self.key, status, self._files, self._signatures, memoryview(links)))
        except UnicodeEncodeError:  # a file name that is not UTF-8: such links are made afresh each time
            return
        write_entry(self.file, data, keep=KEPT)


def signatures(
    root: str, files: list[str], lstats: Mapping[str, os.stat_result | None] | None = None
) -> tuple[list, int]:
    """The signature of each file's lstat (for a symlink, also where it leads and that file's
    stat; None: nothing there), and the newest time among them.  `lstats` holds the lstat of files
    already asked (None: nothing there).

    Tens of thousands of files every run: one lstat each, and what is made of it made in C
    (attrgetter, map) rather than in a Python call per file."""
    lstats = lstats or {}
    lstat = os.lstat
    infos: list[os.stat_result | None] = []
    seen = infos.append
    for path in files:
        if path in lstats:
            seen(lstats[path])
            continue
        try:
            seen(lstat(f"{root}/{path}"))
        except (OSError, ValueError):
            seen(None)
    out: list = [None if info is None else _SIGNATURE(info) for info in infos]
    present = [sig for sig in out if sig is not None]
    for number, sig in enumerate(out):
        if sig is not None and stat.S_ISLNK(sig[0]):
            target = os.path.realpath(f"{root}/{files[number]}")
            info = _stat(target, os.stat)
            out[number] = (sig, os.fsencode(target), None if info is None else _SIGNATURE(info))
            if info is not None:
                present.append(_SIGNATURE(info))
    newest = max(max(map(itemgetter(4), present), default=0), max(map(itemgetter(5), present), default=0))
    return out, newest


def _stat(path: str, how) -> os.stat_result | None:
    try:
        return how(path)
    except (OSError, ValueError):
        return None


def _paths_digest(written: list[str]) -> str:
    """No two lists of paths alike (a path may hold any character): msgpack prefixes each with its
    length; one that is not UTF-8 (which msgpack cannot hold) is hashed alone, length-prefixed."""
    try:
        return _digest(b"msgpack", msgspec.msgpack.encode(written))
    except UnicodeEncodeError:
        return _digest(b"each", *(path.encode("utf-8", "surrogateescape") for path in written))


def _digest(*parts: bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()
