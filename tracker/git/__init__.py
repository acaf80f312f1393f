"""Git, through one door: the work tree of a plan, each path's state, line count and last commit
(the links), drift (done in the plan, denied by the repository), and the plan's progress over time
read from its own history, with a forecast of the finish."""

from tracker.support import faces

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from tracker.git.ahead import Ahead
    from tracker.git.attention import (
        KINDS,
        Attention,
        ReviewToCome,
        attention,
        coverage_of,
        evidence_freshness,
        needs_attention,
        reviews_to_come,
        reviews_to_come_over,
        strict_problems,
    )
    from tracker.git.drift import (
        Drift,
        deliverable_drift,
        drift_reason,
        drift_reason_of,
        issue_drift,
        link_problems,
        notes_folder_problem,
        plan_drift,
    )
    from tracker.git.evidence import keep_evidence
    from tracker.git.linemerge import line_merge
    from tracker.git.links import (
        FileLink,
        Links,
        RepoInfo,
        escape_reason,
        link_paths,
        no_git,
        read_links,
    )
    from tracker.git.mergelabels import driver_labels, local_side, merge_state
    from tracker.git.mergesetup import driver_problem, set_up_merge, undo_merge
    from tracker.git.pace import Forecast, forecast
    from tracker.git.planhistory import (
        BadSince,
        History,
        Measure,
        Row,
        measure,
        plan_in,
        read_history,
        rows_since,
        timeline,
    )
    from tracker.git.repo import (
        WORK_DATE,
        GitRepo,
        GitUnavailable,
        SessionPoint,
        committer_of,
        git_index,
        repo_start,
        session_point,
        session_start_revision,
        stop_git,
        work_tree,
    )
    from tracker.git.sessionrevs import (
        AtOnce,
        at_once,
        missing_revision,
        not_its_own,
        others_since,
        session_revision_problems,
        taken_in,
    )
    from tracker.git.snapshot import links_at
    from tracker.git.statusproc import (
        STATUS_ARGS,
        StatusRun,
        ask_git,
        ask_status,
        git_env,
        plan_folder,
        revision_args,
    )
    from tracker.git.unmerged import Unmerged, ask_unmerged, unmerged_problem
    from tracker.git.worktree import Status

__getattr__ = faces.lazy(__name__, __file__)
