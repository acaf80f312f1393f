"""The parse cache: a plan is parsed once per content, not once per command.

Reading YAML is the slow part of every command on a large plan (seconds for
10,000 issues); decoding the same model from msgpack takes a tenth of that.
So the loaded model, with its problems and the `at` positions the writer and
messages need, is kept in the user's cache folder under a name made from the
file's SHA-256 and the code that read it.  A changed file has another hash,
and a new tracker (or an edited loader) another code key, so neither can meet
a stale entry.

An entry is data (msgpack, decoded into the model's own types with their
checks), never pickle: a file planted in the cache folder cannot run code.
Whatever goes wrong with the cache — no folder, a read-only one, a truncated,
corrupt or foreign entry — only means the plan is parsed again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

import msgspec

from tracker.plan.model import Project
from tracker.plan.problems import Problem
from tracker.support.cachefiles import cache_dir, code_key, read_entry, write_entry
from tracker.support.memory import no_cycle_scans

FORMAT = "tracker plan cache 1"
KEEP = 8  # entries kept: a few plans, or the last few versions of one
# The parts whose code decides what a plan loads to; editing any module of them changes the key.
LOADER_PARTS = ("plan", "support")


class _Entry(msgspec.Struct, array_like=True):
    format: str
    code: str
    digest: str
    project: Project
    problems: list[tuple[int | None, int | None, str, Literal["error", "warning"]]]


def entry_path(digest: str, code: str | None = None) -> Path:
    name = hashlib.sha256(f"{FORMAT}\0{code or code_key(*LOADER_PARTS)}\0{digest}".encode()).hexdigest()[:40]
    return cache_dir() / f"plan-{name}.msgpack"


def lookup(digest: str, where: str) -> tuple[Project, list[Problem]] | None:
    """The cached model and problems of the file whose bytes hash to `digest`, or None."""
    code = code_key(*LOADER_PARTS)
    file = entry_path(digest, code)
    # As in the loader: a model is hundreds of thousands of objects, none in a cycle.
    try:
        with no_cycle_scans():
            data = read_entry(file)
            entry = msgspec.msgpack.decode(data, type=_Entry) if data is not None else None
    except (OSError, ValueError, RecursionError, msgspec.MsgspecError):
        return None
    # The name is a hash of these; an entry that says otherwise was copied or forged.
    if entry is None or entry.format != FORMAT or entry.code != code or entry.digest != digest:
        return None
    return entry.project, [
        Problem(where, line, column, message, severity) for line, column, message, severity in entry.problems
    ]


def store(digest: str, project: Project, problems: list[Problem], plan: Path | None = None) -> None:
    """Keep the model for the next command; a cache that cannot be written is skipped silently.

    `plan`: the file it was read from, which the cache folder then counts among the plans it serves.
    """
    code = code_key(*LOADER_PARTS)
    file = entry_path(digest, code)
    entry = _Entry(FORMAT, code, digest, project, [(p.line, p.column, p.message, p.severity) for p in problems])
    write_entry(file, msgspec.msgpack.encode(entry), KEEP, serves=plan)
