"""`tracker` with no command: the dashboard on the discovered plan."""

from __future__ import annotations

from ..loader import Loaded
from .app import make_app


def run_dashboard(loaded: Loaded) -> int:
    result = make_app(loaded).run()
    return 0 if result is None else result
