"""The command line: the `tracker` entry point (a plain `status` answered before click loads), the
click commands, and the text views of `tracker status`."""

from tracker.support import faces

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from tracker.cli.launch import main

__getattr__ = faces.lazy(__name__, __file__)
