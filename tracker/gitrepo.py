"""The one door to git: find the work tree of a plan and run git in it.

Every git call in tracker goes through `GitRepo` (`run`, `ok`, `stream`), which
puts paths after `--` and reads raw bytes, so file names are never options and
never quoted.  The one exception is the `git status` with which answers.py
decides whether to replay an answer: it runs before anything heavy is imported,
with the same GIT_ENV.
GitPython finds and opens the repository; what it opens is closed by
`GitRepo.close()` (it keeps `git cat-file` processes alive otherwise, and the
TUI runs for hours).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Optional locks would let a read-only status refresh the index under the
# user's feet; LC_ALL=C keeps git's own messages parseable.
GIT_ENV = {"GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}


class GitUnavailable(Exception):
    """No usable git work tree; the message says why, for the git columns."""


class GitRepo:
    # A plain class, not a dataclass: answers.py imports this module on the path
    # that replays `tracker status`, where importing dataclasses alone costs 15 ms.
    __slots__ = ("root", "_repo", "shallow", "shallow_file")

    def __init__(self, root: Path, repo: object, shallow: bool = False, shallow_file: Path | None = None):
        self.root = root
        self._repo = repo  # git.Repo, kept untyped so importing this module stays cheap
        self.shallow = shallow
        self.shallow_file = shallow_file  # <git-dir>/shallow: which commits a shallow clone stops at

    @classmethod
    def open(cls, start: Path) -> GitRepo:
        """The work tree that contains `start` (a file or folder)."""
        try:
            import git  # imported here: only commands that need git pay for it
        except ImportError:  # GitPython refuses to import when it finds no git program
            raise GitUnavailable("git is not installed (no 'git' program on PATH)") from None

        folder = start if start.is_dir() else start.parent
        try:
            repo = git.Repo(folder, search_parent_directories=True)
        except git.NoSuchPathError:
            raise GitUnavailable(f"{folder} does not exist") from None
        except git.InvalidGitRepositoryError:
            raise GitUnavailable("not in a git repository") from None
        except git.GitCommandNotFound:
            raise GitUnavailable("git is not installed") from None
        except git.GitError as exc:  # e.g. safe.directory refusals surface here
            raise GitUnavailable(_first_line(str(exc))) from None
        if repo.bare or repo.working_tree_dir is None:
            repo.close()
            raise GitUnavailable("the repository is bare (it has no work tree)")
        opened = cls(Path(repo.working_tree_dir), repo)
        # GitPython reads .git by itself; git proper may still refuse the
        # repository (safe.directory), so ask git once before anyone relies on it.
        try:
            shallow, shallow_file = opened.run("rev-parse", "--is-shallow-repository",
                                               "--git-path", "shallow").splitlines()[:2]
        except GitUnavailable as exc:
            opened.close()
            raise GitUnavailable(_explain(str(exc), opened.root)) from None
        opened.shallow = shallow == b"true"
        opened.shallow_file = opened.root / os.fsdecode(shallow_file)
        return opened

    def run(self, *args: str, paths: list[str] | tuple[str, ...] = (), check: bool = True) -> bytes:
        """`git ARGS -- PATHS` in the work tree, returning raw stdout."""
        import git

        command = ["git", *args]
        if paths:
            command += ["--", *paths]
        try:
            return self._repo.git.execute(  # type: ignore[attr-defined]
                command, as_process=False, stdout_as_string=False, with_extended_output=False,
                env=GIT_ENV,
            )
        except git.GitCommandError as exc:
            if check:
                stderr = exc.stderr if isinstance(exc.stderr, str) else str(exc.stderr)
                raise GitUnavailable(_first_line(stderr.strip().removeprefix("stderr: ").strip("'\" ")
                                                 or str(exc))) from None
            return b""

    def ok(self, *args: str, paths: list[str] | tuple[str, ...] = ()) -> bool:
        """Whether `git ARGS -- PATHS` exits 0 (for questions git answers by exit code)."""
        command = ["git", *args, *(["--", *paths] if paths else [])]
        done = subprocess.run(command, cwd=self.root, env={**os.environ, **GIT_ENV},
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return done.returncode == 0

    @contextmanager
    def stream(self, *args: str, paths: list[str] | tuple[str, ...] = ()) -> Iterator[Iterator[bytes]]:
        """`git ARGS -- PATHS` as chunks of stdout, read as they come.

        Leaving the block early kills git: a history walk stops as soon as the
        caller has what it wants instead of reading to the root commit.
        """
        command = ["git", *args, *(["--", *paths] if paths else [])]
        process = subprocess.Popen(command, cwd=self.root, env={**os.environ, **GIT_ENV},
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert process.stdout is not None
        try:
            yield iter(lambda: process.stdout.read1(1 << 16), b"")  # type: ignore[union-attr]
        finally:
            if process.poll() is None:
                process.kill()
            process.stdout.close()
            process.wait()

    def close(self) -> None:
        self._repo.close()  # type: ignore[attr-defined]

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "git failed"


def _explain(message: str, root: Path) -> str:
    if "dubious ownership" in message:
        return (f"git refuses to read {root}: another user owns it; if you trust it, run "
                f"git config --global --add safe.directory {root}")
    return message


def repo_start(plan_file: Path, repo_setting: str | None) -> Path:
    """Where to look for the work tree: the plan's `repo:` relative to the file, else the file's folder."""
    base = plan_file.resolve().parent
    if repo_setting:
        return Path(os.path.normpath(base / repo_setting))
    return base
