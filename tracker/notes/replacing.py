"""May a session note be written over a file that is there?  Only when that file is the same session's note.

`tracker summary -o FILE` and the dashboard's export write through
support/atomicfile.write_output, which already keeps the plan, `.git` and files
of another kind; `note_check` is the check both give it for a note, so that
the rule has this one home.  Any other existing file (a signed policy, an
earlier session's committed note, a README) is kept: NotThisNote, and the CLI
says to add --force, the dashboard asks first.  A file the plan names as an
issue's deliverable, its evidence, is said to be that, and the dashboard does
not even ask: only --force replaces it.  A deliverable that is the same
session's note (a plan may keep its notes as evidence) is refreshed as any note.

How "the same session's note" is recognised: its bytes are the note's (a
closed session's note is the same bytes whenever it is made, whatever the
template), or it starts with the note's title: the first line after the front
matter, a level-1 heading, and the first line that is not blank after it,
trailing spaces aside.  The shipped template's title names the session (its
day, and "(session N)" for a day's second on, which a later session never
changes: place.number_of_day), and the line after it the project, so another
session's note, another plan's, or a document written by hand differs there.
Not the bytes alone: an open session's note changes at every run (the work
tree, "still open", today's overdue items), and making it again over its own
file is the normal way to refresh it.  Not the front matter, which can be
switched on or off between two runs.  Not a mark of tracker's own in the note:
the note is the user's document in the reference layout, and a mark would not
tell sessions apart.  Not a record of what tracker wrote (a cache entry): the
cache is pruned, and a note may come from another clone through git.  A note
of a template whose first line is no heading is only written over its own
bytes.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

from tracker.support.atomicfile import Refused

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from tracker.plan import Loaded

_HEAD = 65536  # bytes in which a title is looked for: a note's front matter and title are a few hundred
_CHUNK = 1 << 20
_SHOWN = 60  # characters of a title quoted in the refusal


class NotThisNote(Refused):
    """An existing file kept from a session note.  `evidence`: where the plan names it as an issue's deliverable,
    if it does (no question is enough then); `seen`: a digest of its content, which a yes to the dashboard's
    question allows replacing, and nothing else (the file may change while the question is asked)."""

    def __init__(self, why: str, path: Path, seen: bytes, evidence: str | None):
        super().__init__(errno.EEXIST, f"{why}; choose another file", str(path))
        self.why = why
        self.seen = seen
        self.evidence = evidence


def note_check(
    note: bytes, loaded: Callable[[], Loaded | None], allowed: bytes | None = None
) -> Callable[[Path], None]:
    """write_output's `check` for `note`: raises NotThisNote for an existing file that is not the same session's
    note, unless its content has the digest `allowed`.  `loaded` gives the plan, asked only for a file kept: the
    CLI's replayed note has not read it."""

    def check(real: Path) -> None:
        head, digest, same = _read(real, note)
        if same or digest == allowed:
            return
        title = _title(head)
        if title is not None and title == _title(note):
            return
        evidence = _evidence(loaded(), real)
        if evidence is not None:
            why = f"the plan names this file as evidence ({evidence}): a session note does not replace it"
        else:
            why = f"the file exists and is not this session's note ({_starts(head, note)})"
        raise NotThisNote(why, real, digest, evidence)

    return check


def _read(real: Path, note: bytes) -> tuple[bytes, bytes, bool]:
    """The file's first _HEAD bytes, the digest of all of it, and whether it is `note`'s bytes."""
    import hashlib

    digest = hashlib.sha256()
    head = b""
    at = 0
    with open(real, "rb") as file:
        same = os.fstat(file.fileno()).st_size == len(note)
        while chunk := file.read(_CHUNK):
            head = head or chunk[:_HEAD]
            same = same and chunk == note[at : at + len(chunk)]
            at += len(chunk)
            digest.update(chunk)
    return head, digest.digest(), same and at == len(note)


def _body(text: bytes) -> list[bytes]:
    """The lines after the front matter (all of them if it has none, none if it is not closed), not blank,
    trailing spaces dropped."""
    lines = [line.rstrip() for line in text[:_HEAD].split(b"\n")]
    if lines[0] == b"---":
        end = next((n for n in range(1, len(lines)) if lines[n] == b"---"), None)
        lines = [] if end is None else lines[end + 1 :]
    return [line for line in lines if line]


def _title(text: bytes) -> tuple[bytes, bytes] | None:
    """The title that names a note's session: its heading and the line after it; None without a heading."""
    body = _body(text)
    if not body or not body[0].startswith(b"# "):
        return None
    return body[0], body[1] if len(body) > 1 else b""


def _starts(head: bytes, note: bytes) -> str:
    from tracker.support.textsafe import ellipsize, one_line

    def shown(text: bytes) -> str:
        body = _body(text)
        return f"'{ellipsize(one_line(body[0].decode('utf-8', 'replace')), _SHOWN)}'" if body else "nothing"

    return f"it starts with {shown(head)}, this note with {shown(note)}"


def _evidence(loaded: Loaded | None, real: Path) -> str | None:
    """'the deliverable of issue #N (plan:line:column)' if the plan names `real` as one: its path, a folder
    holding it, a pattern matching it, or a symlink to it."""
    from tracker.git import work_tree
    from tracker.plan import glob_regex, is_glob, normalize, unsafe_reason

    project = loaded.project if loaded is not None else None
    if loaded is None or project is None:
        return None
    root = os.path.realpath(work_tree(loaded.path, project.repo))
    path = os.path.relpath(real, root).replace(os.sep, "/")
    if path == ".." or path.startswith("../"):
        return None  # outside the repository: no plan path names it
    for phase in project.phases:
        for issue in phase.issues:
            for deliverable in issue.deliverables:
                named = normalize(deliverable.path)
                if unsafe_reason(deliverable.path) is None and (
                    named == path
                    or path.startswith(named + "/")
                    or (glob_regex(named).match(path) if is_glob(named) else _leads_to(root, named, real))
                ):
                    line, column = deliverable.where("path")
                    return f"the deliverable of issue #{issue.id}, {loaded.path}:{line}:{column}"
    return None


def _leads_to(root: str, named: str, real: Path) -> bool:
    return os.path.realpath(os.path.join(root, named)) == str(real)
