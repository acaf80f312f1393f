"""The writer, the only way from the model back to the text: one change at a time, edited in place,
checked, locked and replaced atomically."""

from tracker.support import faces

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from tracker.edit.commands import left_open_warning
    from tracker.edit.merge import Merged, merge_plans
    from tracker.edit.newplan import render
    from tracker.edit.oscal import NewPlan, OscalError, read_oscal
    from tracker.edit.sessions import (
        SessionWrite,
        end_session,
        left_out_of_note,
        session_to_end,
        start_session,
        uncommitted_work,
    )
    from tracker.edit.starter import (
        TEMPLATES,
        StartRefused,
        add_git_lines,
        git_lines,
        template_text,
        write_plan,
    )
    from tracker.edit.writer import (
        RUN_AGAIN,
        AddDeliverable,
        AddIssue,
        AddPhase,
        AddStep,
        AppendSession,
        EndSession,
        Interrupted,
        NeedWhole,
        SetDeliverableReviewed,
        SetDeliverableStatus,
        SetIssueField,
        SetIssueStatus,
        SetStepStatus,
        WriteRefused,
        apply,
        refuse_unmerged,
        summary,
    )

__getattr__ = faces.lazy(__name__, __file__)
