"""The last commit that touched each path: one history walk, remembered per HEAD.

`git log -1 -- PATH` costs a process and a walk per file (0.12 s a file on a
20,000-commit history).  One `git log --name-only` walk, read as it streams and
stopped as soon as every wanted path has shown up, answers all of them at the
cost of a few of those; it is started before the paths are known, so that git
walks while the caller looks at the work tree.  The answer depends only on
HEAD (and, in a shallow clone, on where history is cut), so it is kept in the
user's cache folder; a HEAD that descends from the cached one only needs its
new commits walked.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import msgspec

from tracker.git.repo import GitRepo
from tracker.support.cachefiles import WORK_TREES_KEPT, cache_dir, read_entry, write_entry

CACHE_VERSION = 1
# A NUL before each commit's header, a line per field: see first_touches.  The date comes raw and is
# written as ISO 8601 here, for the few commits that are someone's last: git formatting it for every
# commit of the walk cost the walk 2% more.
WALK = (
    "log",
    "--no-color",
    "--no-show-signature",
    "--no-renames",
    "--name-only",
    "-z",
    "--date=raw",
    "--format=%x00%H%n%h%n%ad%n%an%n%s",
)
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


class Commit(msgspec.Struct, frozen=True, gc=False):
    sha: str  # abbreviated, as git abbreviates in this repository
    date: str  # author date, ISO 8601 with offset
    author: str
    subject: str

    def to_json(self) -> dict:
        return {"sha": self.sha, "date": self.date, "author": self.author, "subject": self.subject}


class _CacheFile(msgspec.Struct):
    version: int
    head: str
    cut: str  # digest of a shallow clone's boundary; "" when history is whole
    commits: dict[str, Commit | None]


class LastCommits:
    """The last commits of HEAD's files, asked for before it is known which files.

    Made as soon as HEAD is known, it starts the walk it will most likely
    need (or takes over one started earlier on "HEAD"), so git walks history
    while the caller reads the work tree; `of` then names the files.  Use it
    in a `with` block: leaving it stops git.
    """

    def __init__(self, repo: GitRepo, head: str, cut: str, early: Walk | None = None):
        """`cut` is history_cut(repo), which the caller has already asked for its own keys."""
        self.repo = repo
        self.head = head
        self.file = cache_file(repo.root)
        self.cut = cut
        cached = _load(self.file)
        if cached is not None and (
            cached.cut != self.cut
            or cached.head != head
            and not repo.ok("merge-base", "--is-ancestor", cached.head, head)
        ):
            cached = None  # another cut, or history was rewritten: nothing cached can be trusted
        self.cached = cached
        self._newer: Walk | None = None  # the commits since the cached HEAD
        self._full: Walk | None = None  # all of history
        if cached is None:
            self._full = early or Walk(repo, [head])
        else:
            if early is not None:
                early.close()
            if cached.head != head:
                self._newer = Walk(repo, [head, "^" + cached.head])

    def of(self, wanted: Iterable[str]) -> dict[str, Commit | None]:
        """For each wanted path (as git spells it), the newest commit reachable from HEAD that touched it.

        GitUnavailable when git cannot read the history; nothing is cached then.
        """
        wanted = list(dict.fromkeys(wanted))
        cached = self.cached
        known: dict[str, Commit | None] = {}
        if cached is not None:
            carried = [path for path in wanted if path in cached.commits]
            fresh = self._newer.commits(carried) if self._newer else {}
            known = {path: fresh.get(path, cached.commits[path]) for path in carried}
        missing = [path for path in wanted if path not in known]
        if missing:
            if self._full is None:
                self._full = Walk(self.repo, [self.head])
            found = self._full.commits(missing)
            if self._full.tip not in (None, self.head):  # HEAD moved after a walk of "HEAD" began
                self._full = Walk(self.repo, [self.head])
                found = self._full.commits(missing)
            known.update((path, found.get(path)) for path in missing)
        if cached is None or missing or cached.head != self.head:
            _save(self.file, _CacheFile(CACHE_VERSION, self.head, self.cut, known))
        return {path: known[path] for path in wanted}

    def close(self) -> None:
        for walk in (self._newer, self._full):
            if walk is not None:
                walk.close()

    def __enter__(self) -> LastCommits:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def early_walk(repo: GitRepo) -> Walk | None:
    """A walk of "HEAD" started now, before HEAD is known, when nothing is cached for the work tree
    (so the walk will be needed); None when the cache may spare it.  LastCommits takes it over."""
    return None if os.path.exists(cache_file(repo.root)) else Walk(repo, ["HEAD"])  # any trouble: not cached


class Walk:
    """One `git log --name-only` over `revisions`, running from the moment it is made."""

    def __init__(self, repo: GitRepo, revisions: list[str]):
        # "--" ends the revisions: a file named "HEAD" or like a commit would make them ambiguous.
        self._stream = repo.stream(*WALK, *revisions, "--")
        self.tip: str | None = None  # the first commit shown: what a walk of "HEAD" started from

    def commits(self, wanted: Iterable[str]) -> dict[str, Commit]:
        """The newest commit of the walk that touched each wanted path; git is stopped once all are seen.

        Called once: the walk is read through and cannot be read again.  GitUnavailable when git
        failed before all were seen (then nothing it did show can be trusted to be the newest).
        """
        try:
            found, self.tip = first_touches(self._stream.chunks(), wanted)
        finally:
            self.close()
        return found

    def close(self) -> None:
        self._stream.close()


def first_touches(chunks: Iterable[bytes], wanted: Iterable[str]) -> tuple[dict[str, Commit], str | None]:
    """The first commit naming each wanted path in the output of `git WALK`, read in pieces until all
    are seen; and the first commit's full id.

    Git writes each commit as `NUL header NUL LF name NUL name ... NUL`, the
    header being five fields on lines of their own (none can hold a line
    break).  No name is empty, so two NULs in a row are always where one
    commit ends and the next begins: the output is cut into commits with one
    `split`, and a commit's names are checked against the wanted ones with
    one set operation, not name by name.
    """
    todo = {os.fsencode(path): path for path in wanted}  # names compared as bytes: no decoding per name
    found: dict[str, Commit] = {}
    tip = None
    for commit in _commits(chunks) if todo else ():
        header, _, names = commit.partition(b"\0\n")
        if tip is None:
            tip = header.partition(b"\n")[0].decode("ascii", "replace")
        seen = todo.keys() & names.split(b"\0")
        fields = header.decode("utf-8", "replace").split("\n", 4) if seen else ()
        if len(fields) < 5:  # nothing wanted here, or not git's format
            continue
        last = Commit(fields[1], _iso_date(fields[2]), fields[3], fields[4])
        for name in seen:
            found[todo.pop(name)] = last
        if not todo:
            break
    return found, tip


def _iso_date(raw: str) -> str:
    """A raw git date (`1601199940 +0200`) as `%aI` writes it (`2020-09-27T11:45:40+02:00`)."""
    try:
        seconds, zone = raw.split(" ")
        tz = int(zone)
        minutes = (abs(tz) // 100 * 60 + abs(tz) % 100) * (-1 if tz < 0 else 1)
        t = time.gmtime(int(seconds) + minutes * 60)
    except (ValueError, OverflowError, OSError):  # not a date git could write: shown as it came
        return raw
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"
        f"{'-' if tz < 0 else '+'}{abs(tz) // 100:02d}:{abs(tz) % 100:02d}"
    )


def _commits(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Each commit's `header NUL LF names`, whole however the chunks cut it."""
    rest = b""
    for chunk in chunks:
        commits = (rest + chunk).split(b"\0\0")
        rest = commits.pop()
        if commits and commits[0].startswith(b"\0"):  # the NUL before the first commit
            commits[0] = commits[0][1:]
        yield from commits
    rest = rest.removeprefix(b"\0").removesuffix(b"\0")
    if rest:
        yield rest


def cache_file(root: Path) -> Path:
    key = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:20]
    return cache_dir() / f"last-commits-{key}.json"


def history_cut(repo: GitRepo) -> str:
    """Where a shallow clone's history stops, as a digest; "" when history is whole."""
    if not repo.shallow:
        return ""
    try:
        return hashlib.sha256(repo.shallow_file.read_bytes()).hexdigest()
    except OSError:
        return "unknown"


def _load(file: Path) -> _CacheFile | None:
    """The cached walk, or None when there is none or it cannot be trusted (then we just walk again)."""
    try:
        data = read_entry(file)
        if data is None:
            return None
        cached = msgspec.json.decode(data, type=_CacheFile)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    # The head goes back to git as a revision: only a plain object id may.
    if cached.version != CACHE_VERSION or not _SHA.match(cached.head):
        return None
    cached.commits = {_from_key(key): commit for key, commit in cached.commits.items()}
    return cached


def _save(file: Path, data: _CacheFile) -> None:
    try:
        encoded = msgspec.json.encode(data)
    except UnicodeEncodeError:  # a name that is not UTF-8: all names go through _to_key
        data.commits = {_to_key(path): commit for path, commit in data.commits.items()}
        encoded = msgspec.json.encode(data)
    write_entry(file, encoded, keep=WORK_TREES_KEPT)


def _to_key(path: str) -> str:
    """A path as JSON can hold it: names that are not UTF-8 go as hex after a NUL, which no name contains."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return "\0" + os.fsencode(path).hex()


def _from_key(key: str) -> str:
    return os.fsdecode(bytes.fromhex(key[1:])) if key.startswith("\0") else key
