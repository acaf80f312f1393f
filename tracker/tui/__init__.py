"""The dashboard: a Textual app over the plan, its git links and the writer."""

from tracker.support import faces

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from tracker.tui.outlines import first_look
    from tracker.tui.run import run_dashboard
    from tracker.tui.web import can_serve, web_server

__getattr__ = faces.lazy(__name__, __file__)
