"""The parse cache: a plan is parsed once per content, not once per command.

Reading YAML is the slow part of every command on a large plan (seconds for
10,000 issues); decoding the same model from msgpack takes a tenth of that.
So the loaded model, with its problems and the `at` positions the writer and
messages need, is kept in the user's cache folder under a name made from the
file's SHA-256 and the code that read it.  A changed file has another hash,
and a new tracker (or an edited loader) another code key, so neither can meet
a stale entry.

An entry is a header and a body.  The header (msgpack, sealed with its own
CRC-32) holds the plan's head (every phase with no issues, the workflow,
frameworks, sessions), how many issues each phase has, each issue's key, and
where each issue's bytes end in the body and their CRC-32; the body is the
issues, one msgpack item each, in plan order, and reads as one msgpack list.
A whole read checks the body's CRC and decodes it in one call; a read in part
(`lookup_part`: `tracker set`, `tracker add issue`) reads the header and the
few issues it needs, each checked by its CRC: a millisecond, not 9 MiB.

After an edit made from those few issues' lines, `store_part` writes a delta
entry (`plandelta-`): the new head, keys and problems, the issues changed or
added since a whole entry of an earlier version of the plan (its base, named
by digest), and `moves`: from which issue on the base's issues stand further
on (issues added before them) and further down (lines added before them).
So an issue added in the middle of a 10,000-issue plan writes a few
kilobytes; the issues after it are moved where they are decoded.  Deltas
always point at a whole entry, never at another delta, and hold at most
DELTA_MOST issues: the write after that is a whole entry again.  A delta
whose base is gone, damaged or not the same plan's is a miss.

An entry is data (msgpack, decoded into the model's own types with their
checks), never pickle: a file planted in the cache folder cannot run code.
Whatever goes wrong with the cache — no folder, a read-only one, a truncated,
corrupt or foreign entry — only means the plan is parsed again.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import zlib
from array import array
from itertools import accumulate
from pathlib import Path
from typing import Literal

import msgspec
from msgspec.structs import replace

from tracker.plan.model import Issue, Project, head_only, issue_key
from tracker.plan.problems import Problem
from tracker.support.cachefiles import NewEntry, cache_dir, code_key, open_entry, read_entry, seal_of, used
from tracker.support.memory import no_cycle_scans

FORMAT = "tracker plan cache 5"
KEEP = 8  # whole entries kept: a few plans, or the last few versions of one
DELTAS_KEPT = 16  # delta entries kept: the last edits made from a few issues' lines
DELTA_MOST = 256  # issues a delta holds at most: past them the next write is a whole entry
CHUNK = 1000  # issues decoded in one call (_issues): about 2.5 ms of holding Python's lock
# The parts whose code decides what a plan loads to; editing any module of them changes the key.
LOADER_PARTS = ("plan", "support")

_MAGIC = b"TPC3"
_LEAD = len(_MAGIC) + 4  # the magic, then the header's length
_ARRAY = 5  # the body opens with a msgpack array head: 0xdd and a 32-bit count
_HEADER_MOST = 64 << 20
_Problems = list[tuple[int | None, int | None, str, Literal["error", "warning"]]]
# (from plan-order index, issues added before it, lines added before it): see _Header.moves
_Moves = list[tuple[int, int, int]]


class Keys:
    """Each issue's key, in plan order, as an entry's header keeps them: the msgpack list, decoded only when
    all are asked for, and the same keys as one text, a line each, in which `place_of` finds one.

    At 100,000 issues decoding the list is 100,000 strings, 6-11 ms, and a `tracker set` read two of them
    (the delta's and its base's) to find one key; finding it in the text and counting the line breaks
    before it takes a tenth of a millisecond.  A collection, for whoever takes an entry's keys as such.
    """

    __slots__ = ("_raw", "_lines", "_listed")

    def __init__(self, listed: list[str] | None = None, raw: bytes | None = None, lines: str = ""):
        self._listed = listed
        self._raw = raw
        self._lines = lines  # "\n" before and after each key; "" when one holds a line break, or not known

    def list(self) -> list[str]:
        if self._listed is None:
            self._listed = msgspec.msgpack.decode(self._raw or b"\x90", type=list[str])
        return self._listed

    def __len__(self) -> int:
        if self._listed is None and self._raw:
            return _array_length(self._raw)
        return len(self.list())

    def __iter__(self):
        return iter(self.list())

    def __contains__(self, key: object) -> bool:
        return key in self.list()

    def __getitem__(self, index):
        return self.list()[index]

    def place_of(self, key: str) -> int | None:
        """The index of the one issue whose key is `key`; None when no issue has it, or more than one."""
        lines = self._lines
        if self._listed is not None or not lines or "\n" in key:
            listed = self.list()
            return listed.index(key) if listed.count(key) == 1 else None
        line = f"\n{key}\n"
        at = lines.find(line)
        if at < 0 or lines.find(line, at + 1) >= 0:  # from its own closing break: the next key's opening one
            return None
        return lines.count("\n", 0, at)


def _lines_of(keys: list[str]) -> str:
    """Keys.place_of's text of `keys`: each between line breaks; "" when one holds a line break itself."""
    lines = "\n".join(keys)
    return "" if not keys or lines.count("\n") != len(keys) - 1 else f"\n{lines}\n"


def _array_length(raw: bytes | memoryview) -> int:
    """How many items the msgpack array `raw` holds, from its head; -1 when it is no array."""
    if not raw:
        return -1
    first = raw[0]
    if 0x90 <= first <= 0x9F:
        return first - 0x90
    if first in (0xDC, 0xDD):
        size = 2 if first == 0xDC else 4
        return int.from_bytes(raw[1 : 1 + size], "big") if len(raw) > size else -1
    return -1


class _Header(msgspec.Struct, array_like=True, dict=True):
    format: str
    code: str
    digest: str  # of the plan's bytes: the entry's name is made from it
    base: str  # "" in a whole entry; in a delta, the digest of the whole entry it changes
    head: msgspec.Raw  # the plan with every phase's issues taken out
    counts: list[int]  # how many issues each phase has
    # Each issue's key, in plan order: a msgpack list, read through `keys`; in a delta whose issues have the
    # keys its base's have (`same_keys`: issues changed in place, as `set` changes one), none.
    listed: msgspec.Raw
    numbered: bool  # every issue's id is a number
    held: list[int]  # a delta: the plan-order index of each issue in its body (a whole entry: none, it holds all)
    # A delta: an issue not held, at index i, is the base's issue i - (the issues added by every move from
    # i or before), its places moved down by the lines those moves added.
    moves: _Moves
    ends: bytes  # array("I"): where each issue in the body ends, counted from past the body's array head
    crcs: bytes  # array("I"): each issue's CRC-32
    problems: _Problems
    plain: bool  # the text breaks lines with \n or \r\n only (splice.plain_breaks): its lines count as libyaml's
    lines: str  # the keys as Keys.place_of finds one in them ("" when one holds a line break, or `same_keys`)
    same_keys: bool  # a delta: every issue has the key its base's issue at that index has

    @property
    def keys(self) -> Keys:
        """Each issue's key, in plan order (a delta of the same keys: its base's, once _read_delta set them)."""
        found = self.__dict__.get("keys")
        if found is None:
            found = self.__dict__["keys"] = Keys(raw=bytes(self.listed), lines=self.lines)
        return found


class _Read(msgspec.Struct):
    """An entry's header, checked, with where its body starts in its file and what that body holds."""

    file: Path
    header: _Header
    start: int  # offset of the body's first issue in the file
    ends: array
    crcs: array

    def issue_bytes(self, n: int, data: bytes | memoryview | None = None) -> bytes | None:
        """The bytes of the body's `n`th issue, from `data` (the whole file) or read from the file; None when
        they are not what the entry sealed (or there is no `n`th issue: a delta's moves that do not fit its base)."""
        if not 0 <= n < len(self.ends):
            return None
        begin = self.ends[n - 1] if n else 0
        size = self.ends[n] - begin
        if size < 0:
            return None
        try:
            if data is not None:
                piece = bytes(data[self.start + begin : self.start + begin + size])
            else:
                with open_entry(self.file) as f:
                    piece = os.pread(f.fileno(), size, self.start + begin)
        except OSError:
            return None
        return piece if len(piece) == size and zlib.crc32(piece) == self.crcs[n] else None


class Part(msgspec.Struct):
    """A plan read from the cache in part: which issues were decoded, and how the cache holds the others."""

    base: _Read  # the whole entry the plan's issues come from
    keys: Keys  # every issue's key, in plan order
    counts: list[int]  # how many issues each phase has
    numbered: bool  # every issue's id is a number
    changes: dict[int, bytes]  # the issues changed or added since the base (from a delta), by plan-order index
    moves: _Moves  # see _Header.moves
    first: int  # the plan-order index of the first issue decoded
    taken: int  # how many were decoded, from `first` on, all in one phase
    phase: int  # the phase that holds them
    plain: bool  # the text breaks lines with \n or \r\n only, so counting them finds its lines
    same_keys: bool = False  # every issue has the key the base's issue at that index has (no moves either)
    window: list[str] = []  # the keys of the issues decoded, as lookup_part found them

    def issue(self, index: int) -> Issue | None:
        """The plan's issue at `index`, decoded (and moved, if the base's); None when its bytes are not sound."""
        if index in self.changes:
            return _decode_issue(self.changes[index])
        added, lines = _moved_by(self.moves, index)
        raw = self.base.issue_bytes(index - added)
        issue = _decode_issue(raw) if raw is not None else None
        return _shifted(issue, lines) if issue is not None and lines else issue


def entry_path(digest: str, code: str | None = None, kind: str = "plan") -> Path:
    name = hashlib.sha256(f"{FORMAT}\0{code or code_key(*LOADER_PARTS)}\0{digest}".encode()).hexdigest()[:40]
    return cache_dir() / f"{kind}-{name}.msgpack"


# Entries read ahead of `lookup` (see fetch), by file, with the header fetch checked (a delta's, whose base it
# names); each is taken when read, so used once.
Fetched = dict[Path, "tuple[memoryview, _Read | None]"]


def fetch(digest: str) -> Fetched:
    """The entries `lookup(digest, ...)` reads, read now and their checksums checked: the whole entry, else
    the delta and its base.  Reading and checking run in C without Python's lock, so a thread can do it
    while the main one imports (loader.ReadAhead)."""
    code = code_key(*LOADER_PARTS)
    whole = entry_path(digest, code)
    data = read_entry(whole)
    if data is not None:
        return {whole: (data, None)}
    delta = entry_path(digest, code, "plandelta")
    data = read_entry(delta)
    read = _parse_header(delta, data, code, digest, whole=False) if data is not None else None
    if data is None or read is None:
        return {}
    fetched: Fetched = {delta: (data, read)}
    base = entry_path(read.header.base, code)
    data = read_entry(base)
    if data is not None:
        fetched[base] = (data, None)
    return fetched


def lookup(digest: str, where: str, fetched: Fetched | None = None) -> tuple[Project, list[Problem]] | None:
    """The cached model and problems of the file whose bytes hash to `digest`, or None.  `fetched`: its
    entries, read ahead (fetch)."""
    code = code_key(*LOADER_PARTS)
    fetched = fetched if fetched is not None else {}
    # As in the loader: a model is hundreds of thousands of objects, none in a cycle.
    with no_cycle_scans():
        found = _whole(digest, code, fetched)
        moved = False
        if found is None:
            delta = _through_delta(digest, code, fetched)
            found, moved = (delta[:2], delta[2]) if delta is not None else (None, False)
        if found is None:
            return None
        header, issues = found
        try:
            head = msgspec.msgpack.decode(header.head, type=Project)
        except (ValueError, RecursionError, msgspec.MsgspecError):
            return None
    if len(head.phases) != len(header.counts):
        return None
    at = 0
    for phase, count in zip(head.phases, header.counts, strict=True):
        phase.issues = issues[at : at + count]
        at += count
    problems = _problems(header.problems, where)
    if moved:  # issues were moved to where they now stand: once is enough, the next whole read need not
        store(digest, head, problems, plain=header.plain)
    return head, problems


def lookup_part(
    digest: str, where: str, key: str | None = None, phase: str | None = None, last: int = 2
) -> tuple[Project, list[Problem], Part] | None:
    """The cached plan with only some issues in it (their phase holds no other; every other phase, none),
    its problems, and the Part to give store_part; None when not cached, or what is asked for is not there.

    With `key`: the issue with that key, when one issue has it.  With `phase` (a phase's id as typed):
    the last `last` issues of the first phase with that id (fewer if it has fewer; None if it has none).
    """
    code = code_key(*LOADER_PARTS)
    found = _part(digest, code)
    if found is None:
        return None
    top, part = found
    head = _decode(top.head, Project)
    if head is None or len(head.phases) != len(part.counts):
        return None
    if key is not None:
        place = part.keys.place_of(key)
        if place is None:
            return None
        part.first, part.taken = place, 1
        part.phase = bisect.bisect_right(list(accumulate(part.counts)), part.first)
    else:
        index = next((n for n, p in enumerate(head.phases) if issue_key(p.id) == phase), None)
        if index is None or not part.counts[index]:
            return None
        part.taken = min(last, part.counts[index])
        part.first, part.phase = sum(part.counts[: index + 1]) - part.taken, index
    issues = [part.issue(index) for index in range(part.first, part.first + part.taken)]
    part.window = [key] if key is not None else part.keys[part.first : part.first + part.taken]
    if [issue.key if issue is not None else None for issue in issues] != part.window:
        return None
    head.phases[part.phase].issues = issues
    return head, _problems(top.problems, where), part


def store(
    digest: str, project: Project, problems: list[Problem], plan: Path | None = None, plain: bool = False
) -> None:
    """Keep the model for the next command; a cache that cannot be written is skipped silently.

    `plan`: the file it was read from, which the cache folder then counts among the plans it serves.
    `plain`: its text breaks lines with \\n or \\r\\n only (splice.plain_breaks), which a plan read
    in part then need not check again.
    """
    encode = msgspec.msgpack.Encoder().encode
    issues = [issue for phase in project.phases for issue in phase.issues]
    _write(
        digest,
        "",
        encode(head_only(project)),
        [len(phase.issues) for phase in project.phases],
        [issue.key for issue in issues],
        _numbered(issues),
        [],
        [],
        [encode(issue) for issue in issues],
        problems,
        plain,
        plan,
    )


def store_part(digest: str, part: Part, project: Project, problems: list[Problem], lines: int = 0) -> Part | None:
    """Keep the plan `project` for the next command: read in part as `part` says, its decoded issues
    replaced by those its phase now holds (as many, or more: issues added after them), and every line
    after them moved by `lines`.  Written as a delta on the whole entry the part was read from, holding
    the issues changed or added since (those edited encoded again: their lines break as the others do,
    splice checked them), or, past DELTA_MOST of them, as a whole entry.  The Part the plan now is, for
    another write; None when `project` is not such a plan."""
    phases = project.phases
    window = phases[part.phase].issues if len(phases) == len(part.counts) else []
    added = len(window) - part.taken
    if (
        added < 0
        or [len(phase.issues) for phase in phases] != [len(window) * (i == part.phase) for i in range(len(phases))]
        or [issue.key for issue in window[: part.taken]] != part.window
    ):
        return None
    after = part.first + part.taken  # the first index past the window, before the change
    changes: dict[int, bytes] = {}
    for index, raw in part.changes.items():
        if index < part.first:
            changes[index] = raw
        elif index >= after:  # held past the window: moved as the base's issues there are
            issue = _decode_issue(raw)
            if issue is None:
                return None
            changes[index + added] = msgspec.msgpack.encode(_shifted(issue, lines) if lines else issue)
    for n, issue in enumerate(window):
        changes[part.first + n] = msgspec.msgpack.encode(issue)
    moves = [
        (start if start <= part.first else max(start, after) + added, issues, moved)
        for start, issues, moved in part.moves
    ]
    if added or lines:
        moves.append((after + added, added, lines))
        moves.sort()
    window_keys = [issue.key for issue in window]
    # Issues changed in place, their keys as they were (`set`): the delta keeps no keys, its base's are its own.
    same = part.same_keys and not moves and window_keys == part.window
    keys = part.keys if same else Keys([*part.keys[: part.first], *window_keys, *part.keys[after:]])
    counts = [count + added * (i == part.phase) for i, count in enumerate(part.counts)]
    numbered = part.numbered and _numbered(window)
    head = msgspec.msgpack.encode(head_only(project))
    new = Part(
        part.base,
        keys,
        counts,
        numbered,
        changes,
        moves,
        part.first,
        len(window),
        part.phase,
        part.plain,
        same,
        window_keys,
    )
    if len(changes) <= DELTA_MOST:
        held = sorted(changes)
        pieces = [changes[index] for index in held]
        base = part.base.header.digest
        listed = None if same else keys.list()
        _write(digest, base, head, counts, listed, numbered, held, moves, pieces, problems, part.plain)
        return new
    try:
        with open_entry(part.base.file) as f:
            data = f.read()
    except OSError:
        return None
    pieces = []
    starts = [start for start, _, _ in moves]
    for index in range(len(keys)):
        piece = changes.get(index)
        if piece is None:
            added_before, moved = _moved_by(moves, index, starts)
            piece = part.base.issue_bytes(index - added_before, data)
            if piece is not None and moved:
                issue = _decode_issue(piece)
                piece = msgspec.msgpack.encode(_shifted(issue, moved)) if issue is not None else None
        if piece is None:
            return None  # the base changed under us: no entry, the next command parses
        pieces.append(piece)
    _write(digest, "", head, counts, keys.list(), numbered, [], [], pieces, problems, part.plain)
    return None


def store_window(
    digest: str,
    before: str,
    project: Project,
    problems: list[Problem],
    phase: int,
    first: int,
    taken: int,
    lines: int = 0,
) -> bool:
    """Keep `project`, every issue decoded, as store_part keeps a plan read in part: it is the plan of digest
    `before` with the `taken` issues from index `first` of phase `phase` replaced by those it holds from
    there on, and every line after them moved by `lines`.  A delta on the whole entry `before` comes from
    (a few kilobytes; the dashboard's write kept the whole plan again: 1.5 s at 100,000 issues); False when
    `before` is not cached, or `project` is no such plan (the caller keeps it whole)."""
    code = code_key(*LOADER_PARTS)
    found = _part(before, code)
    if found is None:
        return False
    part = found[1]
    phases = project.phases
    if len(phases) != len(part.counts) or not 0 <= phase < len(phases) or not 0 <= first <= part.counts[phase]:
        return False
    added = len(phases[phase].issues) - part.counts[phase]
    part.first, part.taken, part.phase = sum(part.counts[:phase]) + first, taken, phase
    part.window = part.keys[part.first : part.first + taken]
    window = phases[phase].issues[first : first + taken + added]
    view = replace(project, phases=[replace(p, issues=window if n == phase else []) for n, p in enumerate(phases)])
    # store_part gives no Part when it kept the plan whole (past DELTA_MOST issues held), nor when it kept nothing.
    return store_part(digest, part, view, problems, lines) is not None or entry_path(digest, code).exists()


def _write(
    digest: str,
    base: str,
    head: bytes,
    counts: list[int],
    keys: list[str] | None,  # None: a delta whose issues have its base's keys (_Header.same_keys)
    numbered: bool,
    held: list[int],
    moves: _Moves,
    pieces: list[bytes],
    problems: list[Problem],
    plain: bool,
    plan: Path | None = None,
) -> None:
    code = code_key(*LOADER_PARTS)
    body = b"".join([b"\xdd" + len(pieces).to_bytes(4, "big"), *pieces])
    header = msgspec.msgpack.encode(
        _Header(
            FORMAT,
            code,
            digest,
            base,
            msgspec.Raw(head),
            counts,
            msgspec.Raw(msgspec.msgpack.encode(keys or [])),
            numbered,
            held,
            moves,
            array("I", accumulate(map(len, pieces))).tobytes(),
            array("I", map(zlib.crc32, pieces)).tobytes(),
            _rows(problems),
            plain,
            _lines_of(keys) if keys is not None else "",
            keys is None,
        )
    )
    kind, keep = ("plandelta", DELTAS_KEPT) if base else ("plan", KEEP)
    entry = NewEntry(entry_path(digest, code, kind), keep, serves=plan)
    lead = _MAGIC + len(header).to_bytes(4, "big") + header + zlib.crc32(header).to_bytes(4, "big")
    entry.write(lead)
    entry.write(body)
    entry.write(seal_of(lead, body))  # as write_entry seals its entries: read_entry reads the whole file
    entry.commit()


def _part(digest: str, code: str) -> tuple[_Header, Part] | None:
    """The header of the entry for `digest` (whole or delta) and a Part of it that has decoded nothing yet."""
    whole = _read_header(entry_path(digest, code), code, digest, whole=True)
    if whole is not None:
        header = whole.header
        return header, Part(whole, header.keys, header.counts, header.numbered, {}, [], 0, 0, 0, header.plain, True)
    delta = _read_delta(digest, code)
    if delta is None:
        return None
    top, base, changes = delta
    header = top.header
    part = Part(base, header.keys, header.counts, header.numbered, changes, header.moves, 0, 0, 0, header.plain)
    part.same_keys = header.same_keys
    return header, part


def _whole(digest: str, code: str, fetched: Fetched) -> tuple[_Header, list[Issue]] | None:
    """The header and every issue of the whole entry for `digest`, its body checked; None when there is none."""
    found = _read_file(entry_path(digest, code), code, digest, whole=True, fetched=fetched)
    if found is None:
        return None
    read, data = found
    if len(data) != read.start + (read.ends[-1] if read.ends else 0):
        return None
    issues = _issues(data, read)
    if issues is None or len(issues) != len(read.header.keys):
        return None
    used(read.file)
    return read.header, issues


def _issues(data: memoryview, read: _Read) -> list[Issue] | None:
    """Every issue of a whole entry's body, CHUNK at a time: decoding 100,000 issues in one call held Python's
    lock for 0.25 s, and the dashboard decodes its model in a worker after the first frame (plan/outline.py),
    while the thread that writes that frame to the terminal waits for the lock.  Between chunks, it gets it."""
    decoder = msgspec.msgpack.Decoder(list[Issue])
    ends, start, issues = read.ends, read.start, []
    try:
        for first in range(0, len(ends), CHUNK):
            last = min(first + CHUNK, len(ends))
            begin = ends[first - 1] if first else 0
            head = b"\xdd" + (last - first).to_bytes(4, "big")  # a msgpack array of the chunk's issues
            issues += decoder.decode(head + data[start + begin : start + ends[last - 1]])
    except (ValueError, RecursionError, msgspec.MsgspecError):
        return None
    return issues


def _through_delta(digest: str, code: str, fetched: Fetched) -> tuple[_Header, list[Issue], bool] | None:
    """The header and issues of the delta entry for `digest`, applied to its base, and whether any issue of
    the base was moved down; None when there is none."""
    delta = _read_delta(digest, code, fetched)
    if delta is None:
        return None
    top, base, changes = delta
    found = _whole(base.header.digest, code, fetched)
    if found is None:
        return None
    old = found[1]
    header = top.header
    if not header.moves:  # issues changed in place only (`set`): the base's list, those put in
        issues: list[Issue] = old
        keys = list(found[0].keys)  # the base's issues' keys, kept with them in its entry
        for index, held in changes.items():
            decoded = _decode_issue(held)
            if decoded is None or index >= len(issues):
                return None
            issues[index] = decoded
            keys[index] = decoded.key
        # Compared as lists of text (in C): each issue's key asked again took 30 ms at 100,000 issues.
        return (header, issues, False) if keys == header.keys.list() else None
    moved = False
    issues = []
    starts = [start for start, _, _ in header.moves]
    for index in range(len(header.keys)):
        raw = changes.get(index)
        if raw is not None:
            issue = _decode_issue(raw)
            if issue is None:
                return None
        else:
            added, lines = _moved_by(header.moves, index, starts)
            if not 0 <= index - added < len(old):  # moves that do not fit the issues held: not an entry tracker wrote
                return None
            issue = old[index - added]
            if lines:
                issue, moved = _shifted(issue, lines), True
        issues.append(issue)
    if [issue.key for issue in issues] != header.keys.list():
        return None
    return header, issues, moved


def _read_delta(digest: str, code: str, fetched: Fetched | None = None) -> tuple[_Read, _Read, dict[int, bytes]] | None:
    """The delta entry for `digest`, the header of its base, and the issues it holds, all checked."""
    found = _read_file(entry_path(digest, code, "plandelta"), code, digest, whole=False, fetched=fetched)
    if found is None:
        return None
    top, data = found
    header = top.header
    base = _read_header(entry_path(header.base, code), code, header.base, whole=True)
    if base is None:
        return None
    if header.same_keys:  # its issues' keys are its base's (_parse_header saw it has no moves)
        if sum(header.counts) != len(base.header.keys):
            return None
        header.__dict__["keys"] = base.header.keys
    # Every index not held must name an issue of the base, and every issue of the base be named once.
    added = sum(issues for _, issues, _ in header.moves)
    if len(base.header.keys) != len(header.keys) - added or any(
        not 0 <= start <= len(header.keys) or issues < 0 for start, issues, _ in header.moves
    ):
        return None
    changes = {}
    for n, index in enumerate(header.held):
        raw = top.issue_bytes(n, data)
        if raw is None or index >= len(header.keys):
            return None
        changes[index] = raw
    used(top.file)
    return top, base, changes


def _read_file(
    file: Path, code: str, digest: str, whole: bool, fetched: Fetched | None = None
) -> tuple[_Read, memoryview] | None:
    """The checked header of the entry in `file`, and its bytes (all checked by their seal; taken from
    `fetched` when read there, with the header if it was checked there: for the same digest and kind)."""
    data, read = (fetched.pop(file, None) if fetched else None) or (read_entry(file), None)
    if data is None:
        return None
    read = read or _parse_header(file, data, code, digest, whole)
    return (read, data) if read is not None else None


def _read_header(file: Path, code: str, digest: str, whole: bool) -> _Read | None:
    """The checked header of the entry in `file`, read without its body."""
    try:
        with open_entry(file) as f:
            lead = os.pread(f.fileno(), _LEAD, 0)
            if len(lead) != _LEAD or lead[: len(_MAGIC)] != _MAGIC:
                return None
            size = int.from_bytes(lead[len(_MAGIC) :], "big")
            if size > _HEADER_MOST:
                return None
            data = lead + os.pread(f.fileno(), size + 4 + _ARRAY, _LEAD)
    except OSError:
        return None
    read = _parse_header(file, data, code, digest, whole)
    if read is not None:
        used(file)
    return read


def _parse_header(file: Path, data: bytes | memoryview, code: str, digest: str, whole: bool) -> _Read | None:
    """The header at the start of `data` (an entry's first bytes), if it is sealed and genuine."""
    if len(data) < _LEAD or data[: len(_MAGIC)] != _MAGIC:
        return None
    size = int.from_bytes(data[len(_MAGIC) : _LEAD], "big")
    end = _LEAD + size
    if len(data) < end + 4 + _ARRAY or zlib.crc32(data[_LEAD:end]) != int.from_bytes(data[end : end + 4], "big"):
        return None
    header = _decode(data[_LEAD:end], _Header)
    if header is None:
        return None
    ends, crcs = array("I"), array("I")
    try:
        ends.frombytes(header.ends)
        crcs.frombytes(header.crcs)
    except ValueError:
        return None
    listed = _array_length(memoryview(header.listed))
    held = listed if whole else len(header.held)
    if not (
        header.format == FORMAT
        and header.code == code
        and header.digest == digest  # the name is a hash of these; an entry that says otherwise was copied
        and (header.base == "") == whole
        and (not whole or (not header.held and not header.moves))
        and (whole or (header.held and header.held == sorted(set(header.held)) and header.held[0] >= 0))
        and (
            (not header.same_keys and sum(header.counts) == listed)
            # a delta of its base's keys holds none, and moves no issue
            or (header.same_keys and not whole and listed == 0 and not header.moves and not header.lines)
        )
        and all(count >= 0 for count in header.counts)
        and len(ends) == len(crcs) == held
        and data[end + 4] == 0xDD
        and int.from_bytes(data[end + 5 : end + 4 + _ARRAY], "big") == held
    ):
        return None
    return _Read(file, header, end + 4 + _ARRAY, ends, crcs)


def _moved_by(moves: _Moves, index: int, starts: list[int] | None = None) -> tuple[int, int]:
    """(issues, lines) added before the issue at `index` that is not held, by the moves up to it."""
    count = bisect.bisect_right(starts if starts is not None else [start for start, _, _ in moves], index)
    return sum(issues for _, issues, _ in moves[:count]), sum(lines for _, _, lines in moves[:count])


def _shifted(issue: Issue, lines: int) -> Issue:
    from tracker.plan.splice import shifted  # it builds on the loader, which builds on this module

    return shifted(issue, lines)


def _decode(data, kind):
    try:
        return msgspec.msgpack.decode(data, type=kind)
    except (ValueError, RecursionError, msgspec.MsgspecError):
        return None


def _decode_issue(raw: bytes) -> Issue | None:
    return _decode(raw, Issue)


def _numbered(issues: list[Issue]) -> bool:
    return all(type(issue.id) is int for issue in issues)


def _rows(problems: list[Problem]) -> _Problems:
    return [(p.line, p.column, p.message, p.severity) for p in problems]


def _problems(rows: _Problems, where: str) -> list[Problem]:
    return [Problem(where, line, column, message, severity) for line, column, message, severity in rows]
