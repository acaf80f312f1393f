"""The plan's files as a commit holds them: what a closed session's note reads instead of the work tree."""

from __future__ import annotations

from tracker.git.lastcommit import Walk
from tracker.git.links import FileLink, Links, RepoInfo
from tracker.git.repo import GitRepo
from tracker.plan import is_glob, normalize, unsafe_reason


def links_at(repo: GitRepo, sha: str | None, paths: list[str]) -> Links:
    """Links as commit `sha` holds the files: committed with their line count and last commit, or missing.

    What a closed session's note shows of its files, whatever the work tree holds now.
    """
    links = {}
    last: dict = {}
    if sha:
        full = repo.run("rev-parse", "--verify", f"{sha}^{{commit}}").decode("ascii").strip()
        wanted = [normalize(p) for p in paths if not unsafe_reason(p) and not is_glob(p)]
        walk = Walk(repo, [full])
        try:
            last = walk.chase(dict.fromkeys(wanted, full))[0]
        finally:
            walk.close()
    for path in paths:
        reason = unsafe_reason(path)
        if reason:
            links[path] = FileLink(path, "unsafe", note=f"path {reason}; it is never read")
            continue
        if is_glob(path):  # what a pattern matched then is not read back; it is neither drift nor a file made
            links[path] = FileLink(path, "", kind="pattern")
            continue
        data = repo.file_at(sha, normalize(path)) if sha else None
        if data is None and sha and repo.ok("cat-file", "-e", f"{sha}:{normalize(path)}"):
            links[path] = FileLink(path, "committed", last_commit=last.get(normalize(path)), kind="folder")
        elif data is None:
            links[path] = FileLink(path, "missing")
        elif b"\0" in data[:8000]:
            links[path] = FileLink(
                path, "committed", size=len(data), last_commit=last.get(normalize(path)), note="a binary file"
            )
        else:
            lines = data.count(b"\n") + (bool(data) and not data.endswith(b"\n"))
            links[path] = FileLink(path, "committed", lines, len(data), last.get(normalize(path)))
    return Links(RepoInfo(root=str(repo.root), head=sha), links)
