"""The plan's files as a commit holds them: what a closed session's note reads instead of the work tree."""

from __future__ import annotations

from collections.abc import Collection

from tracker.git.lastcommit import Walk
from tracker.git.links import FileLink, Links, RepoInfo, unsafe_link
from tracker.git.repo import GitRepo
from tracker.plan import is_glob, named_file, unsafe_reason


def links_at(repo: GitRepo, sha: str | None, paths: list[str], names: Collection[str] = ()) -> Links:
    """Links as commit `sha` holds the files: committed with their line count and last commit, or missing.

    What a closed session's note shows of its files, whatever the work tree holds now.  `names`: those
    of `paths` that are git's own names (the files the session's commits touched), taken as they are:
    "evidence/[2026] review.md" is no pattern, as a path the plan writes may be.
    """

    def held(path: str) -> bool:
        return bool(sha) and repo.ok("cat-file", "-e", f"{sha}:{path}")  # a path with a backslash, seldom

    keys: dict[str, str] = {}

    def key(path: str) -> str:
        if path not in keys:
            keys[path] = path if path in names else named_file(path, held)
        return keys[path]

    links = {}
    last: dict = {}
    if sha:
        full = repo.run("rev-parse", "--verify", f"{sha}^{{commit}}").decode("ascii").strip()
        wanted = [key(p) for p in paths if not unsafe_reason(p) and (p in names or not is_glob(p))]
        walk = Walk(repo, [full])
        try:
            last = walk.chase(dict.fromkeys(wanted, full))[0]
        finally:
            walk.close()
    for path in paths:
        reason = unsafe_reason(path)
        if reason:
            links[path] = unsafe_link(path, reason)
            continue
        # what a pattern matched then is not read back; it is neither drift nor a file made
        if is_glob(path) and path not in names:
            links[path] = FileLink(path, "", kind="pattern")
            continue
        data = repo.file_at(sha, key(path)) if sha else None
        if data is None and sha and repo.ok("cat-file", "-e", f"{sha}:{key(path)}"):
            links[path] = FileLink(path, "committed", last_commit=last.get(key(path)), kind="folder")
        elif data is None:
            links[path] = FileLink(path, "missing")
        elif b"\0" in data[:8000]:
            links[path] = FileLink(
                path, "committed", size=len(data), last_commit=last.get(key(path)), note="a binary file"
            )
        else:
            lines = data.count(b"\n") + (bool(data) and not data.endswith(b"\n"))
            links[path] = FileLink(path, "committed", lines, len(data), last.get(key(path)))
    return Links(RepoInfo(root=str(repo.root), head=sha), links)
