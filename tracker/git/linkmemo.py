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
    link_target,
    read_entry,
    write_entry,
)

KEPT = 8  # one per work tree and set of paths: the status view, the summary, the dashboard
_CODE = ("git", "plan", "support")
_SIGNATURE = attrgetter(*SIGNATURE_FIELDS)


class _Entry(msgspec.Struct, array_like=True):
    key: str  # the code (so also this layout), the work tree, the paths, history or not, git's environment, the cut
    status: bytes  # `git status`, as git said it
    files: list[str]  # the files the links were read from (relative to the root), looked at every run
    signatures: bytes  # theirs, one for each file, msgpack (see signatures)
    # The others: clean files of HEAD, looked at only when git's word on them is not proof (git/vouch.py);
    # each NUL-ended, as git is asked about them: most runs hand them to git and never look at them.
    vouched: bytes
    vouched_signatures: bytes  # theirs, as they were when the links were made
    links: memoryview  # the links as the caller encoded them; decoded only when everything above holds


class Near(NamedTuple):
    """An entry for these paths, made by this code: what git said then, the files changed since."""

    status: bytes
    touched: set[str]


class LinkMemo:
    """The entry of one work tree and set of paths: looked up while `git status` runs, kept after linking."""

    def __init__(
        self, root: str | os.PathLike, written: list[str], history: bool, cut: str, names: frozenset[str] = frozenset()
    ):
        self.began = time.time_ns()  # before git or the disk is asked anything
        self.root = os.path.realpath(root)
        where = self.root.encode("utf-8", "surrogateescape")
        # the same path means another file as one of git's `names` (links.link_paths): kept apart
        paths = (_paths_digest(written) + (_paths_digest(sorted(names)) if names else "")).encode()
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
        self._now: tuple[list, int] | None = None  # the entry's files' signatures as they are now, the newest time
        self._touched: set[str] = set()  # the entry's files whose signature is not the entry's
        self._also: tuple[list, int] = ([], 0)  # the signatures of its vouched files, when they were looked at
        self._files: list[str] = []  # the files new links were read from
        self._vouched: list[str] = []  # those of them git vouches for
        self._signatures: tuple[bytes, bytes] | None = None  # of both; None: not to be kept

    def load(self) -> None:
        """Read the entry (meant to run while `git status` does)."""
        try:
            data = read_entry(self.file)
            if data is None:
                return
            entry = msgspec.msgpack.decode(data, type=_Entry)
        except (OSError, msgspec.DecodeError, msgspec.ValidationError, RecursionError):
            return
        if entry.key == self.key:
            self._entry = entry

    @property
    def found(self) -> bool:
        """Whether load found an entry for these paths, made by this code (the links may be given back)."""
        return self._entry is not None

    @property
    def status(self) -> bytes | None:
        """What `git status` said when the entry's links were made."""
        return self._entry.status if self._entry is not None else None

    @property
    def kept(self) -> memoryview | None:
        """The entry's links, as the caller encoded them."""
        return self._entry.links if self._entry is not None else None

    @property
    def vouched(self) -> bytes:
        """The entry's files that are not looked at when git vouches for them, each NUL-ended (as vouch.Vouch
        asks git about them); empty when there are none."""
        return self._entry.vouched if self._entry is not None else b""

    def look(self) -> None:
        """Take the signatures of the entry's files but the vouched ones (meant to run while `git status` does)."""
        entry = self._entry
        if entry is not None:
            self._now = signatures(self.root, entry.files)
            self._touched = _changed(entry.files, entry.signatures, self._now[0])

    def near(self, vouched: bool) -> Near | None:
        """The entry load found: what git said when its links were made, and which of the files they
        were read from changed since (the caller patches the links).
        `vouched`: whether git's word on the vouched files is proof; if not, they are looked at now."""
        entry, touched = self._entry, self._touched
        if entry is None or self._now is None:
            return None
        if not vouched and entry.vouched:
            files = _listed(entry.vouched)
            self._also = signatures(self.root, files)
            touched = touched | _changed(files, entry.vouched_signatures, self._also[0])
        return Near(entry.status, touched)

    def depend_on(
        self, files: Iterable[str], lstats: Mapping[str, os.stat_result | None], vouched: Iterable[str] = ()
    ) -> None:
        """Take the signatures of the files new links were read from, from their `lstats` where the
        caller took them (after the run began, they are as good as new); one changed too recently
        means not keeping the links.  `vouched`: those of them git vouches for."""
        self._vouched = sorted(vouched)
        kept = set(self._vouched)
        self._files = sorted(path for path in files if path not in kept)
        found, newest = signatures(self.root, self._files, lstats)
        more, newer = signatures(self.root, self._vouched, lstats)
        ok = max(newest, newer) < self.began - RACY_NS
        self._signatures = (msgspec.msgpack.encode(found), msgspec.msgpack.encode(more)) if ok else None

    def depend_on_patched(
        self, files: Iterable[str], lstats: Mapping[str, os.stat_result | None], changed: set[str], vouched: bool
    ) -> None:
        """For links patched from the entry's: its files with their signatures as look and near took
        them, and the `files` the patch read besides, from `lstats`.  Its vouched files stay vouched
        for while git vouches (`vouched`), but those git now says something else of (`changed`); as
        depend_on, a file changed too recently means not keeping."""
        entry, now = self._entry, self._now
        self._signatures = None
        if entry is None or now is None:
            return
        before = _listed(entry.vouched)
        if vouched:
            try:
                then = msgspec.msgpack.decode(entry.vouched_signatures, type=list)
            except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
                return
            if len(then) != len(before):
                return
            stay = [(path, sig) for path, sig in zip(before, then, strict=True) if path not in changed]
            moved = [path for path in before if path in changed]
            also = signatures(self.root, moved, lstats)
        else:
            stay, moved, also = [], before, self._also
        known = set(entry.files).union(before)
        extra = sorted({path for path in files if path not in known})
        found, newest = signatures(self.root, extra, lstats)
        if max(newest, now[1], also[1]) >= self.began - RACY_NS:
            return
        self._files = entry.files + moved + extra
        self._vouched = [path for path, _ in stay]
        self._signatures = (
            msgspec.msgpack.encode(now[0] + also[0] + found),
            msgspec.msgpack.encode([sig for _, sig in stay]),
        )

    def keep(self, status: bytes, links: bytes) -> None:
        if self._signatures is None:
            return
        found, vouched = self._signatures
        try:
            listed = "".join(path + "\0" for path in self._vouched).encode()
            data = msgspec.msgpack.encode(
                _Entry(self.key, status, self._files, found, listed, vouched, memoryview(links))
            )
        except UnicodeEncodeError:  # a file name that is not UTF-8: such links are made afresh each time
            return
        write_entry(self.file, data, keep=KEPT)


def signatures(
    root: str, files: list[str], lstats: Mapping[str, os.stat_result | None] | None = None
) -> tuple[list, int]:
    """The signature of each file's lstat (for a symlink, also where it leads and that file's
    stat, inside the work tree only: cachefiles.link_target; None: nothing there), and the newest
    time among them.  `lstats` holds the lstat of files already asked (None: nothing there).

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
            target, info = link_target(root, f"{root}/{files[number]}")
            out[number] = (sig, os.fsencode(target), None if info is None else _SIGNATURE(info))
            if info is not None:
                present.append(_SIGNATURE(info))
    newest = max(max(map(itemgetter(4), present), default=0), max(map(itemgetter(5), present), default=0))
    return out, newest


def _changed(files: list[str], kept: bytes, now: list) -> set[str]:
    """The files whose signature `now` is not the one `kept` (all of them if `kept` is not one for each)."""
    encoded = msgspec.msgpack.encode(now)
    if encoded == kept:
        return set()
    try:
        then = msgspec.msgpack.decode(kept, type=list)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return set(files)
    if len(then) != len(now):
        return set(files)
    again = msgspec.msgpack.decode(encoded, type=list)  # tuples as lists, as msgpack gives them back
    return {path for path, old, new in zip(files, then, again, strict=True) if old != new}


def _listed(paths: bytes) -> list[str]:
    """The paths of an entry's `vouched`, as a list."""
    return paths.decode().split("\0")[:-1]


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
