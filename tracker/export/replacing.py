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
  as a CSV record (quoted or not), with or without a UTF-8 byte order mark,
  whatever its line end, and separated by commas, semicolons or tabs.  Not the
  BOM, the CRLF or the commas tracker writes: a spreadsheet that opened the
  export and saved it again (the usual way to look at one) often drops the BOM
  and writes LF, and where the comma is the decimal mark (Excel in most of
  Europe) it separates cells with semicolons; that file is still the export.
  The whole header, not its first columns: a CSV of one's own that starts with
  `phase,id,title,status` and goes on with other columns is someone's work.  A
  CSV kept is said at the first cell of its header that is not tracker's.
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
        if same or digest == allowed:
            return
        if kind == "html":
            if _GENERATOR in head:
                return
            why, at = f"it starts with {_first_line(head)}", None
        else:
            departure = _csv_departure(head)
            if departure is None:
                return
            why, at = departure
        raise Kept(f"the file exists and is not an earlier tracker {kind} export ({why})", real, digest, at=at)

    return check


# A comma, as tracker writes; a semicolon, as a spreadsheet saves CSV where the comma is the decimal mark; a tab.
_SEPARATORS = ",;\t"


def _csv_departure(head: bytes) -> tuple[str, tuple[int, int] | None] | None:
    """None if `head` starts with tracker's CSV header, cells separated by any of _SEPARATORS; else what shows it
    is not, and where (line, column): the first cell of its header that is not tracker's column, read with the
    separator that reads most of tracker's columns (a comma if none does)."""
    import csv
    import io

    from tracker.export.csvrows import COLUMNS

    # Python's csv reader ends a record at CRLF, LF or CR alike and reads a quoted header as a bare one.
    text = head.decode("utf-8", "replace").removeprefix("\ufeff")
    readings = [(next(csv.reader(io.StringIO(text, newline=""), delimiter=sep), []), sep) for sep in _SEPARATORS]
    if any(cells == list(COLUMNS) for cells, _ in readings):
        return None
    cells, separator = max(readings, key=lambda reading: (_agreeing(reading[0]), len(reading[0])))
    if not cells:
        return f"it starts with {_first_line(head)}", None
    agree = _agreeing(cells)
    places = _cell_places(text, separator)
    if agree == len(cells):
        why = f"its header ends after '{COLUMNS[agree - 1]}' where tracker's goes on with '{COLUMNS[agree]}'"
    elif agree == len(COLUMNS):
        why = f"its header goes on past tracker's last column, '{COLUMNS[-1]}', with {_quoted(cells[agree])}"
    else:
        why = f"its header has {_quoted(cells[agree])} where tracker's has '{COLUMNS[agree]}'"
    return why, places[agree]  # the cell that departs, or the record's end


def _agreeing(cells: list[str]) -> int:
    """How many of `cells` are tracker's columns, from the first."""
    from tracker.export.csvrows import COLUMNS

    return next(
        (at for at, column in enumerate(COLUMNS[: len(cells)]) if cells[at] != column), min(len(cells), len(COLUMNS))
    )


def _cell_places(text: str, separator: str) -> list[tuple[int, int]]:
    """Where each cell of `text`'s first CSV record starts, then where the record ends: (line, column), from 1,
    columns in characters.  A cell as Python's csv reader reads one: a quoted part (a doubled quote within it is
    one quote) and then anything up to the separator or a line end, where a quote is just a quote."""
    import re

    cell = re.compile(f'(?:"(?:[^"]|"")*"?)?[^{re.escape(separator)}\r\n]*')
    starts = [0]
    end = cell.match(text).end()  # type: ignore[union-attr]  # the pattern matches the empty text too
    while text.startswith(separator, end):
        starts.append(end + 1)
        end = cell.match(text, end + 1).end()  # type: ignore[union-attr]
    return [_line_and_column(text, at) for at in [*starts, end]]


def _line_and_column(text: str, at: int) -> tuple[int, int]:
    import re

    breaks = list(re.finditer(r"\r\n|\r|\n", text[:at]))
    return len(breaks) + 1, at - (breaks[-1].end() if breaks else 0) + 1


def _quoted(cell: str) -> str:
    from tracker.support.textsafe import ellipsize, one_line

    return f"'{ellipsize(one_line(cell), 40)}'"


def _first_line(head: bytes) -> str:
    from tracker.support.textsafe import first_line_quoted

    return first_line_quoted(head.decode("utf-8", "replace").removeprefix("\ufeff"))
