"""git's own three-way line merge (`git merge-file`), the fallback of the plan's merge driver."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from tracker.git.repo import GitUnavailable
from tracker.git.statusproc import git_env


def line_merge(base: bytes, ours: bytes, theirs: bytes, labels: tuple[str, str, str], marker_size: int = 7):
    """(merged bytes, whether it holds a conflict), as `git merge-file -p` gives them."""
    with tempfile.TemporaryDirectory(prefix="tracker-merge-") as folder:
        names = []
        for name, data in (("base", base), ("ours", ours), ("theirs", theirs)):
            (Path(folder) / name).write_bytes(data)
            names.append(str(Path(folder) / name))
        command = ["git", "merge-file", "-p", f"--marker-size={marker_size}"]
        for label in (labels[1], labels[0], labels[2]):
            command += ["-L", label]
        try:
            done = subprocess.run(
                [*command, names[1], names[0], names[2]],
                env=git_env(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
            )
        except OSError as exc:
            raise GitUnavailable(f"cannot run git: {exc.strerror}") from None
    if done.returncode < 0 or done.returncode > 127:
        raise GitUnavailable(f"git merge-file failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout, done.returncode != 0
