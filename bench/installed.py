"""Benchmarks time tracker as a user's install runs it, not as this checkout's editable install does.

README's first command installs tracker with `pip install -e .`, and setuptools
then puts an import hook in the virtual environment: a `.pth` file that
imports a finder module (importlib.util, pathlib, fnmatch) in every Python that
starts there, 15-18 ms before tracker's first line.  `pipx install` and `uv tool
install`, which README gives for daily use, copy the package and need no hook.
A replayed `status` takes 70 ms in all, so the hook would be a quarter of it.

`ensure()` (the first line of each bench script's main) starts the script
again under an interpreter set up as such an install: a virtual environment
with a copy of `tracker/` in its site-packages, the console script pip would
write, and the libraries of this environment reached through a `.pth` path
line (the other `.pth` files of this environment are copied, but not the
editable hook).  It is made in a temporary folder and removed at exit.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = "TRACKER_BENCH_INSTALLED"  # the folder of the install the script now runs under
OWNER = "TRACKER_BENCH_INSTALLED_BY"  # the process that made it (execve keeps the pid), which removes it

SCRIPT = """#!{python}
import sys
from tracker.cli.launch import main
if __name__ == "__main__":
    sys.exit(main())
"""


def ensure() -> None:
    """Run this script under a plain (not editable) install of tracker, made now, unless it already is."""
    made = os.environ.get(MARK)
    if made:  # made by this process before it started the script again, or by the bench that started it
        if os.environ.get(OWNER) == str(os.getpid()):
            atexit.register(shutil.rmtree, made, ignore_errors=True)
        return
    if not _editable():
        return
    folder = Path(tempfile.mkdtemp(prefix="tracker-bench-python-"))
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    libraries = Path(sysconfig.get_path("purelib"))
    shutil.copytree(ROOT / "tracker", site / "tracker", ignore=shutil.ignore_patterns("__pycache__"))
    # Named to come first: the copied .pth files may import from the libraries (distutils-precedence).
    (site / "_libraries.pth").write_text(f"{libraries}\n", encoding="utf-8")
    for pth in libraries.glob("*.pth"):
        if not pth.name.startswith("__editable__"):
            shutil.copy(pth, site / pth.name)
    script = folder / "bin" / "tracker"
    script.write_text(SCRIPT.format(python=python), encoding="utf-8")
    script.chmod(0o755)
    print(f"timing tracker as installed in {folder} (a copy of {ROOT / 'tracker'})", file=sys.stderr)
    os.execve(str(python), [str(python), *sys.argv], {**os.environ, MARK: str(folder), OWNER: str(os.getpid())})


def _editable() -> bool:
    """Whether tracker is imported here through setuptools' editable hook."""
    return any(str(getattr(finder, "__module__", "")).startswith("__editable__") for finder in sys.meta_path)
