"""The plan: YAML text read into the model, every problem located at path:line:column, and the
rules that hold for it (progress, estimates, paths, the schema).  Knows nothing of git or views."""

from tracker.support import faces

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from tracker.plan import compliance, parsecache, progress, splice, yamltree
    from tracker.plan.compliance import Coverage, Freshness
    from tracker.plan.estimate import estimate_error, format_minutes, parse_minutes
    from tracker.plan.filtering import QUERY_HINT, Query
    from tracker.plan.formatdoc import format_markdown
    from tracker.plan.loader import (
        MAX_BYTES,
        Loaded,
        LoadedOk,
        LoadError,
        ReadAhead,
        conflict_problems,
        content_signature,
        decode,
        is_ok,
        load,
        load_data,
        load_part,
        load_text,
        open_plan,
        read_bytes,
        read_open,
        read_text,
    )
    from tracker.plan.model import (
        ISSUE_MENTION,
        NOT_A_DAY,
        Accomplishment,
        Deliverable,
        Framework,
        Insight,
        Issue,
        NotesSettings,
        Phase,
        Project,
        Session,
        StatusDef,
        Step,
        changed_issues,
        day_number,
        email_of,
        id_fault,
        is_iso_date,
        issue_key,
        place,
        same_work,
        status_words,
        text_fault,
    )
    from tracker.plan.outline import Outlined, PhaseFigures, has_outline, keep_outline, phase_figures, read_outline
    from tracker.plan.paths import (
        GLOB_CHARS,
        glob_regex,
        is_glob,
        named_file,
        named_paths,
        normalize,
        notes_folder_message,
        outside_reason,
        plan_paths,
        unsafe_reason,
    )
    from tracker.plan.problems import Problem, did_you_mean, plain_id, sort_key
    from tracker.plan.progress import status_kind
    from tracker.plan.schema import plan_schema

__getattr__ = faces.lazy(__name__, __file__)
