"""Whether git's word that a file is clean proves that the disk holds the blob, byte for byte.

`git status` compares each tracked file with the index, by its stat and, when
that moved, by its content; a file it calls clean holds what the index and
HEAD do, so its size and line count are those counted before.  Not so for a
file git was told to assume unchanged or to skip (`git ls-files -v` tags it),
nor when git converts content between the disk and the index (line endings:
core.autocrlf and the text, eol and crlf attributes; `ident`; filters; another
working-tree-encoding: then other bytes may clean to the same blob), nor when
git may miss a change (core.trustctime off, core.checkStat minimal).  Where
none of these can be, linking gives the link of a clean file back without
looking at the file: an lstat each is most of linking 50,000 files otherwise.

Asked in git processes started beside `git status`; any doubt (git failing,
an attribute or setting not understood) means git's word is not enough.
What `git ls-files -v` says depends on the index alone: that it tagged every
entry plain is kept with the index's signature (cachefiles.SIGNATURE_FIELDS,
taken before and after it was asked, the same, and older than RACY_NS), and
not asked again while the index keeps that signature (PlainIndex).  Git
rewrites the index through a new file, so any change gives it another
signature; an index named by GIT_INDEX_FILE is always asked about.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

import msgspec

from tracker.git.repo import GitRepo, GitUnavailable, Running
from tracker.support.cachefiles import RACY_NS, WORK_TREES_KEPT, cache_dir, read_entry, stat_signature, write_entry

# Below this many files, an lstat each costs less than asking git three more things.
VOUCH_FROM = 4096
# `git check-attr -a -z` prints path, attribute, value, each NUL-ended: one that converts content, set.
_CONVERTING = re.compile(rb"\x00(?:text|eol|crlf|ident|filter|working-tree-encoding)\x00(?!unset\x00)")
_FALSE = {"false", "no", "off", "0", ""}


class Vouch:
    """Git asked whether its word on `paths` (clean files of HEAD, each NUL-ended: see nul_ended) is proof;
    `holds` waits for the answer."""

    def __init__(self, repo: GitRepo, paths: bytes):
        self._asked: list[Running] = []
        self._index = PlainIndex(repo)
        try:
            asked = [
                repo.start("config", "-z", "--list"),
                # a line for each of `paths` or each file of the index: read once git is done
                repo.start("check-attr", "-a", "-z", "--stdin", given=paths, to_file=True),
            ]
            self._asked = asked
            if not self._index.plain:
                asked.append(repo.start("ls-files", "-v", "-z", to_file=True))
        except GitUnavailable:
            self.close()
            self._asked = []

    def holds(self) -> bool:
        if len(self._asked) < 2:
            return False
        try:
            config, attributes, *flags = (asked.output() for asked in self._asked)
        except GitUnavailable:
            return False
        finally:
            self.close()
        if not settings_hold(config) or _CONVERTING.search(attributes):
            return False
        if flags:
            if not all_plain(flags[0]):
                return False
            self._index.found_plain()
        return True

    def close(self) -> None:
        for asked in self._asked:
            asked.close()


class PlainIndex:
    """Whether the work tree's index is one `git ls-files -v` tagged all plain before (`plain`), by its
    signature now; `found_plain` keeps that it did, once it has been asked again."""

    def __init__(self, repo: GitRepo):
        self._began = time.time_ns()  # before git is asked
        self._index = None if "GIT_INDEX_FILE" in os.environ else os.path.abspath(repo.index_file)
        self._signature = _signature(self._index) if self._index is not None else None
        self.plain = self._signature is not None and read_entry(self._file()) == self._signature

    def found_plain(self) -> None:
        """Git tagged every entry plain: kept, if the index held still while it was asked and is not too new."""
        if self._index is None or self._signature is None or _signature(self._index) != self._signature:
            return
        info = msgspec.msgpack.decode(self._signature)
        if max(info[4], info[5]) < self._began - RACY_NS:
            write_entry(self._file(), self._signature, keep=WORK_TREES_KEPT)

    def _file(self) -> Path:
        return cache_dir() / f"plain-index-{hashlib.sha256(os.fsencode(self._index or '')).hexdigest()[:20]}.bin"


def _signature(path: str) -> bytes | None:
    try:
        return msgspec.msgpack.encode(stat_signature(os.stat(path)))
    except OSError:
        return None


def settings_hold(listed: bytes) -> bool:
    """Whether `git config -z --list` leaves git's word alone: no autocrlf, ctime trusted, full stat checks."""
    settings: dict[str, str] = {}
    for item in listed.split(b"\0"):
        name, _, value = item.partition(b"\n")
        # A name alone is a boolean set to true; the last setting of a name is the one git takes.
        settings[name.decode("utf-8", "replace").lower()] = value.decode("utf-8", "replace").lower() if _ else "true"
    return (
        settings.get("core.autocrlf", "false") in _FALSE
        and settings.get("core.trustctime", "true") not in _FALSE
        and settings.get("core.checkstat", "default") == "default"
    )


def nul_ended(paths: list[str]) -> bytes:
    """Git's paths as `--stdin -z` takes them (a path git lists holds no NUL)."""
    return ("\0".join(paths) + "\0").encode("utf-8", "surrogateescape")


def all_plain(listed: bytes) -> bool:
    """Whether every entry of `git ls-files -v -z` is tagged H: tracked, nothing special (counted in C)."""
    return listed.startswith(b"H ") + listed.count(b"\0H ") == listed.count(b"\0") or not listed
