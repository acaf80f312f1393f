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
"""

from __future__ import annotations

import re

from tracker.git.repo import GitRepo, GitUnavailable, Running

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
        try:
            self._asked = [
                # a line for each file of the index, or of `paths`: read once git is done
                repo.start("ls-files", "-v", "-z", to_file=True),
                repo.start("config", "-z", "--list"),
                repo.start("check-attr", "-a", "-z", "--stdin", given=paths, to_file=True),
            ]
        except GitUnavailable:
            self.close()

    def holds(self) -> bool:
        if len(self._asked) != 3:
            return False
        try:
            flags, config, attributes = (asked.output() for asked in self._asked)
        except GitUnavailable:
            return False
        finally:
            self.close()
        return all_plain(flags) and settings_hold(config) and not _CONVERTING.search(attributes)

    def close(self) -> None:
        for asked in self._asked:
            asked.close()


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
