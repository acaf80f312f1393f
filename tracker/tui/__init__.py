"""The dashboard: a Textual app over the plan, its git links and the writer."""

from typing import TYPE_CHECKING

from tracker.support import faces

if TYPE_CHECKING:
    from tracker.tui.run import run_dashboard

__getattr__ = faces.lazy(__name__, __file__)
