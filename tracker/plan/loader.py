"""Plan file → model, or every problem in it with `path:line:column`.

Reading goes: bytes (size limit, UTF-8, BOM) → node tree (yamltree) → typed
records checked against the model's own field types (shape) → cross-checks
that need the whole plan (rules).  Each stage reports all it finds; a later
stage runs on what the earlier one could build, so one run shows everything.
`load` answers from the parse cache (parsecache.py) when the same bytes were read
before (undecoded: see Loaded.text); `load_text` always parses.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from pathlib import Path
from typing import TypeGuard

from tracker.plan import parsecache
from tracker.plan.model import Project, issue_key
from tracker.plan.problems import Problem, sort_key
from tracker.support import placed
from tracker.support.memory import no_cycle_scans
from tracker.support.stablefile import STILL_NS, proves, signature, writing

MAX_BYTES = 16 * 1024 * 1024
SETTLE = 10.0  # seconds a file being written elsewhere is waited for


class Loaded:
    """A plan as read from its file: the model (None when it could not be built) and the problems found.

    A plain class, not a dataclass: making a dataclass runs generated code at import, which a `tracker
    set` (and every command) paid for its dozen or so dataclasses; models and the like are msgspec Structs.
    """

    __slots__ = ("path", "project", "problems", "_source", "digest", "max_bytes", "part", "seen", "proven", "size")

    def __init__(
        self,
        path: Path,
        project: Project | None,
        problems: list[Problem] | None = None,
        # The text; from the parse cache, the bytes it is decoded from when asked for; from the writer, the
        # pieces of those bytes, joined when asked for (a `tracker set` never does: see edit/ondisk.Snapshot).
        source: str | bytes | tuple[bytes | memoryview, ...] = "",
        digest: str = "",
        max_bytes: int = MAX_BYTES,  # the size limit it was read under: the writer reads it again under the same
        # Read from the cache in part (load_part): `project` holds one issue only, the others are bytes here.
        part: parsecache.Part | None = None,
    ):
        self.path = path
        self.project = project
        self.problems: list[Problem] = [] if problems is None else problems
        self._source = source
        self.digest = digest
        self.max_bytes = max_bytes
        self.part = part
        # The file's stat signature (stablefile.signature) taken before its bytes were read, by `load`; None
        # when not known.  A watcher that starts from it sees a save made since the read (the dashboard is
        # built a second or more after it); one that took the stat itself would take the save for the read.
        self.seen: tuple | None = None
        # A stat signature that proves the file holds `source`'s bytes while it shows it (the writer then
        # need not compare 80 MiB at 100,000 issues): the name showed it before and after they were read,
        # and no one had written the file for STILL_NS before (stablefile.proves), or tracker put it there
        # (support/placed.py).  None when not known.
        self.proven: tuple | None = None
        # How many bytes the file held (those `digest` is of), when `load` read them; None when not known.
        self.size: int | None = None

    def __repr__(self) -> str:
        return f"Loaded({self.path!r}, {len(self.problems)} problems, digest {self.digest[:12]!r})"

    @property
    def source(self) -> str | bytes:
        """The text, or the bytes it is decoded from."""
        source = self._source  # read once: the dashboard's reload may decode the text in another thread
        if isinstance(source, tuple):
            source = self._source = b"".join(source)
        return source

    def join(self) -> None:
        """Join the pieces a write left (see `source`) now, rather than when the next reader asks."""
        _ = self.source

    @property
    def text(self) -> str:
        """The plan's text (BOM removed).

        Most commands answered from the parse cache never look at it, so it
        is decoded only here: a large plan's text weighs twice its bytes.
        """
        source = self.source
        if isinstance(source, bytes):
            source = self._source = decode(source, str(self.path))  # decoded before, when it was parsed
        return source

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def ok(self) -> bool:
        return self.project is not None and not self.errors

    def report(self) -> str:
        """Every problem, one `path:line:column: severity: message` line each, as commands print them."""
        return "\n".join(str(p) for p in self.problems)


class LoadedOk(Loaded):
    """A Loaded that `is_ok` has passed: its plan is there and has no errors.  Never built; only a type."""

    __slots__ = ()
    project: Project


def is_ok(loaded: Loaded) -> TypeGuard[LoadedOk]:
    """`loaded.ok`, said so that the type checker knows `loaded.project` is there afterwards."""
    return loaded.ok


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> tuple[str, bytes]:
    """The file's text (BOM removed) and raw bytes; raises LoadError."""
    data = read_bytes(path, max_bytes)
    return decode(data, str(path)), data


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The file's raw bytes, read while no one writes it; raises LoadError.

    A file open for writing elsewhere (an editor saving in place), or whose size
    or times move during the read, is read again a moment later: half a save
    may parse, and is still not the plan.  After SETTLE seconds of that, LoadError.
    """
    deadline = time.monotonic() + SETTLE
    while True:
        fd = open_plan(path)
        try:
            before = os.fstat(fd)
            data = read_open(fd, path, max_bytes)
            after = os.fstat(fd)
            busy = writing(fd)
        finally:
            os.close(fd)
        if signature(before) == signature(after) and len(data) == after.st_size and not busy:
            return data
        if time.monotonic() > deadline:
            raise LoadError(
                Problem(
                    str(path),
                    None,
                    None,
                    f"another program kept writing the file for {SETTLE:.0f} s; let it finish and try again",
                )
            )
        time.sleep(0.01)


def open_plan(path: Path) -> int:
    """A descriptor of the regular file `path`; raises LoadError for anything else.

    Opened without blocking, so that a FIFO named as the plan cannot hang the
    open, and checked with fstat before a byte is read: a device or a FIFO is
    refused, whatever the path looked like a moment earlier.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise LoadError(Problem(str(path), None, None, "no such file; create it or point --file at the plan")) from None
    except IsADirectoryError:
        raise LoadError(Problem(str(path), None, None, "this is a folder, not a plan file")) from None
    except OSError as exc:
        raise LoadError(Problem(str(path), None, None, f"cannot read the file: {exc.strerror}")) from None
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode):
        return fd
    os.close(fd)
    what = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
    raise LoadError(Problem(str(path), None, None, f"this is {what}, not a plan file; point --file at a regular file"))


def read_open(fd: int, path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """All of the open file `fd` from its start, or LoadError when it holds more than `max_bytes`.

    Never more than the limit plus one byte is read, whatever fstat said the size was.
    """
    try:
        size = os.fstat(fd).st_size
        chunks, total = [], 0
        while size <= max_bytes and total <= max_bytes:
            # What fstat promised plus one byte (a file that grew shows), then bigger reads up to the limit.
            chunk = os.pread(fd, min(max(size + 1 - total, 1 << 20), max_bytes + 1 - total), total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise LoadError(Problem(str(path), None, None, f"cannot read the file: {exc.strerror}")) from None
    if size > max_bytes or total > max_bytes:
        what = f"{size:,} bytes" if size > max_bytes else f"more than {max_bytes:,} bytes"
        raise LoadError(
            Problem(
                str(path),
                None,
                None,
                f"the file is {what}, over the limit of {max_bytes:,}; "
                "split the plan or raise the limit with --max-bytes",
            )
        )
    return b"".join(chunks)


def decode(data: bytes, where: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise LoadError(
            Problem(where, line, column, f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8")
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


class LoadError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def load(
    path: str | os.PathLike, max_bytes: int = MAX_BYTES, before: Loaded | None = None, ahead: ReadAhead | None = None
) -> Loaded:
    """The plan in `path`: from the parse cache when these exact bytes were read before.

    `before` is the plan the file held when last read (the dashboard's, as the file changes
    under it): when only some issues changed, they alone are read again (splice.py).
    `ahead`: the file read and hashed in a thread meanwhile (ReadAhead, made with the same `max_bytes`).
    """
    path = Path(path)
    read = ahead.result() if ahead is not None else None
    if ahead is not None and read is not None:
        loaded = _load(path, max_bytes, before, read, ahead.entries)
        loaded.seen, loaded.proven = ahead.seen, ahead.proven
        ahead.spent()
        return loaded
    # Taken before the bytes are read; ahead's None: read again, to say why.
    start, seen = time.time_ns(), content_signature(path)
    loaded = _load(path, max_bytes, before, None)
    loaded.seen, loaded.proven = seen, _proof(path, seen, start)
    return loaded


def content_signature(path: Path) -> tuple | None:
    """The stat signature (stablefile.signature) of the file `path` names; None when there is none."""
    try:
        return signature(os.stat(path))
    except (OSError, ValueError):
        return None


def _proof(path: Path, seen: tuple | None, start: int, placed_here: bool = False) -> tuple | None:
    """`seen` (the stat signature `path` showed at time.time_ns() `start`, before its bytes were read) if the name
    still shows it after the read and it proves those bytes (Loaded.proven): no one had written the file for
    STILL_NS before, or (`placed_here`) it is the file tracker put there, with the digest recorded for it."""
    if seen is None or content_signature(path) != seen:
        return None
    return seen if placed_here or proves(seen, start - STILL_NS) else None


def _load(
    path: Path,
    max_bytes: int,
    before: Loaded | None,
    read: tuple[bytes, str] | None,
    entries: parsecache.Fetched | None = None,
) -> Loaded:
    try:
        data = read[0] if read is not None else read_bytes(path, max_bytes)
        size = len(data)
        digest, cached = _cached(data, path, read[1] if read is not None else None, entries)
        if cached is not None:
            cached.max_bytes, cached.size = max_bytes, size
            return cached
        if before is not None:
            from tracker.plan import splice  # it builds on this module

            spliced = splice.reload(before, data, digest)
            if spliced is not None and spliced.project is not None:
                parsecache.store(digest, spliced.project, spliced.problems, plain=True)  # splice checked it
                spliced.max_bytes, spliced.size = max_bytes, size
                return spliced
        text = decode(data, str(path))
    except LoadError as exc:
        return Loaded(path, None, [exc.problem], max_bytes=max_bytes)
    del data  # a large plan should not be held twice while it is parsed
    loaded = _parse(text, digest, path)
    loaded.max_bytes, loaded.size = max_bytes, size
    return loaded


class ReadAhead:
    """The plan's bytes (read as read_bytes reads them) and their SHA-256, taken in a thread from now on.

    `tracker set` on a big plan reads and hashes 8 MiB (10 ms) and imports the writer (30 ms) before it
    can edit: reading and hashing wait on the disk and run in C without Python's lock, so they are done
    meanwhile, on another core.  `result()` waits for them: (bytes, digest), or None when the file could
    not be read (the caller reads it again and says why).

    `whole`: the whole plan will be loaded (the dashboard), so the parse cache's entries for those bytes
    are read and their checksums checked here too (`entries`, for `load`): also in C without the lock,
    0.05 s of the dashboard's first frame at 100,000 issues.

    `known()`: the digest recorded for the file tracker put under the name last (support/placed.py), when
    the name still shows it, known before the bytes are read: `load_part` looks the parse cache up with it
    while they are still being read (80 MiB, 40 ms at 100,000 issues), and `result()` says whether the
    bytes read are that file's.
    """

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES, whole: bool = False):
        import threading  # here: most commands never read ahead

        from tracker.support import threads

        self.path = path
        self.max_bytes = max_bytes
        self.whole = whole
        self.entries: parsecache.Fetched | None = None
        self._found: tuple[bytes, str] | None = None
        self.seen: tuple | None = None  # the file's stat signature, taken before the read (Loaded.seen)
        self.proven: tuple | None = None  # that signature, when it proves the bytes read (Loaded.proven)
        self._known: str | None = None
        self._asked = threading.Event()  # set once _known is worked out (or the thread failed before)
        self._done = threads.start(self._read)

    def _read(self) -> None:
        start = time.time_ns()
        try:
            self.seen = seen = content_signature(self.path)
            # A plan tracker wrote itself (each `tracker set` after the first) and no one changed since: its
            # digest was recorded then, and the bytes need no hashing.
            self._known = known = placed.digest_of(os.path.realpath(self.path), seen)
        finally:
            self._asked.set()
        try:
            data = read_bytes(self.path, self.max_bytes)
        except LoadError:
            return
        # Still that file after the read (read_bytes checked the descriptor it read, _proof the name).
        self.proven = _proof(self.path, seen, start, placed_here=known is not None)
        digest = known if known is not None and self.proven is not None else hashlib.sha256(data).hexdigest()
        self._found = (data, digest)
        if self.whole:
            self.entries = parsecache.fetch(digest)

    def known(self) -> str | None:
        """The digest the placed record gives the file, if any: what `result()`'s will be unless the file
        changed (read before its bytes; see the class)."""
        self._asked.wait()
        return self._known

    def result(self) -> tuple[bytes, str] | None:
        self._done.wait()
        return self._found

    def spent(self) -> None:
        """A plan is loaded from what was read (`load`): the bytes, its source now, and the cache entries are let
        go here.  Whoever handed this on may hold it as long as that plan lives (the dashboard's start, as long as
        the app runs): 80 MiB and the entries at 100,000 issues, after a write had replaced the plan.  `result()`
        is None from now on."""
        self._done.wait()  # the reading thread has let go of what it found
        self._found, self.entries = None, None


def _read_hashed(path: Path, max_bytes: int) -> tuple[bytes, str] | None:
    """The file's bytes, as read_bytes reads them, and their SHA-256; None when it cannot be read (the
    caller that needs to say why reads it again)."""
    try:
        data = read_bytes(path, max_bytes)
    except LoadError:
        return None
    return data, hashlib.sha256(data).hexdigest()


def load_part(
    path: str | os.PathLike,
    issue_id: str | None,
    max_bytes: int = MAX_BYTES,
    phase: str | None = None,
    ahead: ReadAhead | None = None,
) -> Loaded | None:
    """The plan in `path` with only issue `issue_id` decoded, from the parse cache; None when it is not
    cached, or holds no such issue or more than one.  With `phase` instead (issue_id None): the last two
    issues of that phase (None when it has none).

    Its `project` has that issue alone (in its phase; every other phase has none): what a change to
    that issue needs, for `tracker set` on a big plan; or the phase's last issues, for `tracker add
    issue`.  Only the writer takes it (edit/writer.py keeps to what those issues can show, and reads the
    whole plan otherwise).  `ahead`: the file's bytes and digest, being read already (from `path`, under
    `max_bytes`).
    """
    path = Path(path)
    key = issue_key(issue_id) if issue_id is not None else None
    known = ahead.known() if ahead is not None else None
    # Looked up while the thread reads the bytes: taken only if they are the very file that digest is of.
    early = parsecache.lookup_part(known, str(path), key, phase) if known is not None else None
    read = ahead.result() if ahead is not None else _read_hashed(path, max_bytes)
    if read is None:
        return None
    data, digest = read
    found = early if digest == known else parsecache.lookup_part(digest, str(path), key, phase)
    if found is None:
        return None
    project, problems, part = found
    loaded = Loaded(path, project, problems, data, digest, max_bytes, part)
    loaded.proven = ahead.proven if ahead is not None else None
    return loaded


def load_data(data: bytes, where: str | os.PathLike, like: Project | None = None) -> Loaded:
    """The plan in `data` (a file as git holds it, say), through the parse cache as `load` goes.

    When it is parsed, issues equal to those of `like` are shared with it (see load_text).
    Raises LoadError when the bytes are not UTF-8.
    """
    path = Path(where)
    digest, cached = _cached(data, path)
    if cached is not None:
        return cached
    return _parse(decode(data, str(path)), digest, path, like)


def _cached(
    data: bytes, path: Path, digest: str | None = None, entries: parsecache.Fetched | None = None
) -> tuple[str, Loaded | None]:
    """The digest of `data` (`digest` when the caller has it), and the plan the parse cache holds for it (its
    text not decoded yet), if any.  `entries`: those of the cache read already (parsecache.fetch)."""
    digest = digest or hashlib.sha256(data).hexdigest()
    cached = parsecache.lookup(digest, str(path), entries)
    return digest, None if cached is None else Loaded(path, cached[0], cached[1], data, digest)


def _parse(text: str, digest: str, path: Path, like: Project | None = None) -> Loaded:
    """load_text, and the model kept in the parse cache for the next command."""
    loaded = load_text(text, path, digest=digest, like=like)
    if loaded.project is not None:
        from tracker.plan.splice import plain_breaks  # it builds on this module

        parsecache.store(digest, loaded.project, loaded.problems, path, plain_breaks(text))
    return loaded


def _check_partial(stopped, text: str, where: str, problems: list[Problem]) -> None:
    """Add the values' problems of the plan read as far as the syntax error `stopped` (yamltree.YamlError) let
    it be: what the lines after it might settle (a required key, an issue a dependency names, the statuses or
    frameworks a value is judged by when they may still be declared) is not judged."""
    from tracker.plan import rules, shape

    root = stopped.partial
    if root is None or root.kind != "mapping":
        return
    project = shape.build_project(root, where, problems, consume=True, cut=stopped.cut)
    if project is None:
        return
    cut = set(map(id, stopped.cut))
    rest = text.split("\n", stopped.line - 1)[-1]  # from the error's line on: never read
    unread = {"issues", "sessions"}
    for key in ("statuses", "frameworks"):
        node = root.get(key)
        if (node is not None and id(node) in cut) or (node is None and _names_key(rest, key)):
            unread.add(key)
    rules.check(project, where, problems, frozenset(unread))


def _names_key(text: str, key: str) -> bool:
    """Whether `text` has a line that may be the key `key` (at any indentation, quoted or not)."""
    return re.search(rf"^[ \t]*[\"']?{key}[\"']?[ \t]*:", text, re.MULTILINE) is not None


CONFLICT_START = re.compile(r"<{7,}(?:[ \t]|$)")
CONFLICT_END = re.compile(r">{7,}(?:[ \t]|$)")


def conflict_problems(text: str, where: str) -> list[Problem]:
    """One problem per block of git conflict markers left in `text`, at its `<<<<<<<` line."""
    if "<<<<<<<" not in text:
        return []
    problems = []
    start = None
    for number, line in enumerate(text.splitlines(), 1):
        if start is None and CONFLICT_START.match(line):
            start = number
        elif start is not None and CONFLICT_END.match(line):
            problems.append(_conflict(where, start, "to >>>>>>>"))
            start = None
    if start is not None:
        problems.append(_conflict(where, start, "to the end of the file, where >>>>>>> is missing"))
    return problems


def _conflict(where: str, line: int, end: str) -> Problem:
    return Problem(
        where,
        line,
        1,
        f"unresolved merge conflict (from <<<<<<< {end}); resolve it, or run git mergetool",
    )


def load_text(text: str, path: str | os.PathLike, digest: str = "", like: Project | None = None) -> Loaded:
    """The plan in `text`, parsed.  Issues equal to those of `like` are shared with it (see shape.issue_fold)."""
    # Imported here: a plan answered from the parse cache needs no parser (PyYAML's import
    # alone is 20 ms of a command that can take 90).
    from tracker.plan import rules, shape, yamltree

    path = Path(path)
    where = str(path)
    conflicts = conflict_problems(text, where)
    if conflicts:
        # The markers make the YAML around them meaningless: they alone are reported.
        return Loaded(path, None, conflicts, text, digest)
    with no_cycle_scans():
        problems: list[Problem] = []
        try:
            tree = yamltree.parse(text, spans=False, fold=shape.issue_fold(where, problems, like))
        except yamltree.YamlError as exc:
            # What was found before the tree stopped is reported with what stopped it (the issues the
            # fold checked, tags, anchors, duplicate keys above it): one run, every problem seen.
            problems += [Problem(where, p.line, p.column, p.message) for p in [*exc.earlier, exc]]
            _check_partial(exc, text, where, problems)
            problems.sort(key=sort_key)
            return Loaded(path, None, problems, text, digest)
        problems += [Problem(where, p.line, p.column, p.message) for p in tree.problems]
        if tree.root is None:
            problems.append(
                Problem(where, 1, 1, "the file holds no plan; start it with 'project: NAME' and a 'phases:' list")
            )
            return Loaded(path, None, problems, text, digest)
        project = shape.build_project(tree.root, where, problems, consume=True)
        if project is not None:
            rules.check(project, where, problems)
    problems.sort(key=sort_key)
    return Loaded(path, project, problems, text, digest)
