"""The session note: what a session did, read from the plan's git history and the work tree, rendered
through a Jinja2 template into markdown."""

from tracker.support import faces

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from tracker.notes.errors import SummaryError
    from tracker.notes.gather import Gathered, build_summary, gather_summary
    from tracker.notes.place import front_matter, front_matter_end, note_name, note_place
    from tracker.notes.replacing import note_check

__getattr__ = faces.lazy(__name__, __file__)
