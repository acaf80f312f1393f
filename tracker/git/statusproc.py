"""`git status` as a replayed answer asks it (and `git rev-parse`, for a summary's revisions): started and
read with nothing but `os` and `select`.

A replayed `tracker status` is one C++ process's time in Taskwarrior (57 ms
at 10,000 tasks), and Python starting is a quarter of that.  `subprocess`
would bring `signal`, `enum`, `threading`, `selectors`, `contextlib` and
`collections` with it (6 ms), for one process started and read to its end.
So the process is started with `posix_spawnp` and read here; linking, which
imports the rest anyway, runs git through repo.py.

What git is run with, for both (GIT_ENV, STATUS_ARGS, `git_env`), is kept
here, so they cannot drift apart: a replay compares this `git status`'s bytes
with those it saw when the answer was recorded.
"""

from __future__ import annotations

import os

# Optional locks would let a read-only status refresh the index under the
# user's feet; LC_ALL=C keeps git's own messages parseable.
GIT_ENV = {"GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
# What linking reads the work tree with, and what a replayed answer is checked against.
STATUS_ARGS = ("status", "--porcelain=v2", "-z", "--branch", "--untracked-files=all", "--no-renames")

# The variables that name the repository and work tree git reads, whatever folder it runs in.
_PLACES = ("GIT_DIR", "GIT_WORK_TREE")

_KILL = 9  # SIGKILL on every POSIX system; `signal` would import `enum` for its name
# SIGPIPE and SIGXFSZ, which Python ignores and git should not (subprocess's restore_signals): 13 and 25
# on Linux and macOS alike.
_RESTORED = (13, 25)


def plan_folder(plan_file: str | os.PathLike[str]) -> str:
    """The folder that holds the plan's name as the user named it, resolved as git takes its working folder:
    where the plan's repository is looked for (repo.repo_start) and what a replayed answer is kept for
    (cli/replay.py).  A plan that is a symlink is its link's repository's, not the one of the file it leads
    to: that one may be outside any repository, or in another, and the plan's deliverables are the link's."""
    return os.path.realpath(os.path.dirname(os.path.abspath(plan_file)))


def git_env(start: str | None = None) -> dict[str, str]:
    """The environment git runs in for tracker, asked from `start`: GIT_ENV over the user's, less a GIT_DIR
    or GIT_WORK_TREE that names another repository than `start`'s own.

    Git's hooks (and `rebase -x`, `submodule foreach`) export GIT_DIR alone;
    git then takes the folder it runs in as the top of the work tree, and
    asked from the plan's folder would call everything outside it deleted.
    Without it, git finds the plan's repository as it would for the user
    there.  GIT_DIR with GIT_WORK_TREE (a home folder kept in a bare
    repository) names both, and is kept, made absolute: the user's git reads
    them from the folder tracker was started in, and tracker runs git from
    others (`-C` the plan's folder, the repository's root).  Kept, that is,
    when they name the repository `start` is in: not when `start` has a
    repository of its own that they do not name, or is outside the work tree
    they name; tracker would otherwise report another repository's files and
    HEAD as the plan's (see `ignored_git_variables`).  Without `start`
    (`git merge-file`, which reads no repository) they are kept as given.
    """
    env = _without_places()
    named = _named()
    ignored = ignored_git_variables(start) if named and start is not None else ()  # decided, and said, here
    if "GIT_WORK_TREE" in named and not ignored:
        env.update(named)
    return env


_IGNORED: dict[tuple[str, ...], tuple[str, ...]] = {}  # (start, GIT_DIR, GIT_WORK_TREE) -> the names ignored


def ignored_git_variables(start: str) -> tuple[str, ...]:
    """Which of GIT_DIR and GIT_WORK_TREE (set, not empty) tracker leaves out of git's environment asked from
    `start`, because they name another repository than the one `start` is in; said once on stderr.

    The one home of that rule, for linking (repo.py) and for a replay's `git status` alike.  Decided by
    git itself, only when one of them is set: where `git rev-parse` finds the repository from `start`
    without them, and where with them.  A GIT_DIR alone is left out in any case (see `git_env`), and
    named only when it is not `start`'s repository's (a hook's is)."""
    given = _named()
    if not given or not _enterable(start):
        return ()
    key = (start, *(f"{name}={value}" for name, value in sorted(given.items())))
    if key in _IGNORED:
        return _IGNORED[key]
    plain = _without_places()
    own = _where(start, plain)
    if "GIT_WORK_TREE" in given:
        theirs = _where(start, {**plain, **given})
        if theirs is not None and (theirs == own or own is None and _inside(start, theirs[1])):
            ignored: tuple[str, ...] = ()
        else:
            ignored = tuple(sorted(given))
    else:
        ignored = () if own is not None and os.path.realpath(given["GIT_DIR"]) == own[0] else ("GIT_DIR",)
    _IGNORED[key] = ignored
    if ignored:
        these = " and ".join(f"{name}={given[name]}" for name in ignored)
        own_is = f"its own, at {own[1]}" if own is not None else "none: it is in no git repository"
        _say(
            f"tracker: warning: {these} name{'s' * (len(ignored) == 1)} another git repository than the plan's"
            f" ({own_is}); tracker reads the plan's and leaves {' and '.join(ignored)} out. Unset"
            f" {'it' if len(ignored) == 1 else 'them'} to see the same in git.\n"
        )
    return ignored


_SAID: set[str] = set()  # each warning once a process, though git is asked from several folders


def _say(warning: str) -> None:
    import sys

    if warning not in _SAID and sys.stderr is not None:  # started with stderr closed: nowhere to say it
        _SAID.add(warning)
        sys.stderr.write(warning)


def _without_places() -> dict[str, str]:
    """GIT_ENV over the user's environment, less GIT_DIR and GIT_WORK_TREE."""
    return {name: value for name, value in {**os.environ, **GIT_ENV}.items() if name not in _PLACES}


def _named() -> dict[str, str]:
    """GIT_DIR and GIT_WORK_TREE as the user set them (not empty), made absolute from the current folder."""
    return {name: os.path.abspath(value) for name in _PLACES if (value := os.environ.get(name, ""))}


def _enterable(start: str) -> bool:
    # Not a folder git can enter (gone, a file, no search permission): `git -C` would say so, the same
    # before and after the folder appears, and vouch for an answer that no longer holds.
    return os.path.isdir(start) and os.access(start, os.X_OK)


def _where(start: str, env: dict[str, str]) -> tuple[str, str] | None:
    """The git folder and work tree's top `git rev-parse` finds from `start` in `env`; None if none."""
    run = _spawn(start, ("rev-parse", "--absolute-git-dir", "--show-toplevel"), env)
    if run is None:
        return None
    code, out, _ = run.answer()
    found = os.fsdecode(out).split("\n")
    if code or len(found) < 3:  # no repository, a bare one, or a path with a newline: nothing to compare
        return None
    return os.path.realpath(found[0]), os.path.realpath(found[1])


def _inside(start: str, top: str) -> bool:
    return os.path.commonpath([os.path.realpath(start), top]) == top


class StatusRun:
    """A `git status` running from one folder: `answer` reads it to its end, `stop` ends it unread."""

    def __init__(self, pid: int, out: int, err: int):
        self.pid = pid
        self._pipes = [out, err]
        self._ended: int | None = None  # git's exit status, once waited for
        self._answer: tuple[int, bytes, bytes] | None = None

    def answer(self) -> tuple[int, bytes, bytes]:
        """Git's exit status (negative: the signal that ended it), standard output and standard error.

        Read once and kept: the answer cache and linking may both take this one run's answer.
        """
        if self._answer is None:
            self._answer = self._read()
        return self._answer

    def _read(self) -> tuple[int, bytes, bytes]:
        import select

        out, err = self._pipes
        got: dict[int, list[bytes]] = {out: [], err: []}
        poller = select.poll()
        for fd in got:
            poller.register(fd, select.POLLIN)
        try:
            reading = len(got)
            while reading:  # both at once: git blocks on a full stderr pipe as on a full stdout one
                for fd, _ in poller.poll():
                    data = os.read(fd, 1 << 16)
                    if data:
                        got[fd].append(data)
                    else:
                        poller.unregister(fd)
                        reading -= 1
        except BaseException:  # Ctrl+C: no git left running, no pipe left open
            self.stop()
            raise
        status = self._wait(kill=False)
        return status, b"".join(got[out]), b"".join(got[err])

    def stop(self) -> None:
        """Kill git if it still runs, wait for it, and close its pipes unread (a hook may hold them open)."""
        self._wait(kill=True)

    def _wait(self, kill: bool) -> int:
        if self._ended is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG) if kill else (0, 0)
                if pid == 0:  # still running (or not asked): killed if asked, then waited for
                    if kill:
                        os.kill(self.pid, _KILL)
                    status = os.waitpid(self.pid, 0)[1]
            except ChildProcessError:  # SIGCHLD ignored, inherited through exec: the system reaped git and
                status = 0  # its status is lost; 0, as subprocess takes it (a refusal then reads as no answer)
            self._ended = os.waitstatus_to_exitcode(status)
        for fd in self._pipes:
            os.close(fd)
        self._pipes = []
        return self._ended


def revision_args(name: str) -> tuple[str, ...]:
    """How a summary asks git which commit a revision it was given (`--since`, a session's `since` or
    `until`) names, and how a replay of that summary asks again (see cli/replay.py)."""
    return ("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")


def ask_status(start: str) -> StatusRun | None:
    """`git status` (STATUS_ARGS, in git_env) started as if from `start`; None if git cannot run."""
    return ask_git(start, STATUS_ARGS)


def ask_git(start: str, args: tuple[str, ...]) -> StatusRun | None:
    """`git ARGS` (in git_env) started as if from `start`; None if git cannot run."""
    return _spawn(start, args, git_env(start))


def _spawn(start: str, args: tuple[str, ...], env: dict[str, str]) -> StatusRun | None:
    if not _enterable(start):
        return None
    out_read, out_write = os.pipe()  # not inherited: only the ends the actions below give git are
    err_read, err_write = os.pipe()
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_DUP2, out_write, 1),
        (os.POSIX_SPAWN_DUP2, err_write, 2),
        *_closing_inherited(),
    ]
    try:
        # -C: posix_spawn has no working folder of its own; git then runs as if started there.
        pid = os.posix_spawnp(
            "git",
            ["git", "-C", start, *args],
            env,
            file_actions=actions,
            setsigdef=_RESTORED,
        )
    except OSError:
        os.close(out_read)
        os.close(err_read)
        return None
    finally:
        os.close(out_write)
        os.close(err_write)
    return StatusRun(pid, out_read, err_read)


def _closing_inherited() -> list[tuple[int, int]]:
    """Actions closing, in git, what tracker's own parent left open and inheritable (Python's own
    descriptors are not inheritable): what subprocess's close_fds does for linking's git.  Where the
    open descriptors cannot be listed, git gets them, as any program posix_spawn starts does."""
    for listing in ("/proc/self/fd", "/dev/fd"):
        try:
            names = os.listdir(listing)
            break
        except OSError:
            continue
    else:
        return []
    actions = []
    for name in names:
        fd = int(name)
        try:
            if fd > 2 and os.get_inheritable(fd):
                actions.append((os.POSIX_SPAWN_CLOSE, fd))
        except OSError:  # the listing's own descriptor, closed once it was read
            continue
    return actions
