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
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import msgspec

from tracker.git.repo import GitRepo, is_object_id
from tracker.support.cachefiles import WORK_TREES_KEPT, cache_dir, read_entry, write_entry

CACHE_VERSION = 3  # 3: a commit is an array, not a map
# A NUL before each commit's header, a line per field: see chase.  The date comes raw and is
# written as ISO 8601 here, for the few commits that are someone's last: git formatting it for every
# commit of the walk cost the walk 2% more.  A merge is shown once for each parent it differs from,
# with the names that differ from that parent (`-m`, whatever log.diffMerges says), so that each
# path can follow the parent it came from, as `git log -- PATH` does.
WALK = (
    "-c",
    "log.diffMerges=separate",
    "log",
    "-m",
    "--no-color",
    "--no-show-signature",
    "--no-renames",
    "--name-only",
    "-z",
    "--date=raw",
    "--format=%x00%H%n%T%n%P%n%h%n%ad%n%an%n%s",
)


class Commit(msgspec.Struct, frozen=True, gc=False, array_like=True):  # arrays: a third less to decode than maps
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

    def __init__(self, repo: GitRepo, head: str, cut: str, early: Walk | None = None, ahead: Cached | None = None):
        """`cut` is history_cut(repo), which the caller has already asked for its own keys; `ahead`,
        the cache as read_cache read it before HEAD was known."""
        self.repo = repo
        self.head = head
        self.file = cache_file(repo.root)
        self.cut = cut
        cached = ahead.walk if ahead is not None else _load(self.file)
        if cached is not None and (
            cached.cut != self.cut
            or cached.head != head
            and not repo.ok("merge-base", "--is-ancestor", cached.head, head)
        ):
            cached = None  # another cut, or history was rewritten: nothing cached can be trusted
        self.cached = cached
        self._newer: Walk | None = None  # the commits since the cached HEAD
        self._full: Walk | None = None  # all of history
        self._walked: list[Walk] = []  # the others: chased, to be closed (see Walk.chase)
        if cached is None:
            self._full = early or Walk(repo, [head])
        else:
            if early is not None:
                early.close()
            if cached.head != head:
                self._newer = Walk(repo, [head, "^" + cached.head])

    def of(self, wanted: Iterable[str]) -> dict[str, Commit | None]:
        """For each wanted path (as git spells it), its last commit from HEAD: what `git log -1 -- PATH`
        shows (see chase: a merge counts when it differs from every parent in the path).

        GitUnavailable when git cannot read the history; nothing is cached then.
        """
        wanted = list(dict.fromkeys(wanted))
        cached = self.cached
        known: dict[str, Commit | None] = {}
        if cached is not None:
            carried = [path for path in wanted if path in cached.commits]
            if self._newer is None:
                known = {path: cached.commits[path] for path in carried}
            else:  # follow each path through the new commits; one that reaches the cached HEAD has its answer
                known = self._follow(dict.fromkeys(carried, self.head), self._newer)
        missing = [path for path in wanted if path not in known]
        if missing:
            if self._full is None:
                self._full = Walk(self.repo, [self.head])
            known.update(self._follow(dict.fromkeys(missing, self.head), self._full))
        if cached is None or missing or cached.head != self.head:
            _save(self.file, _CacheFile(CACHE_VERSION, self.head, self.cut, known))
        return {path: known[path] for path in wanted}

    def _follow(self, starts: dict[str, str], walk: Walk) -> dict[str, Commit | None]:
        """The last commit of each path from the commit it starts at, by as many walks as it takes: a path
        whose line leaves a walk (into the history a cached HEAD answers for, or to a commit the walk
        showed before its child because of a skewed clock) is followed on from where it left."""
        cached = self.cached
        out: dict[str, Commit | None] = {}
        while starts:
            found, left = walk.chase(starts)
            if walk.tip not in (None, self.head) and "HEAD" in walk.started:
                walk = self._walk([self.head])  # HEAD moved after a walk of "HEAD" began: walk again
                continue
            out.update(found)
            starts = {}
            for path, sha in left.items():
                if cached is not None and sha == cached.head and path in cached.commits:
                    out[path] = cached.commits[path]
                elif sha in walk.started and sha not in walk.shown:
                    out[path] = None  # not a commit git can show: nothing to follow
                else:
                    starts[path] = sha
            walk = self._walk(sorted(set(starts.values()))) if starts else walk
        return out

    def _walk(self, revisions: list[str]) -> Walk:
        walk = Walk(self.repo, revisions)
        self._walked.append(walk)
        return walk

    def close(self) -> None:
        for walk in (self._newer, self._full, *self._walked):
            if walk is not None:
                walk.close()

    def __enter__(self) -> LastCommits:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Cached(NamedTuple):
    """What the cache held for a work tree when read_cache read it (walk: None when nothing usable)."""

    walk: _CacheFile | None


def read_cache(root: Path) -> Cached:
    """The cached last commits of the work tree at `root`, read before HEAD is known (while git looks
    at the work tree); LastCommits judges them against HEAD."""
    return Cached(_load(cache_file(root)))


def early_walk(repo: GitRepo) -> Walk | None:
    """A walk of "HEAD" started now, before HEAD is known, when nothing is cached for the work tree
    (so the walk will be needed); None when the cache may spare it.  LastCommits takes it over."""
    return None if os.path.exists(cache_file(repo.root)) else Walk(repo, ["HEAD"])  # any trouble: not cached


class Walk:
    """One `git log WALK` over `revisions`, running from the moment it is made."""

    def __init__(self, repo: GitRepo, revisions: list[str]):
        self.repo = repo
        # "--" ends the revisions: a file named "HEAD" or like a commit would make them ambiguous.
        self._stream = repo.stream(*WALK, *revisions, "--")
        self.started = set(revisions)
        self.tip: str | None = None  # the first commit shown: what a walk of "HEAD" started from
        self.shown: dict[str, str] = {}  # every commit the walk showed (full id -> its tree)

    def chase(self, starts: dict[str, str]) -> tuple[dict[str, Commit | None], dict[str, str]]:
        """The last commit of each path from the commit (full id) it starts at, and where the paths
        whose line left this walk left it; git is stopped once no path waits for a commit.

        Called once: the walk is read through and cannot be read again.  GitUnavailable when git
        failed before every path was placed (then nothing it did show can be trusted).  Git is
        stopped, not waited for: `close` waits, once what the caller does next is done.
        """
        try:
            found, left, self.tip = chase(self._stream.chunks(), starts, self._trees, self.shown)
        finally:
            self._stream.stop()
        return found, left

    def _trees(self, commits: list[str]) -> list[str]:
        """The tree of each commit (for the rare merge whose diffs cannot tell their parents apart)."""
        return self.repo.run("rev-parse", *(f"{commit}^{{tree}}" for commit in commits)).decode("ascii").split()

    def close(self) -> None:
        self._stream.close()


def chase(
    chunks: Iterable[bytes],
    starts: dict[str, str],
    trees: Callable[[list[str]], list[str]],
    shown: dict[str, str] | None = None,
) -> tuple[dict[str, Commit | None], dict[str, str], str | None]:
    """Follow each path from the commit it starts at through the output of `git WALK`, read in pieces,
    as `git log -1 -- PATH` does: a commit that changes the path is its last commit; a merge that
    has the path as one of its parents has it follows the first such parent (the merge did not
    change it); a merge whose path differs from every parent's is the last commit (it made that
    content); a root commit without the path ends the search (None).

    Returns the last commits found, where each path still waiting left the walk (its line goes to a
    commit the walk does not show, or showed before the path got there), and the first commit's id.
    `shown` gathers every commit seen, with its tree.

    Git writes each diff as `NUL header NUL LF name NUL name ... NUL`, the
    header being seven fields on lines of their own (none can hold a line
    break).  No name is empty, so two NULs in a row are always where one
    diff ends and the next begins: the output is cut with one `split`, and a
    commit's names are checked against the waiting ones with one set
    operation, not name by name.  A merge comes once for each parent it
    differs from, in the order of its parents: one it does not differ from
    at all is left out.  For a merge of two that came once, the parent left out
    is the one whose tree is the merge's, known when that parent is shown (or
    before, with a skewed clock); `trees(commits)` asks git for the trees of
    commits in the rare cases that cannot wait (octopus merges, parents this
    walk never shows).
    """
    shown = {} if shown is None else shown
    waiting: dict[str, set[bytes]] = {}  # commit id -> the names waiting for it
    # A parent that may be the one a merge left out -> [(the merge's tree, names, the other parent)]
    undecided: dict[str, list[tuple[str, set[bytes], str]]] = {}
    names = {os.fsencode(path): path for path in starts}  # names compared as bytes: no decoding per name
    for path, sha in starts.items():
        waiting.setdefault(sha, set()).add(os.fsencode(path))
    found: dict[str, Commit | None] = {}
    left: dict[str, str] = {}
    tip = None

    def wait(names_: set[bytes], target: str) -> None:
        """`names_` wait for `target` now; the set is handed over, not copied (thousands of names move
        from commit to commit: copying them each time made the walk quadratic)."""
        if target in shown:  # a skewed clock showed the parent before this child
            left.update((names[name], target) for name in names_)
            return
        there = waiting.get(target)
        if there is None:
            waiting[target] = names_
        elif len(there) >= len(names_):
            there |= names_
        else:  # lines meeting again: the smaller set goes into the larger
            names_ |= there
            waiting[target] = names_

    for sha_bytes, header, lists in _diffs(chunks) if waiting else ():
        sha = sha_bytes.decode("ascii", "replace")
        lines = header.split(b"\n", 3)
        tree = lines[1].decode("ascii", "replace") if len(lines) > 3 else ""
        tip = tip or sha
        shown[sha] = tree
        for merge_tree, parked, other in undecided.pop(sha, ()):
            if merge_tree == tree:  # the parent the merge was left out against: the names are the same here
                waiting.setdefault(sha, set()).update(parked)
                undecided[other] = [entry for entry in undecided.get(other, ()) if entry[1] is not parked]
                if not undecided[other]:
                    del undecided[other]
        here = waiting.pop(sha, None)
        if here is None or len(lines) < 4:  # nothing waits here, or not git's format
            if not waiting and not undecided:
                break
            continue
        parents = lines[2].decode("ascii", "replace").split()
        sets = [set(changes.split(b"\0")) for changes in lists]
        if len(parents) > 1 and len(sets) < len(parents) and here & set().union(*sets):
            if len(parents) == 2 and len(sets) == 1:
                parked = here & sets[0]
                here -= parked
                _park(parked, tree, parents, shown, undecided, wait)
            else:
                differing = [parent for parent, its in zip(parents, trees(parents), strict=True) if its != tree]
                by_parent = dict(zip(differing, sets, strict=False))
                sets = [by_parent.get(parent, set()) for parent in parents]
        if len(parents) <= 1:
            # Not a merge: the names it changed end here, all the others move on to the parent
            # together.  Name by name, this was most of a cold walk (thousands of names waiting
            # through thousands of commits).
            changed = here & sets[0] if sets else set()
            if changed:
                made = _commit(header)
                found.update((names[name], made) for name in changed)
                here -= changed  # the set popped from waiting is this loop's own
            if here and parents:
                wait(here, parents[0])
            elif here:  # a root commit without them: they were never there
                found.update((names[name], None) for name in here)
            if not waiting and not undecided:
                break
            continue
        made = None
        for name in here:
            changes = [name in changed for changed in sets]
            if not any(changes):  # the same as in the first parent (a root commit: never there)
                target = parents[0] if parents else None
            else:
                target = next((parent for parent, changed in zip(parents, changes, strict=False) if not changed), None)
                if target is None or len(parents) == 1:  # a change, or a merge unlike each parent
                    made = made or _commit(header)
                    found[names[name]] = made
                    continue
            if target is None:
                found[names[name]] = None
            else:
                wait({name}, target)
        if not waiting and not undecided:
            break
    for sha, waiting_names in waiting.items():
        left.update((names[name], sha) for name in waiting_names)
    seen: set[int] = set()
    for parent, entries in undecided.items():  # neither parent was shown: ask git which one it is
        for merge_tree, parked, other in entries:
            if id(parked) not in seen:
                seen.add(id(parked))
                same = parent if trees([parent]) == [merge_tree] else other
                left.update((names[name], same) for name in parked)
    return found, left, tip


def _park(parked: set[bytes], tree: str, parents: list[str], shown: dict[str, str], undecided: dict, wait) -> None:
    """Names a two-parent merge changed against the parent it was shown with: they are the same as in
    the other parent, the one whose tree is the merge's.  Followed into it now if either parent was
    already shown, else when one is."""
    for parent in parents:
        if parent in shown:
            same = parent if shown[parent] == tree else next(p for p in parents if p != parent)
            wait(parked, same)
            return
    first, second = parents
    undecided.setdefault(first, []).append((tree, parked, second))
    undecided.setdefault(second, []).append((tree, parked, first))


def _commit(header: bytes) -> Commit | None:
    fields = header.decode("utf-8", "replace").split("\n", 6)
    return Commit(fields[3], _iso_date(fields[4]), fields[5], fields[6]) if len(fields) == 7 else None


def _diffs(chunks: Iterable[bytes]) -> Iterator[tuple[bytes, bytes, list[bytes]]]:
    """Each commit of the walk once: its full id, its header, and the names of each diff shown for it."""
    current: bytes | None = None
    header = b""
    lists: list[bytes] = []
    for diff in _commits(chunks):
        head, _, names = diff.partition(b"\0\n")
        sha = head.partition(b"\n")[0]
        if sha != current:
            if current is not None:
                yield current, header, lists
            current, header, lists = sha, head, []
        if names:
            lists.append(names)
    if current is not None:
        yield current, header, lists


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
    if cached.version != CACHE_VERSION or not is_object_id(cached.head):
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
