"""The parse cache: a plan is parsed once per content, not once per command.

Reading YAML is the slow part of every command on a large plan (seconds for
10,000 issues); decoding the same model from msgpack takes a tenth of that.
So the loaded model, with its problems and the `at` positions the writer and
messages need, is kept in the user's cache folder under a name made from the
file's SHA-256 and the code that read it.  A changed file has another hash,
and a new tracker (or an edited loader) another code key, so neither can meet
a stale entry.

The issues are kept apart from the rest of the plan (its head: every phase
with no issues, the workflow, frameworks, sessions), one msgpack item each,
with their keys beside them.  A whole read decodes them all in one call and
puts them back into their phases; `lookup_part` decodes the head and one issue
only, the rest staying bytes, and `store_part` writes the entry of the plan
after an edit of that issue from those bytes, with the edited issue encoded
again: what `tracker set` needs on a 10,000-issue plan is a millisecond of
decoding, not a tenth of a second.

An entry is data (msgpack, decoded into the model's own types with their
checks), never pickle: a file planted in the cache folder cannot run code.
Whatever goes wrong with the cache — no folder, a read-only one, a truncated,
corrupt or foreign entry — only means the plan is parsed again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import msgspec
from msgspec.structs import replace

from tracker.plan.model import Issue, Project
from tracker.plan.problems import Problem
from tracker.support.cachefiles import cache_dir, code_key, read_entry, write_entry
from tracker.support.memory import no_cycle_scans

FORMAT = "tracker plan cache 2"
KEEP = 8  # entries kept: a few plans, or the last few versions of one
# The parts whose code decides what a plan loads to; editing any module of them changes the key.
LOADER_PARTS = ("plan", "support")

_Problems = list[tuple[int | None, int | None, str, Literal["error", "warning"]]]


class _Entry(msgspec.Struct, array_like=True):
    format: str
    code: str
    digest: str
    head: Project  # the plan with every phase's issues taken out
    counts: list[int]  # how many issues each phase has
    keys: list[str]  # each issue's key, in plan order
    issues: list[Issue]  # every issue, in plan order
    problems: _Problems
    plain: bool  # the text breaks lines with \n or \r\n only (splice.plain_breaks): its lines count as libyaml's


class _Parts(msgspec.Struct, array_like=True):
    """The same entry with its head and issues left as their bytes."""

    format: str
    code: str
    digest: str
    head: msgspec.Raw
    counts: list[int]
    keys: list[str]
    issues: list[msgspec.Raw]
    problems: _Problems
    plain: bool


@dataclass
class Part:
    """A plan read from the cache in part: which issue was decoded, and the bytes of all the others."""

    entry: _Parts
    index: int  # of the decoded issue, in plan order
    phase: int  # the phase that holds it

    @property
    def plain(self) -> bool:
        """Whether the plan's text breaks lines with \\n or \\r\\n only, so that counting them finds its lines."""
        return self.entry.plain


def entry_path(digest: str, code: str | None = None) -> Path:
    name = hashlib.sha256(f"{FORMAT}\0{code or code_key(*LOADER_PARTS)}\0{digest}".encode()).hexdigest()[:40]
    return cache_dir() / f"plan-{name}.msgpack"


def lookup(digest: str, where: str) -> tuple[Project, list[Problem]] | None:
    """The cached model and problems of the file whose bytes hash to `digest`, or None."""
    code = code_key(*LOADER_PARTS)
    # As in the loader: a model is hundreds of thousands of objects, none in a cycle.
    with no_cycle_scans():
        entry = _read(entry_path(digest, code), _Entry)
    if entry is None or not _genuine(entry, code, digest):
        return None
    phases, at = entry.head.phases, 0
    for phase, count in zip(phases, entry.counts, strict=True):
        phase.issues = entry.issues[at : at + count]
        at += count
    return entry.head, _problems(entry.problems, where)


def lookup_part(digest: str, where: str, key: str) -> tuple[Project, list[Problem], Part] | None:
    """The cached plan with only the issue `key` in it (its phase holds no other; every other phase,
    none), its problems, and the Part to give store_part; None when not cached or the key is not one issue's."""
    code = code_key(*LOADER_PARTS)
    entry = _read(entry_path(digest, code), _Parts)
    if entry is None or not _genuine(entry, code, digest) or entry.keys.count(key) != 1:
        return None
    index = entry.keys.index(key)
    try:
        head = msgspec.msgpack.decode(entry.head, type=Project)
        issue = msgspec.msgpack.decode(entry.issues[index], type=Issue)
    except (ValueError, RecursionError, msgspec.MsgspecError):
        return None
    if len(head.phases) != len(entry.counts) or issue.key != key:
        return None
    phase, before = 0, 0
    while before + entry.counts[phase] <= index:
        before += entry.counts[phase]
        phase += 1
    head.phases[phase].issues = [issue]
    return head, _problems(entry.problems, where), Part(entry, index, phase)


def store(
    digest: str, project: Project, problems: list[Problem], plan: Path | None = None, plain: bool = False
) -> None:
    """Keep the model for the next command; a cache that cannot be written is skipped silently.

    `plan`: the file it was read from, which the cache folder then counts among the plans it serves.
    `plain`: its text breaks lines with \\n or \\r\\n only (splice.plain_breaks), which a plan read
    in part then need not check again.
    """
    code = code_key(*LOADER_PARTS)
    issues = [issue for phase in project.phases for issue in phase.issues]
    entry = _Entry(
        FORMAT,
        code,
        digest,
        _head(project),
        [len(phase.issues) for phase in project.phases],
        [issue.key for issue in issues],
        issues,
        _rows(problems),
        plain,
    )
    write_entry(entry_path(digest, code), msgspec.msgpack.encode(entry), KEEP, serves=plan)


def store_part(digest: str, part: Part, project: Project, problems: list[Problem]) -> None:
    """Keep the plan `project` (read in part as `part` says, its one issue edited in place, no line of
    the file moved) for the next command: the other issues are the bytes read, the head and the edited
    issue encoded again (its lines break as the others do: splice checked them).  Skipped when `project`
    is not such a plan."""
    phases = project.phases
    if len(phases) != len(part.entry.counts) or [len(phase.issues) for phase in phases] != [
        int(index == part.phase) for index in range(len(phases))
    ]:
        return
    issue = phases[part.phase].issues[0]
    if issue.key != part.entry.keys[part.index]:
        return
    code = code_key(*LOADER_PARTS)
    issues = list(part.entry.issues)
    issues[part.index] = msgspec.Raw(msgspec.msgpack.encode(issue))
    head = msgspec.Raw(msgspec.msgpack.encode(_head(project)))
    entry = _Parts(
        FORMAT, code, digest, head, part.entry.counts, part.entry.keys, issues, _rows(problems), part.entry.plain
    )
    write_entry(entry_path(digest, code), msgspec.msgpack.encode(entry), KEEP)


def _head(project: Project) -> Project:
    return replace(project, phases=[replace(phase, issues=[]) for phase in project.phases])


def _read(file: Path, kind):
    try:
        data = read_entry(file)
        return msgspec.msgpack.decode(data, type=kind) if data is not None else None
    except (OSError, ValueError, RecursionError, msgspec.MsgspecError):
        return None


def _genuine(entry: _Entry | _Parts, code: str, digest: str) -> bool:
    """The name is a hash of these; an entry that says otherwise was copied or forged.  Its counts must
    tile its issues, phase by phase (head.phases is checked against counts where it is decoded)."""
    return (
        entry.format == FORMAT
        and entry.code == code
        and entry.digest == digest
        and len(entry.keys) == len(entry.issues) == sum(entry.counts)
        and all(count >= 0 for count in entry.counts)
        and (not isinstance(entry.head, Project) or len(entry.head.phases) == len(entry.counts))
    )


def _rows(problems: list[Problem]) -> _Problems:
    return [(p.line, p.column, p.message, p.severity) for p in problems]


def _problems(rows: _Problems, where: str) -> list[Problem]:
    return [Problem(where, line, column, message, severity) for line, column, message, severity in rows]
