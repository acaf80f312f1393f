"""The report's two big tables, a row per issue and per deliverable, built in Python.

A 10,000-issue plan makes a million cells; through the template they cost
seconds (a generator step and a lookup per value), here a tenth of that.  Every
value goes through markupsafe's `escape`, the function Jinja2's autoescape
calls, so the rows are as safe as the rest of the page; the result is Markup,
which the template writes as it is.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from tracker.export.view import ExportView, last_commit
from tracker.git import timeline
from tracker.plan import Freshness

_SPECIAL = re.compile("[&<>\"']")


def esc(value: object) -> str:
    """markupsafe's `escape` of the value's text, skipped when the text has nothing to escape (most cells):
    building a Markup for each of a million cells is most of the page's time."""
    text = str(value)
    return escape(text) if _SPECIAL.search(text) else text


def bar(pct: int, size: str = "bar") -> Markup:
    """A progress bar as inline SVG: the track, and the filled share (green when done)."""
    fill = "fill done" if pct == 100 else "fill"
    return Markup(
        f'<svg class="{size}" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label="{pct}%">'
        f'<rect class="track" width="100" height="8"/><rect class="{fill}" width="{pct}" height="8"/></svg>'
    )


def issue_rows(view: ExportView, phase: dict, overdue: set[str]) -> Markup:
    out = []
    for issue in phase["issues"]:
        ident = esc(issue["id"])
        summary = f'<br><span class="summary">{esc(issue["summary"])}</span>' if issue["summary"] else ""
        steps = "".join(
            f'<li class="{esc(step["status"])}">{"☑" if step["status"] == "done" else "☐"} {esc(step["title"])}'
            + (f' <span class="none">({esc(step["estimate"])})</span>' if step["estimate"] else "")
            + "</li>"
            for step in issue["steps"]
        )
        out.append(
            f'<tr class="issue" id="issue-{ident}"><td>{ident}</td>'
            f'<td><span class="title">{esc(issue["title"])}</span>{summary}</td>'
            f"<td>{esc(view.label(issue['status']))}</td>"
            f'<td class="pct">{bar(issue["progress"])} {issue["progress"]}%</td>'
            f"<td>{esc(issue['owner'] or '')}</td>"
            f"<td{_due_class(issue, overdue)}>{esc(issue['due'] or '')}</td>"
            f"<td>{'<br>'.join(f'<code>{esc(c)}</code>' for c in issue['controls'])}</td>"
            f"<td>{f'<ul class=steps>{steps}</ul>' if steps else ''}</td>"
            f"<td>{_commit(last_commit(issue, view.moment))}</td></tr>\n"
        )
    return Markup("".join(out))


def _due_class(issue: dict, overdue: set[str]) -> str:
    return ' class="overdue"' if str(issue["id"]) in overdue else ""


def evidence_rows(view: ExportView) -> Markup:
    out = []
    for phase in view.report["phases"]:
        for issue in phase["issues"]:
            for d in issue["deliverables"]:
                git = d["git"]
                purpose = f'<br><span class="summary">{esc(d["purpose"])}</span>' if d["purpose"] else ""
                out.append(
                    f"<tr><td>#{esc(issue['id'])}</td><td><code>{esc(d['path'])}</code>{purpose}</td>"
                    f"<td>{esc(view.label(d['status']))}</td>{_git_cells(git)}{_review_cell(d)}</tr>\n"
                )
                for match in git.get("matches", ()):
                    out.append(
                        f'<tr class="match"><td></td><td><code>{esc(match["path"])}</code></td><td></td>'
                        f"{_git_cells(match)}<td></td></tr>\n"
                    )
    return Markup("".join(out))


def _git_cells(git: dict) -> str:
    state = esc(git["state"])
    lines = "" if git["lines"] is None else str(git["lines"])
    blob = f'<code class="blob">{esc(git["blob"])}</code>' if git.get("blob") else ""
    if blob and git["state"] != "committed" and git.get("kind", "file") == "file":
        # The count is the work tree's and the blob HEAD's (as status --json has them): for a file not
        # committed as it is they are two contents, so each says whose it is.
        lines += ' <span class="summary">in the work tree</span>' if lines else ""
        blob += '<br><span class="summary">at HEAD; the work tree differs</span>'
    return (
        f'<td class="state {state}">{state}</td><td class="num">{lines}</td>'
        f"<td>{_commit(git['last_commit'])}</td><td>{blob}</td>"
    )


def _review_cell(deliverable: dict) -> str:
    """When the evidence was last reviewed and is next due, as the dashboard's detail says it; stale marked."""
    fresh = Freshness(deliverable["reviewed"], deliverable["review_due"], deliverable["stale"])
    if fresh.stale:
        return f'<td class="stale"><strong>stale</strong> · {esc(fresh.words())}</td>'
    return f"<td>{esc(fresh.words())}</td>"


def _commit(commit: dict | None) -> str:
    if commit is None:
        return '<span class="none">none</span>'
    return (
        f"<code>{esc(commit['sha'])}</code> {esc(commit['date'][:10])} "
        f"{esc(commit['author'])}: {esc(commit['subject'])}"
    )


def history_chart(rows: list) -> Markup:
    """Progress at each commit that changed the plan as an inline SVG step line: days across, 0-100% up."""
    # A version with no issues has no percent: it is left off the line, as the dashboard's chart leaves it blank.
    points = [(day, found.percent) for day, found in timeline(rows) if found.percent is not None]
    if not points:
        return Markup('<p class="none">No version of the plan in its git history loads with an issue to measure.</p>')
    width, height, left, top = 720, 160, 44, 10
    first, last = points[0][0], points[-1][0]
    span = (last - first).days or 1

    def x(day) -> float:
        return round(left + (day - first).days / span * (width - left - 10), 1)

    def y(pct: int) -> float:
        return round(top + (100 - pct) / 100 * (height - top - 24), 1)

    path = []
    for index, (day, pct) in enumerate(points):
        if index:
            path.append(f"{x(day)},{y(points[index - 1][1])}")  # flat until the commit that changed it
        path.append(f"{x(day)},{y(pct)}")
    grid = "".join(
        f'<line class="grid" x1="{left}" x2="{width - 10}" y1="{y(p)}" y2="{y(p)}"/>'
        f'<text class="axis" x="{left - 6}" y="{y(p) + 4}" text-anchor="end">{p}%</text>'
        for p in (0, 50, 100)
    )
    dots = "".join(f'<circle class="point" cx="{x(day)}" cy="{y(pct)}" r="2.5"/>' for day, pct in points)
    return Markup(
        f'<svg class="history" viewBox="0 0 {width} {height}" role="img" aria-label="progress over time">{grid}'
        f'<polyline class="line" points="{" ".join(path)}"/>{dots}'
        f'<text class="axis" x="{left}" y="{height - 6}">{first}</text>'
        f'<text class="axis" x="{width - 10}" y="{height - 6}" text-anchor="end">{last}</text></svg>'
    )
