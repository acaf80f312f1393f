"""The core knows nothing of the terminal: importing it loads neither Textual nor click."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tracker"
# The core: every part below the two front ends (cli/ and tui/).
CORE_PARTS = ("plan", "git", "edit", "notes", "export", "support")
CORE = sorted(
    ".".join(("tracker", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
    for part in CORE_PARTS
    for path in (PACKAGE / part).rglob("*.py")
)


def test_core_modules_do_not_import_textual_or_click():
    modules = CORE
    assert {
        "tracker.plan.model",
        "tracker.plan.loader",
        "tracker.plan.progress",
        "tracker.git.links",
        "tracker.notes.gather",
        "tracker.edit.writer",
    } <= set(modules)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'click', 'rich'))\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_status_command_does_not_load_the_tui():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from tracker.cli.commands import main\n"
        "result = CliRunner().invoke(main, ['--file', sys.argv[1], 'status'])\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'textual' not in sys.modules\n"
    )
    from conftest import BUNDLED_PLAN

    done = subprocess.run([sys.executable, "-c", code, str(BUNDLED_PLAN)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_face_offers_a_function_named_like_its_module():
    """tracker.git offers attention() from tracker/git/attention.py: asked after Attention, it is still the function."""
    code = (
        "from tracker.git import Attention\n"
        "from tracker.git import attention\n"
        "assert callable(attention) and attention.__name__ == 'attention', attention\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
