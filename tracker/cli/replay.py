"""Answers of `tracker status`, `validate`, `export` and `summary`, replayed while nothing they depend on has changed.

Each command names its command line (`command_line`: its options and today's
date) and gives what it wrote as pieces: text (a status table, validate's
verdict: cli/validation.py) or bytes (`status --json`, an export, a session's
note: cli/summary.py).

On a 10,000-issue plan `status --json` spends its time building and encoding
a report of tens of megabytes that is, most of the time, the one it printed
last time.  That
answer depends on the plan's bytes, tracker's code, the command line, and
git's view of the work tree.  An entry records each of them, and every run
checks each of them again before replaying:

- the plan: its stat signature, or else its SHA-256 (an answer recorded
  within two seconds of the plan's last change cannot trust its times; the
  first replay after they can be trusted keeps them in the entry);
- the code: tracker's version and the size and time of each of its modules,
  the Python running it (its csv, json and Unicode tables shape answers too),
  and where and when the libraries that write answers (msgspec: JSON; Jinja2,
  MarkupSafe: HTML) were installed, so an upgrade of one is a miss;
- `git status` (HEAD, branch, index and untracked files), asked every time
  from the same folder, so a repository appearing nearer the plan shows too;
  outside git, its refusal (a repository appearing anywhere above shows).
  When no folder from there up to the root holds anything git's discovery
  could take for a repository (`.git`, or a bare repository's HEAD, objects
  or refs), git can only refuse again, and is not asked: a `status` outside
  git is then one process, not two;
- every file the answer reports on, missing ones included: its lstat (inode,
  size, times; nothing for a file not there yet) and, for a symlink, where it
  leads.  Outside git, the files are those under the folder the plan's paths
  were looked for in;
- what else the answer was made from (its Basis; a summary's note has all
  three): more files by their lstat (the ignore files that decide whether the
  note's own file is one the session made), every file `git status` calls
  changed when the answer read their content (a diff against the work tree:
  one already modified may change again with git saying what it said), and
  the revisions it named (`--since main`, a session's `since: 1a2b3c4`; for
  validate, those it found no commit for), asked of git again from the work
  tree's root: a branch, a tag or a short object id can come to name another
  commit, or none, and one that named none can come to name one (a fetch),
  while HEAD stays where it was.

An answer is recorded only when git said the same before and after it was
computed, and no file it depends on changed within two seconds of that (the
rule git uses for its own index): a change made while the answer was being
computed can then never hide behind it.  Nor is it recorded when the day it
is named for is over by then.  The `git status` before is the one linking
reads (cli/computing.py lends it to git.Ahead): the links are made from the
very view the entry keeps.  (A summary's gathering asks git itself, between
the two.)
"""

from __future__ import annotations

import marshal
import os
import stat
import time
import zlib

from tracker.git import StatusRun, ask_git, ask_status, plan_folder, revision_args
from tracker.support.cachefiles import (
    RACY_NS,
    NewEntry,
    cache_folder,
    code_key,
    git_environment,
    link_target,
    open_entry,
    stat_signature,
    used,
)

# Nothing else is imported at the top, and typing not at all: a replayed `status` is 40 ms against
# Taskwarrior's 57, and `json`, `hashlib`, `subprocess`, `pathlib`, `datetime` and `functools`, with
# the `re`, `enum` and `collections` they bring, were 15 ms of it (tests/test_answers.py checks).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path
    from typing import Any, BinaryIO

    from tracker.git import Links
    from tracker.plan import Loaded

    Write = Callable[[str | bytes], None]

FORMAT = "tracker answer cache 5"
KEEP = 16  # answers kept: one per plan and command line

Signature = list[int]  # empty: nothing there


class Basis:
    """What an answer was made from besides the plan, git's view and the day: the links it reports on,
    and what else it read that those do not show (a summary's: see notes/gather.py's Gathered)."""

    __slots__ = ("links", "revisions", "paths", "changed")

    def __init__(
        self,
        links: Links,
        revisions: Iterable[tuple[str, str]] = (),
        paths: Iterable[str] = (),
        changed: bool = False,
    ):
        self.links = links
        # Revisions the answer named ([name, commit]; "" for none): a name other than HEAD (a branch, a tag, a
        # short object id) may come to name another commit, or none, and one that named none may come to name
        # one (a fetch), with `git status` saying what it said.
        self.revisions = [[name, sha] for name, sha in revisions]
        self.paths = list(paths)  # more files under the links' root whose content or presence counts
        # The answer read every changed tracked file's content (a diff against the work tree): a file
        # `git status` already calls modified may change again without its saying anything new.
        self.changed = changed

    def read_too(self, files: Iterable[str]) -> None:
        """Files the answer read besides the links (absolute paths, anywhere): a change to one is a miss."""
        root = self.links.repo.root or self.links.base
        if root is not None:  # else nothing is kept (see Recorder._files)
            self.paths += [os.path.relpath(path, root) for path in files]


def status_command(
    as_json: bool, ascii_only: bool, files: bool, max_bytes: int, day: datetime.date | str | None = None
) -> list[str]:
    """How a `tracker status` command line is named in the cache, however it was spelled."""
    return command_line("status", day, json=as_json, ascii=ascii_only, files=files, max_bytes=max_bytes)


def command_line(name: str, day: datetime.date | str | None = None, **options: object) -> list[str]:
    """How the command line of command `name` is named in the cache: its options in a fixed order, and
    today's date (default: clock.today_text()), since what is overdue or stale changes with the day."""
    from tracker.support.clock import today_text

    spelled = [f"--{option.replace('_', '-')}={value}" for option, value in options.items()]
    return [name, *spelled, f"--today={day or today_text()}"]


def replay(plan: str | Path, command: Iterable[str], write: Write, max_bytes: int) -> bool:
    """Write the recorded answer of `command` on `plan` if all it depends on is unchanged; else write nothing.

    `max_bytes`: the most of the plan read to compare it, as every command reads it (--max-bytes).

    Errors of `write` itself (a closed pipe, a full disk) are the caller's: they are not a cache miss.
    """
    key = _key(plan, command)
    try:
        file = open_entry(_entry_path(key))
    except OSError:
        return False
    with file:
        try:
            entry = _valid_entry(file, plan, key, max_bytes)
            text = b"".join(_unpacked(file, entry)).decode("utf-8") if entry and entry["text"] else None
        # Whatever a damaged or foreign entry makes go wrong here, the answer is computed afresh.
        except (
            OSError,
            ValueError,
            TypeError,
            KeyError,
            IndexError,
            AttributeError,
            RecursionError,
            EOFError,
            zlib.error,
        ):
            return False
        if entry is None:
            return False
        if text is not None:
            write(text)
        else:
            for piece in _unpacked(file, entry):
                write(piece)
        if entry.get("settled"):
            _settle(file, entry, key, plan)
    used(file.name)
    return True


def replayed_or_computed(
    plan: str | Path,
    command: list[str],
    day: str,
    max_bytes: int,
    write: Write,
    answer: Callable[[Loaded, Basis], Iterable[str | bytes]],
    **how: Any,
) -> Loaded | None:
    """The recorded answer of `command` written through `write` (None), else the plan loaded and `answer`
    computed, written and recorded for `day` (cli/computing.py's compute, `how` its options): the plan as
    loaded, for the caller to say what is wrong with it."""
    if replay(plan, command, write, max_bytes):
        return None
    from pathlib import Path  # here: a replay imports neither (see above)

    from tracker.cli.computing import compute

    return compute(Path(plan), command, day, max_bytes, write, answer, **how)


def _settle(file: BinaryIO, entry: dict, key: str, plan: str | Path) -> None:
    """Keep the entry again with the plan's stat signature, which it was recorded without.

    An answer recorded within two seconds of the plan's last change (the
    status right after a `set` or a save) cannot trust the plan's times, so
    every replay hashed the whole plan (8 MiB: 30 ms, half a replay).  Once a
    replay has found the plan's bytes unchanged under a signature old enough to
    be trusted, that signature is kept, as git refreshes a racily clean index.
    """
    from pathlib import Path

    now = entry.pop("settled")  # before the copy: an entry kept with it would be kept again at every replay
    settled = {**entry, "plan": now}
    new = NewEntry(Path(_entry_path(key)), KEEP, plan)
    for chunk in _chunks(file, entry["size"]):
        new.write(chunk)
    new.write(_header(settled))
    new.commit()


def _header(entry: dict) -> bytes:
    """How an entry's header is kept after its answer: marshalled (no `json` to import, and a tenth of
    its time for the 5,000 files of a big plan), its CRC-32, and the length of both."""
    header = marshal.dumps(entry)
    return header + zlib.crc32(header).to_bytes(4, "big") + (len(header) + 4).to_bytes(4, "big")


def _valid_entry(file: BinaryIO, plan: str | Path, key: str, max_bytes: int) -> dict | None:
    """The entry's header if it is for `key` and everything it depends on is unchanged, else None."""
    end = file.seek(-4, os.SEEK_END)
    length = int.from_bytes(file.read(4), "big")
    file.seek(end - length)
    header = file.read(length)
    if length < 4 or len(header) != length or zlib.crc32(header[:-4]) != int.from_bytes(header[-4:], "big"):
        return None  # damaged: marshal is never given bytes tracker did not write
    entry = marshal.loads(header[:-4])
    now = _signature(plan, follow=True)  # before the plan is read: what its bytes are vouched for under
    if entry["format"] != FORMAT or entry["key"] != key or entry["size"] != end - length:
        return None
    if not (now and now == entry["plan"]):
        # A plan of another size holds other bytes: not read and hashed to learn it (80 MiB: 0.1 s), as
        # after most edits (a `set` to a status of another length).  The times need no trust for that.
        if now and entry.get("bytes") is not None and now[3] != entry["bytes"]:
            return None
        if not _same_bytes(plan, entry["digest"], max_bytes):
            return None
        if now and max(now[4], now[5]) < time.time_ns() - RACY_NS:
            entry["settled"] = now  # the bytes are the recorded ones, and these times can be trusted now
    # git is asked first and answers last: its status takes as long as the checks below (10,000 issues:
    # 10 ms against the lstat of 5,000 files), and the two need not wait on each other.
    need_git = not (entry.get("nogit") and _no_repository_above(entry["start"]))
    asked = ask_status(entry["start"]) if need_git else None
    if need_git and asked is None:
        return None  # git cannot run now: what it would say is unknown
    named = [ask_git(entry["root"], revision_args(name)) for name, _ in entry["revisions"]]
    try:
        if not _files_unchanged(entry["root"], entry["files"]):
            return None
        # Check the whole answer before writing any of it; the second read comes from the page cache.
        crc = 0
        for chunk in _chunks(file, entry["size"]):
            crc = zlib.crc32(chunk, crc)
        if crc != entry["crc"]:
            return None
    finally:
        status = _git_answer(asked) if asked is not None else None  # waited for even on a miss: no stray git
        resolved = [run.answer() if run is not None else None for run in named]
    if status is not None and _sha(status) != entry["status"]:
        return None
    for said, (_, sha) in zip(resolved, entry["revisions"], strict=True):
        # "" was no commit: `rev-parse --verify --quiet` says so by exiting 1 (128 is git failing to answer)
        if said is None or (said[0], said[1].strip()) != ((0, sha.encode()) if sha else (1, b"")):
            return None
    return entry


def _unpacked(file: BinaryIO, entry: dict) -> Iterator[bytes]:
    """The answer an entry holds, decompressed a piece at a time.

    A JSON answer (tens of megabytes at 10,000 issues) is kept with zstandard,
    which gives it back five times faster than zlib, from a smaller entry; a
    text answer (kilobytes, and replayed most) with zlib, which needs no import.
    """
    chunks = _chunks(file, entry["size"])
    if entry["codec"] == "zlib":
        unpack = zlib.decompressobj()
        for chunk in chunks:
            while chunk:
                piece = unpack.decompress(chunk, 1 << 20)
                chunk = unpack.unconsumed_tail
                if piece:
                    yield piece
        rest = unpack.flush()
        if rest:
            yield rest
        if not unpack.eof:
            raise ValueError("the answer is cut short")
    else:
        from zstandard import ZstdDecompressor, ZstdError

        # A megabyte out at a time: a piece per compressed chunk would be 16 MB, whose allocation and
        # first touch of fresh pages cost more than decompressing it.
        packed = b"".join(chunks)  # a tenth of the answer
        try:
            yield from ZstdDecompressor().read_to_iter(packed, write_size=1 << 20)
        except ZstdError as exc:
            raise ValueError(f"the answer is damaged: {exc}") from None


def _chunks(file: BinaryIO, size: int) -> Iterator[bytes]:
    file.seek(0)
    while size > 0:
        chunk = file.read(min(size, 1 << 20))
        if not chunk:
            raise ValueError("the entry is shorter than it says")
        size -= len(chunk)
        yield chunk


class Recorder:
    """What an answer depends on, taken before it is computed; `record` keeps the answer if it still holds."""

    def __init__(self, plan: Path, command: Iterable[str], day: str):
        """`day`: the day `command` names (command_line's --today)."""
        self.plan = plan
        self.key = _key(plan, command)
        self.day = day
        self.began = time.time_ns()
        self.plan_signature = self._settled(_signature(plan, follow=True))  # taken before the plan is read
        self.start: str | None = None
        self.status: bytes | None = None
        self._asked: tuple[str, StatusRun | None] | None = None  # ask_early's folder and git status

    def ask_early(self, start: Path) -> StatusRun | None:
        """Start `git status` from the folder git will most likely be asked from, before the plan is
        read: before_git takes its answer if that is the folder, so git works while the plan is parsed.

        The run is given back (None if git cannot run there) for linking to read too (git.Ahead); it
        stays the recorder's to stop."""
        asked = ask_status(str(start))
        self._asked = str(start), asked
        return asked

    def before_git(self, start: Path) -> None:
        """Call with the folder git will be asked from, before anything asks it."""
        self.start = str(start)
        asked, self._asked = self._asked, None
        if asked is not None and asked[0] == self.start:
            self.status = _git_answer(asked[1]) if asked[1] is not None else None
            return
        if asked is not None and asked[1] is not None:  # asked from another folder: not this answer's
            asked[1].stop()
        self.status = _git_status(self.start)

    def close(self) -> None:
        """Stop the git status of ask_early if before_git did not take it (the plan had problems)."""
        asked, self._asked = self._asked, None
        if asked is not None and asked[1] is not None:
            asked[1].stop()

    def record(
        self, digest: str, basis: Basis, answer: Iterable[str | bytes], write: Write, plan_bytes: int | None = None
    ) -> None:
        """Write the answer's pieces through `write`, keeping them if the answer is safe to replay.

        `digest` is the SHA-256 of the plan the answer was computed from (`plan_bytes` bytes long, when known),
        `basis` what else it was made from.
        """
        from pathlib import Path

        entry = NewEntry(Path(_entry_path(self.key)), KEEP, self.plan) if self.status is not None else None
        try:
            self._record(digest, basis, answer, write, entry, plan_bytes)
        except BaseException:  # a closed pipe, Ctrl+C: no half answer stays behind in the cache
            if entry is not None:
                entry.discard()
            raise

    def _record(
        self,
        digest: str,
        basis: Basis,
        answer: Iterable[str | bytes],
        write: Write,
        entry: NewEntry | None,
        plan_bytes: int | None,
    ) -> None:
        size = crc = 0
        text = False
        # Compressed: a JSON answer is four times the plan's size, and fifteen times less packed.  How,
        # the first piece tells (see _unpacked): text comes as str, JSON as bytes.
        pack: Any = None

        def keep(data: bytes) -> None:
            nonlocal size, crc
            if data and entry is not None:
                entry.write(data)
                size, crc = size + len(data), zlib.crc32(data, crc)

        for piece in answer:
            write(piece)
            if entry is not None:
                if pack is None:
                    text = isinstance(piece, str)
                    pack = zlib.compressobj(3) if text else _zstd_compressor()
                keep(pack.compress(piece.encode("utf-8") if isinstance(piece, str) else piece))
        if entry is None:
            return
        if pack is not None:
            keep(pack.flush())
        links = basis.links
        files = self._files(basis)
        if (
            files is None
            or self.start is None
            or self.status is None
            or _git_status(self.start) != self.status
            or not self._same_day()
        ):
            entry.discard()
            return
        header = _header(
            {
                "format": FORMAT,
                "key": self.key,
                "plan": self.plan_signature or [],  # empty: written too recently to trust its times; hash it
                "digest": digest,
                "bytes": plan_bytes,  # how many bytes `digest` is of (None: not known)
                "start": self.start,  # where git is asked from
                "status": _sha(self.status),
                # git refused, and nothing it could find a repository in is above: it will refuse again
                "nogit": self.status.startswith(_REFUSED) and _no_repository_above(self.start),
                "root": links.repo.root or links.base,  # what the files' paths are under
                "files": files,  # [path under root, lstat, where a symlink leads]
                "revisions": basis.revisions,  # [name, the commit it named], asked again from root
                "text": text,  # text is written in the terminal's encoding; JSON is UTF-8
                "codec": "zlib" if text else "zstd",
                "size": size,  # of the answer as kept, which the CRC is of
                "crc": crc,
            }
        )
        entry.write(header)
        entry.commit()

    def _files(self, basis: Basis) -> list | None:
        """Every file the links were measured from, the basis's other files, and what decides what git
        ignores or remembers; None if one of them changed too recently to be trusted, or the links depend
        on more than files and `git status` show (a submodule's commits: amending one changes no stat here)."""
        from tracker.git import Status
        from tracker.plan import normalize, unsafe_reason  # here: replaying needs neither the model nor msgspec

        links = basis.links
        refused = self.status is not None and self.status.startswith(_REFUSED)
        if links.volatile or refused != (links.repo.root is None):
            return None  # git's view changed between the links and `git status`, or it cannot show all
        root = links.repo.root or links.base
        if root is None:
            return None
        paths = {".gitignore", ".git/info/exclude", ".git/shallow", *basis.paths}
        if basis.changed:
            if refused or self.status is None:
                return None
            paths.update(Status.parse(self.status).changes)
        for written, link in links.links.items():
            if not unsafe_reason(written):
                paths.add(normalize(written))
                if "\\" in written:  # `a\b.md`: which file it names depends on whether this one is there
                    paths.add(written)
            paths.update(member.path for member in link.matches)
        files = []
        for path in sorted(paths):
            signature, target = _file_signature(root, path)
            if self._settled(signature) is None:
                return None
            files.append([path, signature, target])
        return files

    def _same_day(self) -> bool:
        """Whether today is still the day the command names: what read the clock while the answer was
        computed (an export's view does) may have read the next day, which the answer's name does not say."""
        from tracker.support.clock import today_text

        return today_text() == self.day

    def _settled(self, signature: Signature) -> Signature | None:
        """The signature, or None if its times are too close to this run to prove anything.

        Every stat in it counts: a symlink's is followed by its target's (_file_signature), whose content the
        answer read, and which a write during the run would leave recorded under the new signature."""
        if signature and max(signature[4::6] + signature[5::6]) >= self.began - RACY_NS:
            return None
        return signature


def _zstd_compressor() -> Any:
    from zstandard import ZstdCompressor

    return ZstdCompressor(level=1).compressobj()  # 10,000 issues: 40 ms for 48 MB, level 3 twice that and no smaller


def _key(plan: str | Path, command: Iterable[str]) -> str:
    # The plan as named, its folder resolved: two repositories whose plans are symlinks to one file each have
    # their own answers (their deliverables are their own: statusproc.plan_folder).
    named = os.path.join(plan_folder(plan), os.path.basename(plan))
    material = "\0".join([FORMAT, code_key(), *_libraries(), named, *command, "", *git_environment()])
    return _sha(material.encode("utf-8", "surrogateescape"))


# Libraries whose code shapes an answer's bytes.
_LIBRARIES = ("msgspec", "jinja2", "markupsafe")
_found: list[list[str]] = []  # _libraries' answer, once found in a process (functools is not imported)


def _libraries() -> list[str]:
    """The Python, and each library of _LIBRARIES as found now (its first module's path and stat), unimported."""
    if not _found:
        _found.append(_find_libraries())
    return _found[0]


def _find_libraries() -> list[str]:
    import sys

    found = [sys.version]
    for name in _LIBRARIES:
        origin = getattr(_spec(name, sys), "origin", None)
        found.append(f"{name}:{origin}:{_signature(origin) if origin else []}")
    return found


def _spec(name: str, sys: Any) -> Any:
    """What `importlib.util.find_spec(name)` gives for a top-level module, found as it finds it (the module
    if imported, else the first finder of sys.meta_path that knows it), without importing importlib.util
    and the contextlib, functools and collections it brings: 5 ms of a replayed `status`."""
    module = sys.modules.get(name)
    if module is not None:
        return getattr(module, "__spec__", None)
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        try:
            spec = find(name, None) if find is not None else None
        except (ImportError, ValueError):
            return None
        if spec is not None:
            return spec
    return None


def _entry_path(key: str) -> str:
    return os.path.join(cache_folder(), f"answer-{key[:40]}.bin")  # the answer, then its header (see _header)


try:  # CPython's own SHA-256 (3.12 on: _sha2), the same digest as hashlib's without loading OpenSSL (2.5 ms)
    from _sha2 import sha256 as _sha256  # type: ignore[import-not-found, unused-ignore]
except ImportError:
    try:
        from _sha256 import sha256 as _sha256  # type: ignore[import-not-found, no-redef, unused-ignore]
    except ImportError:
        from hashlib import sha256 as _sha256  # type: ignore[assignment, unused-ignore]


def _sha(data: bytes) -> str:
    """SHA-256 of the few kilobytes of a key or of `git status`; a plan's megabytes go to hashlib (_same_bytes)."""
    return _sha256(data).hexdigest()


def _signature(path: str | os.PathLike, follow: bool = False) -> Signature:
    try:
        info = os.stat(path) if follow else os.lstat(path)
    except (OSError, ValueError):
        return []
    return stat_signature(info)


def _file_signature(root: str, path: str) -> tuple[Signature, str]:
    """`path`'s lstat signature, and for a symlink where it leads, with that file's signature after its own when
    it is inside the work tree (cachefiles.link_target: one leading out is never looked at)."""
    full = f"{root}/{path}"  # git paths use "/" on every system
    signature = _signature(full)
    if not signature or not stat.S_ISLNK(signature[0]):
        return signature, ""
    target, info = link_target(root, full)
    return signature + ([] if info is None else stat_signature(info)), target


def _files_unchanged(root: str, files: list) -> bool:
    """Whether each [path, lstat, link target] of `files` (paths under `root`) still holds.

    A path recorded as not there is not looked at when its folder is not
    there either: most plans name many files still to be written, a folder of
    them at a time, and one lstat of the folder answers for all of them.
    """
    gone: dict[str, bool] = {"": False}  # folder under root -> nothing is there (so nothing under it either)

    def absent(folder: str) -> bool:
        known = gone.get(folder)
        if known is None:
            known = gone[folder] = absent(folder.rpartition("/")[0]) or not _signature(f"{root}/{folder}")
        return known

    for path, signature, target in files:
        if not signature and absent(path.rpartition("/")[0]):
            continue
        if _file_signature(root, path) != (signature, target):
            return False
    return True


def _same_bytes(plan: str | Path, digest: str, max_bytes: int) -> bool:
    # Read as every command reads the plan: a FIFO or a device put in its place is not read (a FIFO
    # would hang, /dev/zero never end), and no more than the limit plus one byte.
    import hashlib
    from pathlib import Path

    from tracker.plan import LoadError, open_plan, read_open

    plan = Path(plan)
    try:
        fd = open_plan(plan)
    except LoadError:
        return False
    try:
        return hashlib.sha256(read_open(fd, plan, max_bytes)).hexdigest() == digest
    except LoadError:
        return False
    finally:
        os.close(fd)


# How `git status` saying no (not a repository) is told from its answer: no answer starts with NUL.
_REFUSED = b"\0refused\0"


# What git's discovery takes for a repository in a folder: a `.git` (folder, file or link), or the folder
# itself a bare repository (all three of HEAD, objects and refs; any one of them is enough to ask git).
_REPOSITORY_MARKS = (".git", "HEAD", "objects", "refs")
# Variables that name a repository outright, wherever the folders are.
_NAMED_REPOSITORY = ("GIT_DIR", "GIT_COMMON_DIR")


def _no_repository_above(start: str) -> bool:
    """Whether git, asked from `start`, can find no repository: no folder from there (as the system
    resolves it, links followed, as git sees its working folder) up to the root holds any of
    _REPOSITORY_MARKS, and no variable names one.  (Every GIT_* variable is part of the answer's key.)"""
    if any(name in os.environ for name in _NAMED_REPOSITORY):
        return False
    folder = os.path.realpath(start)
    while True:
        if any(os.path.lexists(os.path.join(folder, mark)) for mark in _REPOSITORY_MARKS):
            return False
        parent = os.path.dirname(folder)
        if parent == folder:
            return True
        folder = parent


def _git_status(start: str) -> bytes | None:
    """What `git status` says from `start`: its answer, or its refusal and why; None if git cannot run."""
    asked = ask_status(start)
    return _git_answer(asked) if asked is not None else None


def _git_answer(asked: StatusRun) -> bytes:
    """What the `git status` of ask_status said: its answer, or its refusal and why."""
    code, out, err = asked.answer()
    if code == 0:
        return out
    return _REFUSED + str(code).encode() + b"\0" + err
