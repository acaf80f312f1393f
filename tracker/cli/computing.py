"""An answer computed and recorded when it was not replayed: one sequence for `status`, `validate` and `export`.

A replay missed (cli/replay.py).  The plan is loaded and linked, the answer
built and written, and kept if it still holds once written (Recorder.record).
Git is set going around the plan's file before the plan is read (git.Ahead):
one `git status` is both git's view before the answer, which the recorder
keeps, and the one linking reads; the walk of history starts too when the
answer surely needs last commits.  What differs between the commands is
passed in: how the answer is built, whether it needs last commits, which
plans with errors are answered, whether it reads the plan's own history, and
(`summary`) what it is made from in place of the plan's links.
"""

from __future__ import annotations

from pathlib import Path

from tracker.cli import replay
from tracker.git import Ahead, plan_folder, read_links, repo_start, unmerged_problem
from tracker.plan import is_ok, load
from tracker.support.memory import collect_again

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from tracker.plan import Loaded, Project


def compute(
    plan: Path,
    command: list[str],
    day: str,
    max_bytes: int,
    write: replay.Write,
    answer: Callable[[Loaded, replay.Basis], Iterable[str | bytes]],
    *,
    history: bool | Callable[[Project], bool],
    with_errors: bool = False,
    plan_history: bool = False,
    read: Callable[[Loaded], replay.Basis] | None = None,
) -> Loaded:
    """Load `plan`, read its links, and write `answer(loaded, basis)` through `write`, recorded under
    `command` (which names `day`) if it still holds; give the plan as loaded.  The answer reads the links as
    `basis.links`, and adds to `basis.revisions` what else it asked git that `git status` does not vouch for.

    `history`: whether the answer needs last commits: True or False when that is known before the plan
    is read (True walks history while the plan is parsed), else the rule that tells from the plan.
    `with_errors`: a plan that loaded with errors is answered too (if its model was built); a plan not
    answered is given back unlinked, nothing written or recorded, for the caller to say what is wrong.
    `plan_history`: the answer also reads the plan's own history, from the repository around its file;
    it is kept only when the links are read from there too, so that one `git status` vouches for both.
    A plan git has not merged (git.unmerged_problem) is given back with that error alone, unanswered.
    `read`: what the answer is made from, read from the repository the links would be (the plan's `repo:`,
    else around its file), in place of the plan's links; `history` is then not used.  Files the answer reads
    besides are added to `basis` as it reads them (Basis.read_too).
    """
    recorder = replay.Recorder(plan, command, day)
    early = recorder.ask_early(repo_start(plan, None))
    ahead = Ahead(plan, history=history is True, status=early) if read is None else None
    try:
        loaded = load(plan, max_bytes=max_bytes)
        collect_again()
        project = loaded.project
        if project is None or not (with_errors or is_ok(loaded)):
            return loaded
        start = repo_start(loaded.path, project.repo)
        # The plan's history is read around the plan's own folder (export/view.py); git's view is asked from
        # where the links are read, which the plan's `repo:` may put elsewhere.
        if not plan_history or str(start) == plan_folder(loaded.path):
            recorder.before_git(start)  # else nothing is kept (see Recorder.record)
        # A plan git left unmerged is one side alone: answered as its error alone, like conflict markers, and
        # never recorded.  The `git status` just read says so when it was asked from the plan's own folder.
        own = recorder.status if recorder.start == str(repo_start(loaded.path, None)) else None
        unmerged = unmerged_problem(loaded.path, str(loaded.path), own)
        if unmerged is not None:
            loaded.problems = [unmerged]
            return loaded
        if read is not None:
            basis = read(loaded)
        else:
            needed = history if isinstance(history, bool) else history(project)
            basis = replay.Basis(read_links(project, loaded.path, history=needed, ahead=ahead))
    finally:
        if ahead is not None:
            ahead.close()
        recorder.close()
    recorder.record(loaded.digest, basis, answer(loaded, basis), write, loaded.size)
    return loaded
