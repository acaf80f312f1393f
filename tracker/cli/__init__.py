"""The command line: the `tracker` entry point (a plain `status` answered before click loads), the
click commands, and the text views of `tracker status`."""

from typing import TYPE_CHECKING

from tracker.support import faces

if TYPE_CHECKING:
    from tracker.cli.launch import main

__getattr__ = faces.lazy(__name__, __file__)
