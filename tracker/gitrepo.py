"""The one door to git: find the work tree of a plan and run git in it.

Every git call in tracker goes through `GitRepo` (`run`, `ok`, `start`,
`stream`), which puts paths after `--` and reads raw bytes, so file names are
never options and never quoted.  The one exception is the `git status` with which answers.py
decides whether to replay an answer: it runs before anything heavy is imported,
with the same GIT_ENV.
GitPython finds and opens the repository; what it opens is closed by
`GitRepo.close()` (it keeps `git cat-file` processes alive otherwise, and the
TUI runs for hours).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

try:
    from fcntl import F_SETPIPE_SZ, fcntl
except ImportError:  # not Linux: a stream's pipe keeps the size the system gives it
    F_SETPIPE_SZ = None

# Optional locks would let a read-only status refresh the index under the
# user's feet; LC_ALL=C keeps git's own messages parseable.
GIT_ENV = {"GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
# What linking reads the work tree with, and what a replayed answer is checked against.
STATUS_ARGS = ("status", "--porcelain=v2", "-z", "--branch", "--untracked-files=all", "--no-renames")


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

    def start(self, *args: str) -> Running:
        """`git ARGS` started now, in its own process; `Running.output()` waits for what it prints."""
        process = subprocess.Popen(["git", *args], cwd=self.root, env={**os.environ, **GIT_ENV},
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return Running(process)

    def stream(self, *args: str) -> Stream:
        """`git ARGS` started now; its stdout is gathered as it comes (see Stream)."""
        return Stream(["git", *args], self.root)

    def close(self) -> None:
        self._repo.close()  # type: ignore[attr-defined]

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Running:
    """A git process started by `GitRepo.start`, so that Python can work while git does."""

    __slots__ = ("_process",)

    def __init__(self, process: subprocess.Popen):
        self._process = process

    def output(self) -> bytes:
        """What git printed, once it is done; GitUnavailable if it failed."""
        out, err = self._process.communicate()
        if self._process.returncode:
            raise GitUnavailable(_first_line(err.decode("utf-8", "replace")))
        return out


class Stream:
    """The stdout of a git process, gathered by a thread as git writes it.

    Git does not wait for Python: a history walk runs at full speed while the
    caller does other work, up to UNREAD bytes ahead of what the caller has
    read (then git waits, so a long history never piles up in memory).  The
    pipe is made large where the system allows and the thread pauses between
    reads, so git's writes rarely wake anyone (a pipe read as fast as it fills
    costs git a fifth more time).  Closing kills git if it is still running:
    a walk stops as soon as the caller has what it wants instead of reading to
    the root commit.  Git failing on its own (a corrupt repository) is an
    error where its output ends, never a short answer.
    """

    UNREAD = 4 << 20  # a 20,000-commit walk of 5,000 files writes 3 MiB in all

    def __init__(self, command: list[str], cwd: Path):
        import tempfile
        import threading
        from collections import deque

        read_end, write_end = os.pipe()
        if F_SETPIPE_SZ is not None:
            try:
                fcntl(write_end, F_SETPIPE_SZ, 1 << 20)
            except OSError:  # over the system's limit: the pipe stays as it is
                pass
        # A file, not a pipe, for git's messages: nobody reads them while git runs, and a full pipe would stop it.
        self._errors = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **GIT_ENV},
                                             stdin=subprocess.DEVNULL, stdout=write_end, stderr=self._errors)
        except BaseException:
            os.close(read_end)
            self._errors.close()
            raise
        finally:
            os.close(write_end)
        self._handed = threading.Condition()  # guards the four below; either side waits on it for the other
        self._chunks: deque[bytes] = deque()
        self._unread = 0  # bytes in _chunks
        self._ended = False  # git's output ended: _chunks holds the last of it
        self._closed = False  # the caller wants no more: the reader stops
        self._reader = threading.Thread(target=self._gather, args=(read_end,), daemon=True)
        self._reader.start()

    def _gather(self, fd: int) -> None:
        handed = self._handed
        try:
            while chunk := os.read(fd, 1 << 20):
                with handed:
                    self._chunks.append(chunk)
                    self._unread += len(chunk)
                    handed.notify()
                    while self._unread >= self.UNREAD and not self._closed:
                        handed.wait()  # git goes on until the pipe is full, then waits too
                    if self._closed:
                        return
                time.sleep(0.002)
        except OSError:
            pass
        finally:
            os.close(fd)
            with handed:
                self._ended = True
                handed.notify()

    def chunks(self) -> Iterator[bytes]:
        """Git's output in pieces, waiting for each, up to where it ends (or git is stopped); read once.

        GitUnavailable, with git's message, when the output ended because git failed.
        """
        handed = self._handed
        while True:
            with handed:
                while not self._chunks and not self._ended:
                    handed.wait()
                if not self._chunks:
                    break
                chunk = self._chunks.popleft()
                self._unread -= len(chunk)
                handed.notify()
            yield chunk
        if self._process.wait():
            # Git says why it dies last, after any warnings.
            self._errors.seek(max(0, self._errors.seek(0, os.SEEK_END) - 4096))
            said = self._errors.read().decode("utf-8", "replace").strip().splitlines()
            raise GitUnavailable(said[-1] if said else f"git exited with status {self._process.returncode}")

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        with self._handed:  # a reader waiting for room stops waiting
            self._closed = True
            self._handed.notify()
        self._reader.join()
        self._errors.close()


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "git failed"


def _explain(message: str, root: Path) -> str:
    if "dubious ownership" in message:
        return (f"git refuses to read {root}: another user owns it; if you trust it, run "
                f"git config --global --add safe.directory {root}")
    return message


def session_start_revision(plan_file: Path, repo_setting: str | None) -> str | None:
    """HEAD's short name in the plan's work tree, where a session starting now begins; None without git or a commit."""
    try:
        with GitRepo.open(repo_start(plan_file, repo_setting)) as repo:
            return repo.run("rev-parse", "--short", "HEAD").decode().strip() or None
    except GitUnavailable:
        return None


def repo_start(plan_file: Path, repo_setting: str | None) -> Path:
    """Where to look for the work tree: the plan's `repo:` relative to the file, else the file's folder."""
    base = plan_file.resolve().parent
    if repo_setting:
        return Path(os.path.normpath(base / repo_setting))
    return base
