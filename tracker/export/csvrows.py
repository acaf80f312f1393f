"""`tracker export csv`: one row per issue, for a spreadsheet.

A cell that holds a list (controls, tags, deliverables) has one item a line, so
each item is made one line first (textsafe.one_line, as the dashboard shows such
text): a path or tag holding a line break stays one item.

RFC 4180 (Python's csv writer: fields with a comma, quote or line break are
quoted, quotes doubled, CRLF between records), UTF-8 with a BOM so Excel reads
accents.  User text is data, never a formula: a cell that begins with `=`, `+`,
`-`, `@`, a tab or a carriage return gets a leading `'` (OWASP, "CSV injection"),
which spreadsheets show as text and do not evaluate.
"""

from __future__ import annotations

import csv
import io

from tracker.export.view import ExportView, last_commit
from tracker.support.textsafe import block, one_line

COLUMNS = (
    "phase",
    "id",
    "title",
    "status",
    "progress",
    "owner",
    "due",
    "controls",
    "tags",
    "deliverables",
    "last commit",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(view: ExportView) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for phase in view.report["phases"]:
        for issue in phase["issues"]:
            writer.writerow([neutral(cell) for cell in _row(view, phase, issue)])
    # A path's bytes that are not UTF-8 reach here as \xNN already (git/links.py); "replace" is the last guard.
    return out.getvalue().encode("utf-8-sig", "replace")


def neutral(value: object) -> str:
    """The cell's text, with control characters dropped and a leading `'` if a spreadsheet would take it as a formula."""
    text = block(str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row(view: ExportView, phase: dict, issue: dict) -> list[object]:
    commit = last_commit(issue, view.moment)
    return [
        phase["id"],
        issue["id"],
        issue["title"],
        view.label(issue["status"]),
        f"{issue['progress']}%",
        issue["owner"] or "",
        issue["due"] or "",
        _items(issue["controls"]),
        _items(issue["tags"]),
        "\n".join(line for d in issue["deliverables"] for line in _deliverable_lines(d)),
        _commit(commit) if commit else "",
    ]


def _items(values: list[str]) -> str:
    return "\n".join(one_line(value) for value in values)


def _deliverable_lines(deliverable: dict):
    git = deliverable["git"]
    yield f"{one_line(deliverable['path'])} ({_state(git)})"
    for match in git.get("matches", ()):
        yield f"  {one_line(match['path'])} ({_state(match)})"


def _state(git: dict) -> str:
    if git.get("kind") in ("folder", "pattern"):
        return f"{git['kind']}, {len(git.get('matches', ()))} files"
    return f"{git['state']}, blob {git['blob']}" if git.get("blob") else git["state"]


def _commit(commit: dict) -> str:
    return f"{commit['sha']} {commit['date'][:10]} {commit['author']}: {commit['subject']}"
