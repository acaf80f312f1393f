"""Where a session's note is kept and how it starts: the plan's `notes:` settings.

The folder is relative to the repository's root (the seed kept its notes in
the repository); the file is named after the session."""

from __future__ import annotations

from pathlib import Path

from tracker.plan import Loaded, Project


def front_matter(project: Project) -> bool:
    """Whether a note starts with its front matter block: the plan's `notes: front_matter:`, else yes."""
    return project.notes.front_matter if project.notes is not None else True


def note_name(loaded: Loaded, session: str | None = None) -> str:
    """SESSION_SUMMARY_<date>.md, with -N for the Nth of several sessions on one day (DATE#N)."""
    project = loaded.project
    index = project.session_index(session) if project is not None else None
    if project is None or index is None:
        return "SESSION_SUMMARY.md"
    return f"SESSION_SUMMARY_{project.session_name(index).replace('#', '-')}.md"


def note_path(loaded: Loaded, session: str | None = None) -> Path:
    """The note's file in the plan's notes folder; without one, its bare name (the current folder)."""
    from tracker.git import work_tree

    name = note_name(loaded, session)
    project = loaded.project
    if project is None or project.notes is None or not project.notes.folder:
        return Path(name)
    return work_tree(loaded.path, project.repo) / project.notes.folder / name
