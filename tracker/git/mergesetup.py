"""`tracker git setup`: the plan's `.gitattributes` line and the repository's `merge.tracker` config."""

from __future__ import annotations

from pathlib import Path

from tracker.git.planhistory import plan_in
from tracker.git.repo import GitRepo
from tracker.support.atomicfile import write_atomic

NAME = "tracker: merge the plan by its structure"
# git 2.44+ puts the sides' names there (quoted); older git passes them as they are, and the driver
# names the sides itself (git/mergelabels.py).
LABELS = "--ours-label %X --theirs-label %Y"


def attribute_line(repo: GitRepo, plan: Path) -> str:
    """`/path/of/the/plan merge=tracker`, anchored at the top of the work tree, naming that file alone."""
    # The line's path is a pattern: `*`, `?` and `[` in a file name would match other files, or (`[draft]`:
    # one of five letters) not the plan itself, so they and the escape itself are escaped.
    pattern = "".join("\\" + c if c in "*?[\\" else c for c in plan_in(repo, plan))
    if any(c.isspace() or c in '"\\' for c in pattern):
        quoted = pattern.replace("\\", "\\\\").replace('"', '\\"')
        return f'"/{quoted}" merge=tracker'
    return f"/{pattern} merge=tracker"


def set_up_merge(plan: Path, command: str) -> list[str]:
    """Write what git needs to merge `plan` with `command` (tracker's own); say what changed."""
    repo = GitRepo.open(plan)
    changes = []
    line = attribute_line(repo, plan)
    attributes = repo.root / ".gitattributes"
    text = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    if line not in text.splitlines():
        _write(attributes, (text + ("" if not text or text.endswith("\n") else "\n") + line + "\n").encode())
        changes.append(f"added to {attributes}: {line}")
    wanted = {
        "merge.tracker.name": NAME,
        "merge.tracker.driver": f"{command} merge-file %O %A %B --path %P --marker-size %L {LABELS}",
    }
    for key, value in wanted.items():
        now = repo.run("config", "--local", "--get", key, check=False).decode("utf-8", "replace").rstrip("\n")
        if now != value:
            repo.run("config", "--local", key, value)
            changes.append(f"set git config {key} = {value}")
    return changes


def undo_merge(plan: Path) -> list[str]:
    """Remove what set_up_merge wrote; say what changed."""
    repo = GitRepo.open(plan)
    changes = []
    line = attribute_line(repo, plan)
    attributes = repo.root / ".gitattributes"
    if attributes.exists():
        lines = attributes.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [each for each in lines if each.rstrip("\r\n") != line]
        if len(kept) != len(lines):
            _write(attributes, "".join(kept).encode())
            changes.append(f"removed from {attributes}: {line}")
    if repo.run("config", "--local", "--get-regexp", r"^merge\.tracker\.", check=False):
        repo.run("config", "--local", "--remove-section", "merge.tracker")
        changes.append("removed git config section merge.tracker")
    return changes


def _write(attributes: Path, data: bytes) -> None:
    """write_atomic, its OSError naming the file (a full disk's ENOSPC names none) for the user's message."""
    try:
        write_atomic(attributes, data)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(attributes)) from None
