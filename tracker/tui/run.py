"""`tracker` with no command: the dashboard on the discovered plan."""

from __future__ import annotations

from tracker.plan import Loaded
from tracker.tui.app import make_app


def run_dashboard(loaded: Loaded) -> int:
    """The exit status: 0 after q, 1 if the app stopped on an error."""
    app = make_app(loaded)
    app.run()
    return app.return_code or 0
