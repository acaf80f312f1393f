"""`tracker status` answers, replayed while nothing they depend on has changed.

On a 10,000-issue plan `status --json` spends its time building and encoding
a report of tens of megabytes that is, most of the time, the one it printed
last time.  That
answer depends on the plan's bytes, tracker's code, the command line, and
git's view of the work tree.  An entry records each of them, and every run
checks each of them again before replaying:

- the plan: its stat signature, or else its SHA-256;
- the code: tracker's version and the size and time of each of its modules;
- `git status` (HEAD, branch, index and untracked files), asked every time
  from the same folder, so a repository appearing nearer the plan shows too;
- every file the answer reports on: its lstat (inode, size, times) and, for a
  symlink, where it leads.

An answer is recorded only when git said the same before and after it was
computed, and no file it depends on changed within two seconds of that (the
rule git uses for its own index): a change made while the answer was being
computed can then never hide behind it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import time
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .cachefiles import cache_dir, code_key, write_entry

if TYPE_CHECKING:
    from .gitlinks import Links

FORMAT = "tracker answer cache 1"
KEEP = 16  # answers kept: one per plan and command line
RACY_NS = 2_000_000_000  # a file changed this close to the computation may have changed during it
_GIT_ENV = {"GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}  # as gitrepo runs git: never touch the index
_STATUS = ("git", "status", "--porcelain=v2", "-z", "--branch", "--untracked-files=all", "--no-renames")

Signature = list[int]  # empty: nothing there


def replay(plan: Path, command: Iterable[str]) -> str | bytes | None:
    """The recorded answer of `command` on `plan`, if everything it depends on is unchanged."""
    key = _key(plan, command)
    try:
        with open(_entry_path(key), "rb") as file:
            entry = json.loads(file.read(int.from_bytes(file.read(4), "big")))
            if entry["format"] != FORMAT or entry["key"] != key or not _unchanged(plan, entry):
                return None
            answer = file.read(entry["size"] + 1)
        if len(answer) != entry["size"] or zlib.crc32(answer) != entry["crc"]:
            return None
        return answer.decode("utf-8") if entry["text"] else answer
    # Whatever a damaged or foreign entry makes go wrong here, the answer is computed afresh.
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None


def _unchanged(plan: Path, entry: dict) -> bool:
    if not _same_plan(plan, entry["plan"], entry["digest"]):
        return False
    status = _git_status(entry["start"])
    if status is None or _sha(status) != entry["status"]:
        return False
    root = entry["root"]
    return all(_file_signature(root, path) == (signature, target) for path, signature, target in entry["files"])


class Recorder:
    """What an answer depends on, taken before it is computed; `finish` stores the answer if it still holds."""

    def __init__(self, plan: Path, command: Iterable[str]):
        self.plan = plan
        self.key = _key(plan, command)
        self.began = time.time_ns()
        self.plan_signature = self._settled(_signature(plan, follow=True))  # taken before the plan is read
        self.start: str | None = None
        self.status: bytes | None = None

    def before_git(self, start: Path) -> None:
        """Call with the folder git will be asked from, before anything asks it."""
        self.start = str(start)
        self.status = _git_status(self.start)

    def finish(self, digest: str, links: Links, answer: str | bytes) -> None:
        """Store `answer`, computed from the plan with `digest` and from `links`, if it is safe to replay."""
        from .planpaths import normalize, unsafe_reason  # here: replaying needs neither the model nor msgspec

        root = links.repo.root
        if self.start is None or self.status is None or root is None or _git_status(self.start) != self.status:
            return
        # Every file the links were measured from, and what decides what git ignores or remembers.
        paths = {".gitignore", ".git/info/exclude", ".git/shallow"}
        for written, link in links.links.items():
            if not unsafe_reason(written):
                paths.add(normalize(written))
            paths.update(member.path for member in link.matches)
        files = []
        for path in sorted(paths):
            signature, target = _file_signature(root, path)
            if self._settled(signature) is None:
                return
            files.append([path, signature, target])
        data = answer.encode("utf-8") if isinstance(answer, str) else answer
        header = json.dumps({
            "format": FORMAT, "key": self.key,
            "plan": self.plan_signature or [],  # empty: written too recently to trust its times; hash it
            "digest": digest,
            "start": self.start,  # where git is asked from
            "status": _sha(self.status),
            "root": root,
            "files": files,  # [path under root, lstat, where a symlink leads]
            "text": isinstance(answer, str),  # text is written in the terminal's encoding; JSON is UTF-8
            "size": len(data), "crc": zlib.crc32(data),
        }).encode()
        write_entry(_entry_path(self.key), [len(header).to_bytes(4, "big"), header, data], KEEP)

    def _settled(self, signature: Signature) -> Signature | None:
        """The signature, or None if its times are too close to this run to prove anything."""
        if signature and max(signature[4], signature[5]) >= self.began - RACY_NS:
            return None
        return signature


def _key(plan: Path, command: Iterable[str]) -> str:
    package = Path(__file__).parent
    modules = sorted(name[:-3] for name in os.listdir(package) if name.endswith(".py"))
    git_env = sorted(f"{name}={value}" for name, value in os.environ.items() if name.startswith("GIT_"))
    material = "\0".join([FORMAT, code_key(modules), os.path.realpath(plan), *command, "", *git_env])
    return _sha(material.encode("utf-8", "surrogateescape"))


def _entry_path(key: str) -> Path:
    return cache_dir() / f"answer-{key[:40]}.bin"  # a JSON header, then the answer


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _signature(path: str | os.PathLike, follow: bool = False) -> Signature:
    try:
        info = os.stat(path) if follow else os.lstat(path)
    except (OSError, ValueError):
        return []
    return [info.st_mode, info.st_ino, info.st_dev, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def _file_signature(root: str, path: str) -> tuple[Signature, str]:
    full = f"{root}/{path}"  # git paths use "/" on every system
    signature = _signature(full)
    if not signature or not stat.S_ISLNK(signature[0]):
        return signature, ""
    target = os.path.realpath(full)
    inside = target == root or target.startswith(root.rstrip(os.sep) + os.sep)
    # What a link inside the work tree leads to is read; one leading out never is.
    return signature + (_signature(target) if inside else []), target


def _same_plan(plan: Path, signature: Signature, digest: str) -> bool:
    if signature and _signature(plan, follow=True) == signature:
        return True
    try:
        return _sha(plan.read_bytes()) == digest
    except OSError:
        return False


def _git_status(start: str) -> bytes | None:
    try:
        done = subprocess.run(_STATUS, cwd=start, env={**os.environ, **_GIT_ENV}, stdin=subprocess.DEVNULL,
                              capture_output=True)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None
