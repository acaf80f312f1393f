"""Real git repositories for tests: made in a temporary folder, with real commits.

Dates and identities are fixed so that shas, dates and summaries are the same
on every run and every machine.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ENV = {
    "GIT_AUTHOR_NAME": "Ada Lovelace",
    "GIT_AUTHOR_EMAIL": "ada@example.org",
    "GIT_COMMITTER_NAME": "Ada Lovelace",
    "GIT_COMMITTER_EMAIL": "ada@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


class Repo:
    def __init__(self, root: Path):
        self.root = root
        self._tick = 0

    def git(self, *args: str, date: str | None = None) -> str:
        env = {**os.environ, **ENV}
        if date is None:
            self._tick += 1
            date = f"2025-11-30T{9 + self._tick // 60:02d}:{self._tick % 60:02d}:00+00:00"
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
        done = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True)
        if done.returncode:
            raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
        return done.stdout.strip()

    def write(self, path: str, text: str) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def commit(self, message: str, *paths: str, date: str | None = None) -> str:
        self.git("add", "--", *(paths or (".",)))
        self.git("commit", "-q", "-m", message, date=date)
        return self.git("rev-parse", "HEAD")


def make_repo(root: Path) -> Repo:
    root.mkdir(parents=True, exist_ok=True)
    repo = Repo(root)
    repo.git("init", "-q", "-b", "main")
    return repo
