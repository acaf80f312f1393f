"""The one door to git: find the work tree of a plan and run git in it.

Every git call in tracker goes through `GitRepo.run`, which puts paths after
`--` and reads raw bytes, so file names are never options and never quoted.
GitPython finds and opens the repository; what it opens is closed by
`GitRepo.close()` (it keeps `git cat-file` processes alive otherwise, and the
TUI runs for hours).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class GitUnavailable(Exception):
    """No usable git work tree; the message says why, for the git columns."""


@dataclass(slots=True)
class GitRepo:
    root: Path
    _repo: object  # git.Repo, kept untyped so importing this module stays cheap

    @classmethod
    def open(cls, start: Path) -> GitRepo:
        """The work tree that contains `start` (a file or folder)."""
        import git  # imported here: only commands that need git pay for it

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
        return cls(Path(repo.working_tree_dir), repo)

    def run(self, *args: str, paths: list[str] | tuple[str, ...] = (), check: bool = True) -> bytes:
        """`git ARGS -- PATHS` in the work tree, returning raw stdout."""
        import git

        command = ["git", *args]
        if paths:
            command += ["--", *paths]
        try:
            return self._repo.git.execute(  # type: ignore[attr-defined]
                command, as_process=False, stdout_as_string=False, with_extended_output=False,
                env={"GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
            )
        except git.GitCommandError as exc:
            if check:
                stderr = exc.stderr if isinstance(exc.stderr, str) else str(exc.stderr)
                raise GitUnavailable(_first_line(stderr.strip().removeprefix("stderr: ").strip("'\" ")
                                                 or str(exc))) from None
            return b""

    def close(self) -> None:
        self._repo.close()  # type: ignore[attr-defined]

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "git failed"


def repo_start(plan_file: Path, repo_setting: str | None) -> Path:
    """Where to look for the work tree: the plan's `repo:` relative to the file, else the file's folder."""
    base = plan_file.resolve().parent
    if repo_setting:
        return Path(os.path.normpath(base / repo_setting))
    return base
