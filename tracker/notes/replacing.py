"""May a session note be written over a file that is there?  Only when that file is the same session's note.

`tracker summary -o FILE` and the dashboard's export write through
support/atomicfile.write_output, which already keeps the plan, `.git` and files
of another kind; `note_check` is the check both give it for a note, so that
the rule has this one home.  Any other existing file (a signed policy, an
earlier session's committed note, a README) is kept: atomicfile.Kept, and the
CLI says to add --force, the dashboard asks first.  A file the plan names as an
issue's deliverable, its evidence, is said to be that, and the dashboard does
not even ask: only --force replaces it (git/evidence.py, the exports' rule
too).  A deliverable that is the same session's note (a plan may keep its
notes as evidence) is refreshed as any note.

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

from collections.abc import Callable
from pathlib import Path

from tracker.support.atomicfile import Kept, read_existing

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from tracker.plan import Loaded

_HEAD = 65536  # bytes in which a title is looked for: a note's front matter and title are a few hundred


def note_check(
    note: bytes, loaded: Callable[[], Loaded | None], allowed: bytes | None = None
) -> Callable[[Path], None]:
    """write_output's `check` for `note`: raises atomicfile.Kept for an existing file that is not the same
    session's note, unless its content has the digest `allowed`.  `loaded` gives the plan, asked only for a
    file kept: the CLI's replayed note has not read it."""

    def check(real: Path) -> None:
        from tracker.git import keep_evidence

        head, digest, same = read_existing(real, note, _HEAD)
        if same or digest == allowed:
            return
        title = _title(head)
        if title is not None and title == _title(note):
            return
        keep_evidence(loaded(), real, digest, "a session note")
        raise Kept(f"the file exists and is not this session's note ({_starts(head, note)})", real, digest)

    return check


def _after_front_matter(text: bytes) -> bytes | None:
    """The start of `text` (its first _HEAD bytes) after the front matter; None if the front matter is not
    closed."""
    from tracker.notes.place import front_matter_end

    head = text[:_HEAD]
    body = front_matter_end(head.decode("latin-1"))  # a character a byte: its offsets are the bytes'
    return None if body is None else head[body:]


def _body(text: bytes) -> list[bytes]:
    """The lines after the front matter (all of them if it has none, none if it is not closed), not blank,
    trailing spaces dropped."""
    after = _after_front_matter(text)
    return [] if after is None else [line for line in (line.rstrip() for line in after.split(b"\n")) if line]


def _title(text: bytes) -> tuple[bytes, bytes] | None:
    """The title that names a note's session: its heading and the line after it; None without a heading."""
    body = _body(text)
    if not body or not body[0].startswith(b"# "):
        return None
    return body[0], body[1] if len(body) > 1 else b""


def _starts(head: bytes, note: bytes) -> str:
    from tracker.support.textsafe import first_line_quoted

    def shown(text: bytes) -> str:
        after = _after_front_matter(text)
        return "nothing" if after is None else first_line_quoted(after.decode("utf-8", "replace"))

    return f"it starts with {shown(head)}, this note with {shown(note)}"
