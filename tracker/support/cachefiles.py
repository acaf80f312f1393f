"""Where tracker keeps its caches, and how an entry gets there.

The caches live in $XDG_CACHE_HOME/tracker (else ~/.cache/tracker): parsed
plans (plan/parsecache.py), answers of `tracker status` (cli/replay.py) and what linking
remembers (git/lastcommit.py, git/linkcache.py, git/linkmemo.py).  Each names its entries
by what the entry depends on, including tracker's code, and treats any
trouble with the folder as a cache miss; the file signature and the rule for
files too new to trust are shared here.  This module imports nothing at its top
that a replayed answer does not need (not `pathlib`, `json`, `contextlib`
or `functools`): a replayed answer should not pay for what it replays.
"""

from __future__ import annotations

import os
import stat
import time
import zlib

from tracker import __version__
from tracker.support.treepath import inside

TYPE_CHECKING = False  # typing is not imported on the replay path (see support/faces.py)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import BinaryIO

# Caches made per work tree (last commits, links) keep the newest this many.
WORK_TREES_KEPT = 32
# The whole folder holds at most this many times the bytes of the plans it serves (the plans its
# entries were made for that still exist), and never less than the floor: what linking keeps per
# work tree (HEAD's listing, last commits) grows with the repository, not the plan, and a small
# plan in a repository of 50,000 files must keep it (about 10 MiB).  The oldest used entries go first.
SIZE_FACTOR = 3
SIZE_FLOOR = 32 << 20
# Where the plans it serves are listed (paths); the newest this many are kept.
_SERVED = "served-plans.json"
_SERVED_KEPT = 64
# A file changed this close to a computation may have changed during it without its times
# showing it (their granularity; git keeps the same rule for its index): never trusted.
RACY_NS = 2_000_000_000


# What shows that a file changed since: its type and mode, identity, size and both times.
SIGNATURE_FIELDS = ("st_mode", "st_ino", "st_dev", "st_size", "st_mtime_ns", "st_ctime_ns")


def stat_signature(info: os.stat_result) -> list[int]:
    """The SIGNATURE_FIELDS of a file's stat, spelled out (the replayed status's path takes a few)."""
    return [info.st_mode, info.st_ino, info.st_dev, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def link_target(root: str, link: str) -> tuple[str, os.stat_result | None]:
    """Where the symlink `link` leads (symlinks resolved), and that file's stat when it is inside the work tree
    `root` (resolved); None when nothing is there, or when it is outside.

    What a symlink leads to is part of a file's signature for the caches that watch files' stats, the links'
    (git/linkmemo.py) and the answers' (cli/replay.py), but only inside the work tree: a file a link leads out
    to is never read (git/links.py's symlink_reason), so no answer depends on it, and it is not looked at, not
    even its stat."""
    target = os.path.realpath(link)
    if inside(root, target) is None:
        return target, None
    try:
        return target, os.stat(target)
    except (OSError, ValueError):
        return target, None


def git_environment() -> list[str]:
    """The GIT_* variables, sorted: they change what git answers, so they are part of any key
    under which an answer of git's is kept."""
    return sorted(f"{name}={value}" for name, value in os.environ.items() if name.startswith("GIT_"))


def cache_dir() -> Path:
    from pathlib import Path

    return Path(cache_folder())


def cache_folder() -> str:
    """cache_dir as a string, for the replay path, which does without `pathlib`.

    A relative XDG_CACHE_HOME is ignored, as the XDG spec says: taken from the current folder, it put a
    cache folder into whatever repository a command ran in."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "tracker")


def code_key(*parts: str) -> str:
    """tracker's version plus the size and time of every module of the named parts of the package
    (`"plan"`, `"git"`, ...; none: the whole package), so that an upgrade, a development edit and a
    module moved between parts all change the key.

    The modules are found by walking the part's folders, not from a list kept by hand: a list
    misses the module added next, and a cache keyed by it serves what old code computed.
    """
    asked = (parts, __version__)
    key = _code_keys.get(asked)
    if key is None:
        key = _code_keys[asked] = _code_key(*asked)
    return key


# (parts, version) -> key, worked out once a process (a dict, not functools.cache: see above)
_code_keys: dict[tuple[tuple[str, ...], str], str] = {}


def _code_key(parts: tuple[str, ...], version: str) -> str:
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    items = [f"version:{version}"]
    for part in sorted(parts) or [""]:
        top = os.path.join(package, part)
        for folder, dirs, names in os.walk(top):
            dirs[:] = sorted(name for name in dirs if name != "__pycache__")
            for name in sorted(names):
                if not name.endswith((".py", ".j2")):
                    continue
                path = os.path.join(folder, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                items.append(f"{os.path.relpath(path, package)}:{info.st_size}:{info.st_mtime_ns}")
    return "|".join(items)


# Closes every entry write_entry makes: the CRC-32 of what precedes it, then this mark.
_SEAL = b"tracker-crc32"


def write_entry(file: Path, data: bytes, keep: int, serves: Path | None = None) -> None:
    """Write `file` atomically with its checksum, then keep only the `keep` newest entries of its kind
    (and the folder within its size; `serves`: the plan the entry is for)."""
    entry = NewEntry(file, keep, serves)
    entry.write(data)
    entry.write(seal_of(data))
    entry.commit()


def sealed(data: bytes) -> bytes:
    """`data` as write_entry stores it."""
    return data + seal_of(data)


def seal_of(*pieces: bytes | memoryview) -> bytes:
    """What closes an entry made of `pieces`, written one after another through NewEntry, as write_entry
    closes its data: read_entry then reads it."""
    crc = 0
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
    return crc.to_bytes(4, "big") + _SEAL


def open_entry(file: str | Path) -> BinaryIO:
    """`file` opened to read (its `name` the path, for `used`); OSError unless it is a regular file. A
    FIFO or device under an entry's name (a mistake, or another program's) is then a miss like any
    unreadable entry: opened without O_NONBLOCK, a FIFO would wait for a writer, and every command
    with it, without end."""
    return open(file, "rb", opener=_open_regular)


def _open_regular(path: str, flags: int) -> int:
    fd = os.open(path, flags | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path}: not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_entry(file: Path) -> memoryview | None:
    """What write_entry wrote to `file`, or None when it is missing, unreadable, or not whole and
    unchanged: a flipped bit or a truncated write is a cache miss, never data."""
    try:
        with open_entry(file) as opened:
            data = opened.read()
    except OSError:
        return None
    end = len(data) - len(_SEAL) - 4
    if end < 0 or not data.endswith(_SEAL):
        return None
    body = memoryview(data)[:end]
    if seal_of(body) != data[end:]:
        return None
    used(file)
    return body


def used(file: str | Path) -> None:
    """Mark an entry as just used, so that pruning by size takes the least recently used first."""
    try:
        os.utime(file)
    except OSError:  # a read-only folder: the entry only risks going sooner
        pass


class NewEntry:
    """An entry written piece by piece into a temporary file, renamed into place by `commit`.

    Readers see the old entry or the whole new one.  Every new entry pushes
    out the oldest of its kind beyond `keep` (every edit of a plan makes one).
    A cache that cannot be written (read-only, full, not a folder) is skipped
    silently: `write` and `commit` then do nothing.
    """

    def __init__(self, file: Path, keep: int, serves: str | Path | None = None):
        self.file = file
        self.keep = keep
        self.serves = serves
        # The pid alone is not enough: the dashboard writes caches from more than one thread.  The pid
        # comes last but one: it tells a later commit whether the writer is gone (see _abandoned).
        self.temporary = file.with_name(f".{file.name}.{os.urandom(4).hex()}-{os.getpid()}.tmp")
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o600)
            self.out: BinaryIO | None = os.fdopen(fd, "wb")
        except OSError:
            self.out = None

    def write(self, data: bytes) -> None:
        if self.out is None:
            return
        try:
            self.out.write(data)
        except OSError:
            self.discard()

    def commit(self) -> None:
        if self.out is None:
            return
        try:
            self.out.close()
            os.replace(self.temporary, self.file)
        except OSError:
            self.discard()
            return
        self.out = None
        kind = self.file.name.split("-", 1)[0] + "-"
        try:
            entries = []
            for item in os.scandir(self.file.parent):
                if item.name.startswith(kind) and item.name.endswith(self.file.suffix):
                    entries.append((item.stat().st_mtime_ns, item.path))
                elif item.name.endswith(".tmp") and _abandoned(item):
                    os.unlink(item.path)
            for _, path in sorted(entries, reverse=True)[self.keep :]:
                os.unlink(path)
        except OSError:
            pass
        if self.serves is not None:
            _note_served(self.file.parent, self.serves)
        prune_by_size(self.file.parent, self.file)

    def discard(self) -> None:
        if self.out is not None:
            try:
                self.out.close()
            except OSError:
                pass
            self.out = None
        try:
            self.temporary.unlink()
        except OSError:
            pass


def _note_served(folder: Path, plan: str | Path) -> None:
    """Add `plan` to the list of plans the folder serves (rewritten only when it is new there)."""
    import msgspec  # here, as _served

    name = os.path.abspath(plan)
    served = _served(folder)
    if name in served:
        return
    served = [*served[-(_SERVED_KEPT - 1) :], name]
    temporary = folder / f".{_SERVED}.{os.urandom(4).hex()}-{os.getpid()}.tmp"
    try:
        temporary.write_bytes(msgspec.json.encode(served))
        os.replace(temporary, folder / _SERVED)
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass


def _served(folder: Path) -> list[str]:
    import msgspec  # here: a replayed answer never asks (see above); msgspec's, as the plan is read with it

    try:
        with open_entry(folder / _SERVED) as file:
            served = msgspec.json.decode(file.read())
    except (OSError, ValueError, RecursionError):  # a damaged list: none served (bad UTF-8 is a ValueError)
        return []
    return [name for name in served if isinstance(name, str)] if isinstance(served, list) else []


def size_budget(folder: Path) -> int:
    """How many bytes the folder may hold: SIZE_FACTOR times the plans it serves, at least SIZE_FLOOR."""
    plans = 0
    for name in _served(folder):
        try:
            plans += os.stat(name).st_size
        except (OSError, ValueError):  # a plan gone: its entries no longer count for anything
            pass
    return max(SIZE_FLOOR, SIZE_FACTOR * plans)


def prune_by_size(folder: Path, keep: Path | None = None) -> None:
    """Remove the least recently used entries until the folder is within its budget; `keep` stays.

    An entry removed is only a cache miss for whoever wanted it next (a reader that has it open
    still reads it whole).
    """
    entries = []
    try:
        with os.scandir(folder) as found:
            for item in found:
                if item.name.startswith(".") or item.name == _SERVED or (keep is not None and item.name == keep.name):
                    continue
                try:
                    info = item.stat(follow_symlinks=False)
                except OSError:  # gone meanwhile: another process pruned it
                    continue
                if stat.S_ISREG(info.st_mode):
                    entries.append((info.st_mtime_ns, info.st_size, item.path))
        kept = os.stat(keep).st_size if keep is not None else 0
    except OSError:
        return
    total = kept + sum(size for _, size, _ in entries)
    budget = size_budget(folder)
    for _, size, path in sorted(entries):
        if total <= budget:
            break
        try:
            os.unlink(path)
        except OSError:
            pass
        total -= size


# A temporary untouched for this long is abandoned whoever wrote it: no entry takes minutes to write.
ABANDONED_NS = 15 * 60 * 1_000_000_000


def _abandoned(item: os.DirEntry) -> bool:
    """Whether the temporary `item` was left by a writer that is gone (killed before its rename):
    its process no longer runs here, or it has not been written to for ABANDONED_NS.  A cache folder
    shared between machines may see a live writer's temporary as abandoned; removing it only makes
    that writer skip its entry."""
    stem = item.name[: -len(".tmp")]
    pid = stem.rpartition("-")[2]
    if not item.name.startswith(".") or not pid.isdigit():
        return False  # not one of ours
    try:
        if time.time_ns() - item.stat(follow_symlinks=False).st_mtime_ns > ABANDONED_NS:
            return True
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (OSError, ValueError, OverflowError):  # PermissionError: the process runs, as another user
        return False
    return False
