"""The dashboard in a browser: textual-serve runs the dashboard once per browser tab, with Textual's web
driver instead of a terminal, and relays it over a WebSocket.

textual-serve is an optional extra (`pip install -e '.[serve]'` in tracker's clone): it brings aiohttp and its helpers,
about 13 MB that a terminal user never needs.  The command line (cli/serve.py) asks `can_serve` before
it reads the plan, then `web_server` with the command that starts the dashboard.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from textual_serve.server import Server


def can_serve() -> bool:
    """Whether textual-serve is installed."""
    return importlib.util.find_spec("textual_serve") is not None


def web_server(command: str, host: str, port: int, title: str) -> Server:
    """The server of `command` (the dashboard) at http://HOST:PORT/; ImportError when textual-serve cannot be
    imported.  Its `serve()` runs until interrupted: OSError when the address is not this machine's or the
    port is taken."""
    from textual_serve.server import Server

    # Our copy of textual-serve's page, which loads its font from the server instead of fonts.googleapis.com.
    return Server(command, host=host, port=port, title=title, templates_path=Path(__file__).parent / "servepage")
