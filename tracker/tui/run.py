"""`tracker` with no command: the dashboard on the discovered plan."""

from __future__ import annotations

from tracker.plan import Loaded, Outlined, ReadAhead
from tracker.tui.app import make_app
from tracker.tui.settings import Settings


def run_dashboard(
    loaded: Loaded, read_only: bool = False, outline: Outlined | None = None, ahead: ReadAhead | None = None
) -> int:
    """The exit status: 0 after q, 1 if the app stopped on an error; read_only refuses every write.  `outline`,
    `ahead`: `loaded` is not decoded yet, its first frame is drawn from its outline (tui/outlines.py)."""
    from tracker.support import signals

    app = make_app(loaded, Settings(read_only=read_only), outline, ahead)
    signals.install()  # a SIGTERM or SIGHUP in the middle of a write in a worker: it cleans up first
    app.run()
    return app.return_code or 0
