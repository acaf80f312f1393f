"""The one door to git: find the work tree of a plan and run git in it.

Every git command in tracker goes through `GitRepo` (`run`, `ok`, `start`,
`stream`), which puts paths after `--` and reads raw bytes, so file names are
never options and never quoted.  The one exception is the `git status` with which cli/replay.py
decides whether to replay an answer: git/statusproc.py starts it without
importing `subprocess`, with the same arguments in the same `git_env()`.
Git's own `rev-parse` finds the work tree, so git's rules (parent folders,
GIT_WORK_TREE, `safe.directory`) decide what tracker reads, except that a GIT_DIR or GIT_WORK_TREE
naming another repository than the plan's is left out, and said (statusproc.ignored_git_variables).  GitPython is
imported only by the object reads (`work_day`, `file_at`, `blob`: the summary's
and `tracker history`'s): at 0.1-0.2 s its import alone would be more than a whole repeated
`tracker status`, which needs none of it.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from tracker.git.statusproc import git_env, ignored_git_variables, plan_folder
from tracker.support.ownfiles import is_own, plan_locks

TYPE_CHECKING = False  # typing is not imported for a type named in a function (see support/faces.py)
if TYPE_CHECKING:
    from typing import BinaryIO

    from tracker.git.statusproc import StatusRun

try:
    from fcntl import F_SETPIPE_SZ as SETPIPE_SZ
    from fcntl import fcntl
except ImportError:  # not Linux: a stream's pipe keeps the size the system gives it
    SETPIPE_SZ = None  # type: ignore[misc, assignment]  # the checker reads Linux's fcntl


# When a commit's work was done, for `git log --format`: the author date, which a rebase or an amend keeps.
# The committer date is when the commit was last written, so a rebase moves it to the day of the rebase.
WORK_DATE = "%aI"


def is_object_id(text: str) -> bool:
    """Whether `text` is a whole object id as git writes it (SHA-1's 40 hex digits or SHA-256's 64, lower case):
    what may go back to git as a revision from a cache or an environment variable, never a name or an option."""
    return len(text) in (40, 64) and not text.strip("0123456789abcdef")


class GitUnavailable(Exception):
    """No usable git work tree; the message says why, for the git columns."""


class GitRepo:
    # A plain class, not a dataclass: cli/replay.py imports this module on the path
    # that replays `tracker status`, where importing dataclasses alone costs 15 ms.
    __slots__ = ("root", "git_dir", "shallow", "index_file", "ignored", "_env", "_objects")

    def __init__(
        self,
        root: Path,
        git_dir: Path,
        shallow: bool,
        env: dict[str, str],
        index_file: Path,
        ignored: tuple[str, ...] = (),
    ):
        self.root = root
        self.git_dir = git_dir  # the common one: objects, refs, `shallow` (worktrees share it)
        self.shallow = shallow
        self.index_file = index_file  # this work tree's index (GIT_INDEX_FILE's, if that is set)
        self._env = env  # git_env(), as the repository was found with it
        # Of GIT_DIR and GIT_WORK_TREE, those the user set that git_env left out: they name another repository
        self.ignored = ignored
        self._objects = None  # GitPython's Repo, opened by the first object read

    @property
    def shallow_file(self) -> Path:
        """Where a shallow clone lists the commits its history stops at."""
        return self.git_dir / "shallow"

    @classmethod
    def open(cls, start: Path) -> GitRepo:
        """The work tree that contains `start` (a file or folder)."""
        folder = (start if start.is_dir() else start.parent).absolute()
        if not folder.is_dir():
            raise GitUnavailable(f"{folder} does not exist")
        env = git_env(str(folder))
        # Printed in this order up to the first that fails: a bare repository
        # still says so before --show-toplevel refuses.
        found = _rev_parse(
            folder,
            env,
            "--is-bare-repository",
            "--is-shallow-repository",
            "--git-common-dir",
            "--show-toplevel",
            "--git-path",
            "index",
        )
        answers = found.stdout.split(b"\n")
        if answers[0] == b"true":
            raise GitUnavailable("the repository is bare (it has no work tree)")
        # No answer at all is a refusal too: with SIGCHLD ignored (inherited through exec), the system
        # reaps git and subprocess can only take its status as 0.
        if found.returncode or not found.stdout:
            said = found.stderr.decode("utf-8", "replace")
            if "not a git repository" in said:
                raise GitUnavailable("not in a git repository")
            if "must be run in a work tree" in said:
                raise GitUnavailable("not in a git work tree (the plan is inside a .git folder)")
            raise GitUnavailable(_explain(said))
        if len(answers) == 6:
            git_dir, root, index = answers[2], answers[3], answers[4]
        else:  # a newline in a path: ask for each on its own
            git_dir = _rev_parse(folder, env, "--git-common-dir").stdout.removesuffix(b"\n")
            root = _rev_parse(folder, env, "--show-toplevel").stdout.removesuffix(b"\n")
            index = _rev_parse(folder, env, "--git-path", "index").stdout.removesuffix(b"\n")
        # The git folder may be told relative to where git ran, which git took with symlinks resolved.
        return cls(
            Path(os.fsdecode(root)),
            (folder / os.fsdecode(git_dir)).resolve(),
            answers[1] == b"true",
            env,
            folder / os.fsdecode(index),
            ignored_git_variables(str(folder)),
        )

    def run(self, *args: str, paths: list[str] | tuple[str, ...] = (), check: bool = True) -> bytes:
        """`git ARGS -- PATHS` in the work tree, returning raw stdout."""
        done = _run(_command(args, paths), self.root, self._env, capture_output=True)
        if done.returncode:
            if check:
                raise GitUnavailable(_first_line(done.stderr.decode("utf-8", "replace")))
            return b""
        return done.stdout

    def ok(self, *args: str, paths: list[str] | tuple[str, ...] = ()) -> bool:
        """Whether `git ARGS -- PATHS` exits 0 (for questions git answers by exit code)."""
        return (
            _run(
                _command(args, paths), self.root, self._env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            ).returncode
            == 0
        )

    def start(self, *args: str, given: bytes | None = None, to_file: bool = False) -> Running:
        """`git ARGS` started now, in its own process, reading `given`; `Running.output()` waits for what it prints.

        `to_file`: what git prints goes to a temporary file, so git ends without waiting for a reader: for a
        long answer (a line per file) not read before git is done, through a pipe it would wait on the
        reader, who then reads it all while git writes the rest."""
        stdin: int | BinaryIO = subprocess.DEVNULL
        if given is not None:  # from a file: git may write all it says before it has read all it is given
            import tempfile

            stdin = tempfile.TemporaryFile()
            stdin.write(given)
            stdin.seek(0)
        stdout = None
        if to_file:
            import tempfile

            stdout = tempfile.TemporaryFile()
        try:
            process = subprocess.Popen(
                ["git", *args],
                cwd=self.root,
                env=self._env,
                stdin=stdin,
                stdout=subprocess.PIPE if stdout is None else stdout,
                stderr=subprocess.PIPE,
            )
        except OSError as exc:
            if stdout is not None:
                stdout.close()
            raise GitUnavailable(_cannot_run(exc)) from None
        finally:
            if not isinstance(stdin, int):
                stdin.close()
        return Running(process, stdout)

    def stream(self, *args: str) -> Stream:
        """`git ARGS` started now; its stdout is gathered as it comes (see Stream)."""
        return Stream(["git", *args], self.root, self._env)

    def work_day(self, sha: str) -> str:
        """The day the work of commit `sha` was done (YYYY-MM-DD): its author date (WORK_DATE), in the author's own zone."""
        return self._read(lambda objects: objects.commit(sha).authored_datetime.date().isoformat())

    def committer(self) -> str | None:
        """Who git commits as here, "Name <email>" (user.name and user.email, or GIT_COMMITTER_NAME and
        GIT_COMMITTER_EMAIL); None when git has no identity to commit with."""
        ident = self.run("var", "GIT_COMMITTER_IDENT", check=False).decode("utf-8", "replace")
        who, bracket, _ = ident.rpartition(">")  # after it, the moment: "1764925200 +0000"
        return who + bracket if bracket and "<" in who else None

    def file_at(self, sha: str, path: str) -> bytes | None:
        """The bytes of `path` (from the work tree's root) in commit `sha`; None if it held no file there."""

        def read(objects) -> bytes | None:
            try:
                found = objects.commit(sha).tree / path
            except KeyError:
                return None
            return found.data_stream.read() if found.type == "blob" else None

        return self._read(read)

    def blob(self, blob_id: str) -> bytes:
        """The bytes of the blob `blob_id` (40 hex digits), read through the same `cat-file --batch` as file_at."""

        def read(objects) -> bytes:
            found = objects.odb.stream(bytes.fromhex(blob_id))
            if found.type != b"blob":
                raise ValueError(f"{blob_id} is a {found.type.decode()}, not a file")
            return found.read()

        return self._read(read)

    def _read(self, read):
        """`read(repo)` on GitPython's Repo, opened on first use; what fails is GitUnavailable.

        GitPython keeps one `git cat-file --batch` running for all the reads
        (`close` ends it): a history of many objects costs one process.
        """
        import git

        try:
            if self._objects is None:
                self._objects = git.Repo(self.git_dir)
                # Its git runs where GitPython takes the work tree to be: with the user's GIT_WORK_TREE (even one
                # git_env left out), another repository's, whose objects it would read without this GIT_DIR.
                self._objects.git.update_environment(GIT_DIR=os.fspath(self.git_dir))
            return read(self._objects)
        except (git.GitError, git.exc.ODBError, ValueError, OSError) as exc:  # e.g. a corrupt or missing object
            raise GitUnavailable(_first_line(str(exc))) from None

    def close(self) -> None:
        if self._objects is not None:
            self._objects.close()
            self._objects = None

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _command(args: tuple[str, ...], paths: list[str] | tuple[str, ...]) -> list[str]:
    """`git ARGS -- PATHS`: after `--`, a path is never taken for an option or a revision."""
    return ["git", *args, *(["--", *paths] if paths else [])]


def _run(command: list[str], cwd: Path, env: dict[str, str], **options) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, **options)
    except OSError as exc:
        raise GitUnavailable(_cannot_run(exc)) from None


def _rev_parse(folder: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return _run(["git", "rev-parse", *args], folder, env, capture_output=True)


def _cannot_run(exc: OSError) -> str:
    """Why git could not be started: no git program, or a work tree that is gone."""
    if isinstance(exc, FileNotFoundError) and exc.filename == "git":
        return "git is not installed (no 'git' program on PATH)"
    return f"cannot run git: {exc.strerror or exc}"


class Running:
    """A git process started by `GitRepo.start`, so that Python can work while git does."""

    __slots__ = ("_process", "_file")

    def __init__(self, process: subprocess.Popen, file: BinaryIO | None = None):
        self._process = process
        self._file = file  # where git's output goes, when not to a pipe (GitRepo.start's to_file)

    def output(self) -> bytes:
        """What git printed, once it is done; GitUnavailable if it failed."""
        out, err = self._process.communicate()
        if self._process.returncode:
            raise GitUnavailable(_first_line(err.decode("utf-8", "replace")))
        if self._file is not None:
            self._file.seek(0)
            return self._file.read()
        return out

    def close(self) -> None:
        """Stop git if it still runs (its output is not wanted).  Its pipes are not read to their end: a
        hook git started (core.fsmonitor) may hold them open long after git is gone."""
        stop_git(self._process)
        if self._file is not None:
            self._file.close()


class Lent:
    """A `git status` started by statusproc.ask_status (the answer cache's), read as a Running is.

    Its answer is kept (StatusRun.answer), so the answer cache and linking read
    one process; it stays its starter's to stop, who may still want its answer.
    """

    __slots__ = ("_run",)

    def __init__(self, run: StatusRun):
        self._run = run

    def output(self) -> bytes:
        """What git printed, once it is done; GitUnavailable if it failed, as Running.output."""
        code, out, err = self._run.answer()
        if code:
            raise GitUnavailable(_first_line(err.decode("utf-8", "replace")))
        return out

    def close(self) -> None:
        """Nothing: the run is its starter's to stop."""


class Owned(Lent):
    """A `git status` started by statusproc.ask_status for linking alone (git/ahead.py): read as a Lent
    one is, and stopped when linking is done with it."""

    __slots__ = ()

    def close(self) -> None:
        self._run.stop()

    def __del__(self) -> None:
        # Dropped unclosed (an Ahead neither taken nor closed): no git, pipe or zombie left behind, as
        # subprocess sees to for a Running's process.
        self._run.stop()


def stop_git(process: subprocess.Popen) -> None:
    """Kill `process` if it still runs, wait for it, and close the pipes it was given."""
    if process.poll() is None:
        process.kill()
    process.wait()
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()


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

    # A 20,000-commit walk of 5,000 files writes 4.6 MiB in all, a 100,000-commit walk of 50,000 files
    # 23 MiB.  Linking reads the walk only once it has looked at every file (0.1 s and 1.3 s of them);
    # at 4 MiB git waited for that, idle, and cold linking of the 50,000 took 1.42x the walk, not 1.11x.
    UNREAD = 32 << 20

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]):
        import tempfile
        import threading
        from collections import deque

        read_end, write_end = os.pipe()
        if SETPIPE_SZ is not None:
            try:
                fcntl(write_end, SETPIPE_SZ, 1 << 20)
            except OSError:  # over the system's limit: the pipe stays as it is
                pass
        # A file, not a pipe, for git's messages: nobody reads them while git runs, and a full pipe would stop it.
        self._errors = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen(
                command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=write_end, stderr=self._errors
            )
        except BaseException as exc:
            os.close(read_end)
            self._errors.close()
            if isinstance(exc, OSError):
                raise GitUnavailable(_cannot_run(exc)) from None
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

    def stop(self) -> None:
        """Kill git if it still runs and stop the reader, without waiting for either: a git that walked a
        long history takes 10 ms to end (its memory given back), which close, later, waits for."""
        if self._process.poll() is None:
            self._process.kill()
        with self._handed:  # a reader waiting for room stops waiting
            self._closed = True
            self._handed.notify()

    def close(self) -> None:
        self.stop()
        self._process.wait()
        self._reader.join()
        self._errors.close()


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "git failed"


def _explain(said: str) -> str:
    """Git's refusal in one line; for `safe.directory`, with the folder git itself names."""
    if "dubious ownership" in said:
        root = said.rstrip().rpartition("safe.directory ")[2] if "safe.directory " in said else "it"
        return (
            f"git refuses to read {root}: another user owns it; if you trust it, run "
            f"git config --global --add safe.directory {root}"
        )
    return _first_line(said).removeprefix("fatal: ")


def session_start_revision(plan_file: Path, repo_setting: str | None) -> str | None:
    """HEAD's short name in the plan's work tree, where a session starting now begins; None without git or a commit."""
    return session_point(plan_file, repo_setting).head


class SessionPoint:
    """Where the work tree stands as a session starts or ends."""

    __slots__ = ("head", "plan_committed", "uncommitted", "plan_at_head", "by")

    def __init__(
        self,
        head: str | None,
        plan_committed: bool | None,
        uncommitted: tuple[str, ...],
        plan_at_head: bytes | None,
        by: str | None = None,
    ):
        self.head = head  # HEAD's short name; None without git or a commit
        self.plan_committed = plan_committed  # None without git
        self.uncommitted = uncommitted  # files (the plan aside) with changes git has not committed
        self.plan_at_head = plan_at_head  # the plan file as HEAD holds it, when it differs from the work tree
        self.by = by  # who git commits as here ("Name <email>"); None without git or an identity


def session_point(plan_file: Path, repo_setting: str | None) -> SessionPoint:
    """HEAD, whether the plan file is committed as it is, and what else is not committed."""
    try:
        with GitRepo.open(repo_start(plan_file, repo_setting)) as repo:
            head = repo.run("rev-parse", "--short", "--verify", "--quiet", "HEAD", check=False).decode().strip()
            out = repo.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames")
            plan = os.path.realpath(plan_file)
            locks = plan_locks(repo.root, plan)
            changed = []
            for entry in out.split(b"\0"):
                # tracker's own files, a write's lock and temporary file (a dashboard's write under way), are no work
                if len(entry) > 3 and not (entry.startswith(b"??") and is_own(os.fsdecode(entry[3:]), locks)):
                    changed.append(os.fsdecode(entry[3:]))
            dirty = [path for path in changed if os.path.realpath(repo.root / path) != plan]
            committed = len(dirty) == len(changed) and (head != "" or not plan_file.exists())
            held = None
            if not committed and head:
                inside = Path(plan).relative_to(os.path.realpath(repo.root)).as_posix()
                held = repo.run("show", f"HEAD:{inside}", check=False) or None
            return SessionPoint(head or None, committed, tuple(dirty), held, repo.committer())
    except (GitUnavailable, ValueError):
        return SessionPoint(None, None, (), None)


def committer_of(plan_file: Path, repo_setting: str | None) -> str | None:
    """Who git commits as in the plan's work tree ("Name <email>", as session_point's `by`); None without git or
    an identity.  Two quick git calls: the dashboard asks it as a key press opens a session's form."""
    try:
        with GitRepo.open(repo_start(plan_file, repo_setting)) as repo:
            return repo.committer()
    except GitUnavailable:
        return None


def work_tree(plan_file: Path, repo_setting: str | None) -> Path:
    """Where plan paths start: the git work tree of the plan, else the folder `repo:` names."""
    start = repo_start(plan_file, repo_setting)
    try:
        with GitRepo.open(start) as repo:  # one `git rev-parse`, quick enough for a key press
            return repo.root
    except GitUnavailable:
        return start


def git_index(plan_file: Path) -> Path | None:
    """The index of the work tree the plan file is in (where git keeps what it left unmerged, whatever the plan's
    `repo:` says); None without git.  One `git rev-parse`."""
    try:
        with GitRepo.open(Path(os.path.realpath(plan_file))) as repo:
            return repo.index_file
    except GitUnavailable:
        return None


def repo_start(plan_file: Path, repo_setting: str | None) -> Path:
    """Where to look for the work tree: the plan's `repo:` relative to the file, else the file's folder (the
    link's, for a plan that is a symlink: statusproc.plan_folder)."""
    base = Path(plan_folder(plan_file))
    if repo_setting:
        return Path(os.path.normpath(base / repo_setting))
    return base
