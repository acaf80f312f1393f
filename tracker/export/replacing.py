"""May an export be written over a file that is there?  Only when that file is an earlier tracker export of
its kind, and not one the plan names as evidence.

`tracker export html|csv -o FILE` and the dashboard's exports write through
support/atomicfile.write_output, which already keeps the plan, `.git` and files
of another kind; `export_check` is the check both give it, so that the rule has
this one home.  A file the plan names as an issue's deliverable (an access
review's CSV, a published docs/index.html) is kept and said to be evidence,
even when tracker made it: a report kept as evidence is the record of its day,
and a newer one does not replace it unless --force says so (git/evidence.py,
the session note's rule too; the dashboard does not ask).  Any other existing
file is kept unless it is an earlier export of the same kind: the CLI says to
add --force, the dashboard asks first.

How an earlier export is recognised, by how tracker starts each one; no user
text comes before these marks, so they sit at the same place whatever the plan:
- HTML: the report's `<meta name="generator" content="tracker export html">`,
  HTML's own way to say which program made a page, among its first lines (the
  doctype, charset and Content-Security-Policy lines before it).  Not the whole
  head: its policy and styles may change between versions, and an earlier
  version's report is still tracker's.  A page written by hand or by another
  tool does not carry tracker's name as its generator.
- CSV: a UTF-8 byte order mark, then the header row's first columns,
  `phase,id,title,status`, in tracker's order.  Not the whole header: a later
  version may add columns at the end, as `status --json` may add keys.  A
  spreadsheet's own CSV seldom starts with a BOM, never with these columns by
  chance.
Not a record of what tracker wrote (a cache entry): the cache is pruned, and an
export may come from another clone through git.  Not the bytes alone: the
report changes with every commit, and exporting again to the same file is the
normal way to refresh it (the same bytes are allowed all the same).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tracker.support.atomicfile import Kept, read_existing

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from tracker.plan import Loaded

_HEAD = 1024  # the generator's line ends about 300 bytes in, the CSV's header about 100
_MARKS = {
    "html": b'<meta name="generator" content="tracker export html">',
    "csv": "\ufeffphase,id,title,status,".encode(),
}


def export_check(
    kind: str, data: bytes, loaded: Callable[[], Loaded | None], allowed: bytes | None = None
) -> Callable[[Path], None]:
    """write_output's `check` for the `kind` export `data`: raises atomicfile.Kept for an existing file the plan
    names as a deliverable, or that is not an earlier `kind` export, unless its bytes are `data` or its content
    has the digest `allowed`.  `loaded` gives the plan, asked only for an existing file: the CLI's replayed
    export has not read it."""

    def check(real: Path) -> None:
        from tracker.git import keep_evidence

        head, digest, same = read_existing(real, data, _HEAD)
        keep_evidence(loaded(), real, digest, f"the {kind} export")
        if same or digest == allowed or _is_export(kind, head):
            return
        why = f"the file exists and is not an earlier tracker {kind} export (it starts with {_first_line(head)})"
        raise Kept(why, real, digest)

    return check


def _is_export(kind: str, head: bytes) -> bool:
    mark = _MARKS[kind]
    return head.startswith(mark) if kind == "csv" else mark in head


def _first_line(head: bytes) -> str:
    from tracker.support.textsafe import first_line_quoted

    return first_line_quoted(head.decode("utf-8", "replace").removeprefix("\ufeff"))
