"""`status --files` fits the terminal (paths lose their middle, rows never wrap); piped rows stay whole.
Outside git, a done deliverable whose file is absent is still drift."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_tracker, tracker_env

LONG = "src/services/enrollment/" + "very-long-folder-name/" * 4 + "enrollmentServices.js"
PLAN = f"""project: Shop
phases:
  - id: P1
    title: Fixes
    issues:
      - id: 1
        title: Retry
        status: complete
        deliverables:
          - path: {LONG}
          - path: src/retry.js
"""


def in_terminal(cwd: Path, *args: str, columns: int) -> str:
    """The command's output as a terminal `columns` wide shows it."""
    leader, follower = pty.openpty()
    env = tracker_env(COLUMNS=str(columns), LINES="24")
    done = subprocess.run(
        [sys.executable, "-m", "tracker", *args], cwd=cwd, stdout=follower, stderr=subprocess.PIPE, env=env, timeout=120
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks).decode().replace("\r\n", "\n")


def shop(repo) -> Path:
    repo.write("data/phases.yaml", PLAN)
    repo.write("src/retry.js", "retry();\n")
    repo.write(LONG, "enrol();\n")
    repo.commit(
        "A commit subject long enough to need cutting when the terminal is narrow", date="2025-11-30T10:00:00+00:00"
    )
    return repo.root


def test_rows_fit_an_80_column_terminal_and_paths_lose_their_middle(repo):
    root = shop(repo)
    for args in (("status", "--files"), ("status", "--files", "--file=data/phases.yaml")):  # fast path, click
        shown = in_terminal(root, *args, columns=80)
        lines = shown.splitlines()
        assert max(len(line) for line in lines) <= 80, shown
        row = next(line for line in lines if "Services.js " in line)
        assert "deliverable  src/services/enroll" in row and "…" in row and "committed" in row
    wide = in_terminal(root, "status", "--files", columns=300)
    assert LONG in wide and "A commit subject long enough" in wide


def test_piped_rows_stay_whole(repo):
    root = shop(repo)
    done = run_tracker("status", "--files", cwd=root, env={"COLUMNS": "40"})
    row = next(line for line in done.stdout.splitlines() if "enrollmentServices.js" in line)
    assert LONG in row and "A commit subject long enough to need cutting" in row


def test_middle_ellipsis():
    from tracker.support.textsafe import ellipsize_middle

    assert ellipsize_middle("src/abcdef/file.js", 11) == "src/a…le.js"
    assert ellipsize_middle("short", 11) == "short"
    assert len(ellipsize_middle("x" * 100, 7)) == 7


def test_outside_git_a_done_deliverable_without_its_file_is_drift(tmp_path):
    root = tmp_path / "plain"
    (root / "data").mkdir(parents=True)
    (root / "data" / "phases.yaml").write_text(PLAN)
    (root / "src").mkdir()
    (root / "src" / "retry.js").write_text("retry();\n")
    checked = run_tracker("validate", cwd=root)
    assert checked.returncode == 0
    assert "deliverable 'src/retry.js'" not in checked.stderr  # there, though git cannot say more
    assert f"deliverable '{LONG}' of issue #1 is 'complete' but the file does not exist" in checked.stderr
    assert checked.stdout.endswith("ok (1 warning)\n")
    status = run_tracker("status", cwd=root)
    assert f"! #1 {LONG}: marked complete but the file does not exist" in status.stdout


@pytest.mark.parametrize("columns, width", [(None, 100), ("77", 77), ("0", 100), ("wide", 100)])
def test_files_rows_fit_the_terminal_as_shutil_would_size_it(monkeypatch: pytest.MonkeyPatch, columns, width):
    """COLUMNS first (when a whole number above 0), else the terminal's own width; piped: no width."""
    import fcntl
    import struct
    import termios

    from tracker.cli.status import terminal_width

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    with os.fdopen(slave, "w") as terminal:
        assert terminal_width(terminal) == width
    os.close(master)
    read, write = os.pipe()
    with os.fdopen(read), os.fdopen(write, "w") as piped:
        assert terminal_width(piped) is None
