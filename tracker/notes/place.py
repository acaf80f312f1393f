"""Where a session's note is kept and how it starts: the plan's `notes:` settings.

The folder is relative to the repository's root (the seed kept its notes in
the repository); the file is named after the session."""

from __future__ import annotations

from pathlib import Path

from tracker.plan import Loaded, Project, day_number


def front_matter(project: Project) -> bool:
    """Whether a note starts with its front matter block: the plan's `notes: front_matter:`, else yes."""
    return project.notes.front_matter if project.notes is not None else True


def front_matter_end(text: str) -> int | None:
    """Where the body of `text` starts after the front matter block it opens with: 0 when it opens with none,
    None when the block is not closed.  The block opens and closes with a `---` line, trailing white space
    aside (only ASCII's, so that text decoded as Latin-1 from bytes is read as bytes.rstrip() would)."""
    start = 0
    while True:
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if line.rstrip(" \t\r\v\f") == "---":
            if start:
                return len(text) if end < 0 else end + 1
        elif not start:
            return 0
        if end < 0:
            return None
        start = end + 1


def number_of_day(project: Project, index: int) -> int:
    """The number the note of the session at `index` carries (plan.day_number): 0 for the day's first."""
    return day_number([session.date for session in project.sessions], index)


def note_name(loaded: Loaded, session: str | None = None) -> str:
    """SESSION_SUMMARY_<date>.md, with -N for the day's Nth session from the second on."""
    project = loaded.project
    index = project.session_index(session) if project is not None else None
    if project is None or index is None:
        return "SESSION_SUMMARY.md"
    number = number_of_day(project, index)
    return f"SESSION_SUMMARY_{project.sessions[index].date}{f'-{number}' if number else ''}.md"


def note_place(loaded: Loaded, session: str | None = None) -> tuple[Path, str | None]:
    """The note's file in the plan's notes folder; without one, its bare name (the current folder).  A folder
    that a symlink on disk leads outside the repository or into `.git` is passed over for the bare name, and
    why is given (`path:line:column: error: ...`, as `validate` says it).  One whose text leaves the repository
    is a load error, and a plan with errors is not summarised."""
    from tracker.git import notes_folder_problem, work_tree

    name = note_name(loaded, session)
    project = loaded.project
    if project is None or project.notes is None or not project.notes.folder:
        return Path(name), None
    root = work_tree(loaded.path, project.repo)
    refused = notes_folder_problem(project, root, str(loaded.path))
    if refused is not None:
        return Path(name), str(refused)
    return root / project.notes.folder / name, None
