"""`tracker status --files` for people: every path the plan names, with its git state.

One row per deliverable, issue file and step file, under its issue; the files a
folder or pattern stands for are listed under it.  `!` marks a deliverable
marked done whose file is missing, not committed as it is, or unsafe to read.
"""

from __future__ import annotations

import datetime

from tracker import git
from tracker.git import FileLink, Links, deliverable_drift
from tracker.plan import Project
from tracker.support.figures import line_count
from tracker.support.textsafe import ellipsize, ellipsize_middle, one_line

PATH_WIDTH = 48  # the path column at least this wide when piped; paths longer than it widen it
MIN_PATH = 12  # in a narrow terminal the path keeps this much, and the last commit goes first
DRIFT_MARK = "!"


def repo_line(links: Links) -> str:
    repo = links.repo
    if not repo.usable:
        return f"git: not available ({one_line(repo.message or 'no repository')})"
    where = "detached HEAD" if repo.detached else one_line(repo.branch or "?")
    head = repo.head[:7] if repo.head else "no commits yet"
    line = f"git: {where} @ {head}, {repo.changed} changed, {repo.untracked} untracked"
    line += " (shallow clone)" if repo.shallow else ""
    return line + (f" ({repo.ignored_note})" if repo.ignored else "")


def render_files(project: Project, links: Links, width: int | None = None) -> str:
    """The listing; with `width` (a terminal's), no line is longer: paths lose their middle, commits their end."""
    rows: list[tuple[str, str, str, FileLink] | str] = []
    for _, issue in project.issues():
        rows.append(f"#{one_line(str(issue.id))} {one_line(issue.title)} ({project.label(issue.status)})")
        for deliverable in issue.deliverables:
            link = links.get(deliverable.path)
            drift = deliverable_drift(project, issue, deliverable, link)
            rows.append((DRIFT_MARK if drift else "", "deliverable", deliverable.path, link))
        rows.extend(("", "file", path, links.get(path)) for path in issue.files)
        for step in issue.steps:
            rows.extend(("", "step file", path, links.get(path)) for path in step.files)
    for session in project.sessions:
        paths = [path for item in session.accomplished for path in item.files]
        if paths:
            rows.append(f"Session {session.date}")
            rows.extend(("", "session file", path, links.get(path)) for path in paths)
    entries: list[tuple[str, str, str, FileLink] | str] = []
    for row in rows:
        if isinstance(row, str):
            entries.append(row)
            continue
        mark, kind, path, link = row
        entries.append((mark, kind, one_line(path), link))
        entries.extend(("", "", "  " + one_line(member.path), member) for member in link.matches)
    lengths = [len(entry[2]) for entry in entries if not isinstance(entry, str)]
    path_width = max([PATH_WIDTH, *lengths])
    if width is not None:
        path_width = max(MIN_PATH, min(max(lengths, default=0), width - _FIXED))
    lines = [one_line(project.project), repo_line(links), ""]
    for entry in entries:
        lines.append(entry if isinstance(entry, str) else _row(*entry, path_width, width))
    if any(not isinstance(entry, str) and entry[0] for entry in entries):
        lines += ["", f"{DRIFT_MARK} marked done, but the file is missing, not committed as it is, or unsafe to read"]
    if width is not None:
        lines = [ellipsize(line, width) for line in lines]
    return "\n".join(lines) + "\n"


_FIXED = 2 + 1 + 1 + 12 + 1 + 1 + 9 + 1 + 11  # a row's width besides its path and last commit (see _row)


def _row(mark: str, kind: str, path: str, link: FileLink, path_width: int, width: int | None) -> str:
    lines = "" if link.lines is None else line_count(link.lines)
    commit = link.last_commit
    last = (
        (
            f"{commit.sha} {commit.date[:10]} {ellipsize(one_line(commit.author), 20)}: "
            f"{ellipsize(one_line(commit.subject), 50)}"
        )
        if commit
        else ""
    )
    if link.note:
        last += f"  ({one_line(link.note)})"
    shown = ellipsize_middle(path, path_width)
    text = "  " + f"{mark:1} {kind:<12} {shown:<{path_width}} {link.state:<9} {lines:>11}"
    if last:
        room = None if width is None else width - len(text) - 2
        if room is None or room >= 12:
            text += "  " + (last if room is None else ellipsize(last, room))
    return text.rstrip()


def attention_lines(project: Project, links: Links, today: datetime.date) -> str:
    """For plain `tracker status`: a line per thing git.attention finds (every kind, as the HTML report's
    Needs attention and `validate --strict` have them): an overdue issue, an issue marked done with steps not
    done, a deliverable marked done that git does not back, a stale piece of evidence."""
    out = []
    drifted = False
    for item in git.attention(project, links, today):
        issue, deliverable = item.issue, item.deliverable
        head = f"{DRIFT_MARK} #{one_line(str(issue.id))}"
        if item.kind == "overdue":
            owner = f", owner {one_line(issue.owner)}" if issue.owner else ""
            out.append(f"{head} overdue: due {issue.due}{owner}")
        elif item.kind == "drift" and deliverable is not None:
            drifted = True
            out.append(f"{head} {one_line(deliverable.path)}: {item.marked}")
        elif item.kind == "open-steps":
            out.append(f"{head} {item.marked}")
        elif item.freshness is not None and deliverable is not None:
            out.append(
                f"{head} {one_line(deliverable.path)}: stale: last reviewed {item.freshness.reviewed}, "
                f"review due {item.freshness.review_due}"
            )
    if drifted:
        out.append("  (tracker status --files shows every file with its git state)")
    return "\n" + "\n".join(out) + "\n" if out else ""
