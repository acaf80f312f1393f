"""The core knows nothing of the terminal: importing it loads neither Textual nor click."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tracker"
# Everything in the package but the command line and the dashboard is core.
NOT_CORE = {"cli", "__main__"}
CORE = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in NOT_CORE)


def test_core_modules_do_not_import_textual_or_click():
    modules = CORE
    assert {"model", "loader", "progress", "gitlinks", "summary", "writer"} <= set(modules)
    code = (
        "import sys\n"
        f"for name in {modules!r}:\n"
        "    __import__('tracker.' + name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'click', 'rich'))\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_status_command_does_not_load_the_tui():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from tracker.cli import main\n"
        "result = CliRunner().invoke(main, ['--file', sys.argv[1], 'status'])\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'textual' not in sys.modules\n"
    )
    from conftest import BUNDLED_PLAN

    done = subprocess.run([sys.executable, "-c", code, str(BUNDLED_PLAN)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
