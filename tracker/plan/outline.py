"""A plan's outline: its head and each phase's figures, kept apart from the parse cache's model.

The dashboard's first frame on a plan too big to open its phases (every phase closed) shows the
project's name and percent, and for each phase its id, title, percent, status and issue count:
never an issue.  Decoding the cached model takes most of that frame at 100,000 issues (0.25 s of
0.6), so the figures the frame needs are kept here once the dashboard has shown the whole plan,
and the next dashboard on the same bytes draws its first frame from them while the model is
decoded after it.

An outline is a cache entry named, as the parse cache's, from the plan's SHA-256 and the code
that read it (the figures are progress.py's, which that code key covers): it can only be of
those very bytes read by this very code, so it says what the whole model would.  It is kept only
for a plan that loads without errors.
"""

from __future__ import annotations

import msgspec

from tracker.plan import progress
from tracker.plan.model import Phase, Project, head_only
from tracker.plan.parsecache import LOADER_PARTS, entry_path
from tracker.support.cachefiles import code_key, read_entry, used, write_entry

FORMAT = "tracker plan outline 1"
KEEP = 8  # outlines kept: as many as the parse cache's whole entries


class PhaseFigures(msgspec.Struct, array_like=True, frozen=True):
    """What the dashboard shows of a phase without its issues."""

    issues: int
    done: int  # issues in a done status
    percent: int | None
    status: str  # its own, else derived from its issues (progress.phase_status)


def phase_figures(project: Project, phase: Phase) -> PhaseFigures:
    """The figures of `phase`, a phase of `project`, from its issues: the one rule for them."""
    return PhaseFigures(
        len(phase.issues),
        progress.phase_done(project, phase),
        progress.phase_percent(project, phase),
        progress.phase_status(project, phase),
    )


class Outline(msgspec.Struct, array_like=True):
    format: str
    code: str
    digest: str  # of the plan's bytes
    head: Project  # every phase's issues taken out
    phases: list[PhaseFigures]  # in the order of the head's phases
    percent: int | None  # the project's


class Outlined:
    """An outline read back: the plan's head (phases with no issues) and the figures of each phase."""

    __slots__ = ("digest", "figures", "percent", "project")

    def __init__(self, digest: str, project: Project, figures: list[PhaseFigures], percent: int | None):
        self.digest = digest
        self.project = project
        self.figures = figures
        self.percent = percent

    @property
    def issues(self) -> int:
        return sum(figures.issues for figures in self.figures)

    def of(self, phase: Phase) -> PhaseFigures:
        """The figures of `phase`, one of `project`'s phases."""
        for own, figures in zip(self.project.phases, self.figures, strict=True):
            if own is phase:
                return figures
        raise LookupError("not a phase of this outline")


def _path(digest: str, code: str):
    return entry_path(digest, code, "planoutline")


def has_outline(digest: str) -> bool:
    return _path(digest, code_key(*LOADER_PARTS)).exists()


def keep_outline(digest: str, project: Project) -> None:
    """Keep the outline of `project`, the plan whose bytes hash to `digest` and load without errors."""
    code = code_key(*LOADER_PARTS)
    outline = Outline(
        FORMAT,
        code,
        digest,
        head_only(project),
        [phase_figures(project, phase) for phase in project.phases],
        progress.project_percent(project),
    )
    write_entry(_path(digest, code), msgspec.msgpack.encode(outline), KEEP)


def read_outline(digest: str) -> Outlined | None:
    """The outline kept for the plan whose bytes hash to `digest`; None when there is none, or it is not sound."""
    code = code_key(*LOADER_PARTS)
    file = _path(digest, code)
    data = read_entry(file)
    if data is None:
        return None
    try:
        outline = msgspec.msgpack.decode(data, type=Outline)
    except (ValueError, RecursionError, msgspec.MsgspecError):
        return None
    if (
        outline.format != FORMAT
        or outline.code != code
        or outline.digest != digest
        or len(outline.phases) != len(outline.head.phases)
        or any(phase.issues for phase in outline.head.phases)
    ):
        return None
    used(file)
    return Outlined(digest, outline.head, outline.phases, outline.percent)
