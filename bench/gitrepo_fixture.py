"""A big git history for benchmarks, built in seconds with `git fast-import`.

Files are created over the first quarter of the history; after that each commit
edits two files, mostly from a small "hot" set, so most files were last touched
long ago and a last-commit walk has to go deep, as it does in real projects.
The same arguments always give the same repository (fixed seed, dates, author).
"""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

AUTHOR = b"Bench Author <bench@example.org>"
START = 1_600_000_000  # commit dates: one a minute from here
ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Bench Author",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench Author",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}


def file_path(index: int) -> str:
    return f"src/mod{index // 100:03d}/file{index:05d}.js"


def build_history_repo(path: str | os.PathLike, commits: int = 20000, files: int = 5000, seed: int = 1) -> list[str]:
    """Create a repository at `path` (must not exist or be empty) and return its file paths."""
    if commits < files:
        raise ValueError("need at least one commit per file")
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **ENV}
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=env)
    # Uncompressed objects halve the build time; git reads them as fast or faster.
    importer = subprocess.Popen(
        ["git", "-c", "core.compression=0", "-c", "pack.compression=0", "fast-import", "--quiet", "--done"],
        cwd=root,
        env=env,
        stdin=subprocess.PIPE,
    )
    assert importer.stdin is not None
    importer.stdin.write(_stream(commits, files, seed))
    importer.stdin.close()
    if importer.wait():
        raise RuntimeError("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True, env=env)
    return [file_path(i) for i in range(files)]


def _stream(commits: int, files: int, seed: int) -> bytes:
    rng = random.Random(seed)
    creating = max(files, commits // 4)  # commits over which the files appear
    hot = max(1, files // 20)
    versions = [0] * files
    created = 0
    out: list[bytes] = []
    for number in range(commits):
        touched: list[int] = []
        due = (number + 1) * files // creating if number < creating else files
        while created < min(due, files):
            touched.append(created)
            created += 1
        if created and number >= creating // 2:
            for _ in range(2):
                pool = min(hot, created) if rng.random() < 0.8 else created
                touched.append(rng.randrange(pool))
        message = f"Change {number}: touch {len(touched)} file(s)\n".encode()
        when = f"{START + number * 60} +0000".encode()
        out += [
            b"commit refs/heads/main\n",
            b"author " + AUTHOR + b" " + when + b"\n",
            b"committer " + AUTHOR + b" " + when + b"\n",
            b"data %d\n" % len(message),
            message,
        ]
        for index in dict.fromkeys(touched):
            versions[index] += 1
            body = (
                f"// {file_path(index)} version {versions[index]}\n"
                + "export const x = 1;\n" * (1 + (index + versions[index]) % 7)
            ).encode()
            out += [b"M 100644 inline " + file_path(index).encode() + b"\n", b"data %d\n" % len(body), body]
        out.append(b"\n")
    out.append(b"done\n")
    return b"".join(out)
