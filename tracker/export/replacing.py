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
- CSV: its header row, the exact columns tracker writes (csvrows.COLUMNS), read
  as a CSV record (quoted or not), with or without a UTF-8 byte order mark and
  whatever its line end.  Not the BOM or the CRLF tracker writes: a spreadsheet
  that opened the export and saved it again (the usual way to look at one) often
  drops the BOM and writes LF, and that file is still the export.  The whole
  header, not its first columns: a CSV of one's own that starts with
  `phase,id,title,status` and goes on with other columns is someone's work.
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
_GENERATOR = b'<meta name="generator" content="tracker export html">'


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
    return _GENERATOR in head if kind == "html" else _is_csv_export(head)


def _is_csv_export(head: bytes) -> bool:
    import csv
    import io

    from tracker.export.csvrows import COLUMNS

    # Python's csv reader ends a record at CRLF, LF or CR alike and reads a quoted header as a bare one.
    text = head.decode("utf-8", "replace").removeprefix("\ufeff")
    return next(csv.reader(io.StringIO(text, newline="")), None) == list(COLUMNS)


def _first_line(head: bytes) -> str:
    from tracker.support.textsafe import first_line_quoted

    return first_line_quoted(head.decode("utf-8", "replace").removeprefix("\ufeff"))
