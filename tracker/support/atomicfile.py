"""Replacing a file so that readers see the old one or the new one, never half of either.

New content goes to a temporary file in the target's folder (same file system,
so the rename is atomic) with the target's mode bits and owner (a read-only
target is refused, as editors refuse it), is flushed and
fsynced, then renamed over the target; the folder is fsynced so the rename
survives a crash.  A new file gets the usual mode (0666 less the umask).  A
process killed at any moment leaves the old file or the new one; the temporary
file it leaves behind is named so that the next writer can remove it, and one
ended by SIGTERM, SIGHUP or Ctrl+C removes its own first (signals.cleanup_first),
whether it writes the plan, an output the user named, or a setup file.

TRACKER_TEST_PAUSE_AFTER_TEMP=SECONDS makes every writer wait once its temporary
file is written, so that tests can end it at the worst moment.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from tracker.support import signals
from tracker.support.ownfiles import temp_name, temp_pattern

MARKDOWN = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")
EXPORTS = {"html": (".html", ".htm"), "csv": (".csv",)}  # what an export's file may be called to be replaced
# Names of a descriptor this process already has: written to it, never opened again (`-o /dev/stdout >> log`
# appends, as the shell set it up).
_DESCRIPTOR = re.compile(r"/dev/(?:(stdout)|(stderr)|fd/(\d+))|/proc/self/fd/(\d+)")


def names_descriptor(target: str | os.PathLike) -> bool:
    """Whether write_output writes `target` to a descriptor this process already has (/dev/stdout …)."""
    return _descriptor_named(target) is not None


def _descriptor_named(target: str | os.PathLike) -> re.Match[str] | None:
    """The match of /dev/stdout or its kin that `target` is, or leads to through symlinks (`-o out.md`
    with out.md a link to /dev/stdout); None for anything else.  Followed a link at a time: the real
    path of /dev/stdout names what the descriptor is open on now (a file, a pipe of this process),
    which would be replaced or named anew at every run."""
    path = os.path.abspath(target)
    for _ in range(_MAX_HOPS):
        named = _DESCRIPTOR.fullmatch(path)
        if named is not None:
            return named
        try:
            path = os.path.normpath(os.path.join(os.path.dirname(path), os.readlink(path)))
        except (OSError, ValueError):  # not a link (or not there): what it names is no descriptor
            return None
    return None  # a loop of links: writing to it fails with its own error


_MAX_HOPS = 40  # as the kernel's limit on links followed in one path (ELOOP)


def write_atomic(target: str | os.PathLike, data: bytes, placed: Callable[[], None] | None = None) -> None:
    """`data` in place of `target` through a temporary file.  `placed` is called in the rename's step, Ctrl+C
    held, so that one coming then is raised once it has been told the file is written (as write_output's)."""
    target = Path(target)
    with signals.cleanup_first():
        temp = write_temp(target, data)
        with signals.interrupt_held():
            replace(temp, target)
            if placed is not None:
                placed()


class Refused(FileExistsError):
    """An output that would replace a file not meant to be written; the front end says how to insist
    (the CLI: --force).  `at`: the line and column in the file that shows it is not one to replace, if one does."""

    at: tuple[int, int] | None = None


class PlanItself(Refused):
    """An output named the plan it was made from (or a link to it): refused even with `force`, since writing it
    would lose the plan, so the front end does not offer to insist."""


class Kept(Refused):
    """An existing file a write_output `check` keeps (notes/replacing.py, export/replacing.py): `why` it is kept;
    `evidence`: where the plan names it as an issue's deliverable, if it does (only --force replaces it then,
    the dashboard does not even ask); `seen`: a digest of its content, which a yes to the dashboard's question
    allows replacing, and nothing else (the file may change while the question is asked)."""

    def __init__(
        self, why: str, path: Path, seen: bytes, evidence: str | None = None, at: tuple[int, int] | None = None
    ):
        super().__init__(errno.EEXIST, f"{why}; choose another file", str(path))
        self.why = why
        self.seen = seen
        self.evidence = evidence
        self.at = at

    @property
    def asked(self) -> bool:
        """Whether the dashboard asks before replacing it: any file kept but a deliverable."""
        return self.evidence is None


_CHUNK = 1 << 20


def read_existing(real: Path, data: bytes, head_size: int) -> tuple[bytes, bytes, bool]:
    """An existing file's first `head_size` bytes, the sha256 digest of all of it, and whether it is `data`'s
    bytes: what a write_output `check` judges it by, read once."""
    import hashlib

    digest = hashlib.sha256()
    head = b""
    at = 0
    with open(real, "rb") as file:
        same = os.fstat(file.fileno()).st_size == len(data)
        while chunk := file.read(_CHUNK):
            head = head or chunk[:head_size]
            same = same and chunk == data[at : at + len(chunk)]
            at += len(chunk)
            digest.update(chunk)
    return head, digest.digest(), same and at == len(data)


def write_output(
    target: str | os.PathLike,
    data: bytes,
    kinds: tuple[str, ...] = MARKDOWN,
    force: bool = False,
    keep: Iterable[str | os.PathLike] = (),
    make_folders: bool = False,
    check: Callable[[Path], None] | None = None,
    placed: Callable[[bool], None] | None = None,
) -> None:
    """Write a file the user named as output (`summary -o FILE`, the dashboard's export).

    With `make_folders`, missing folders on the way are made, once the target is known to be one to write.

    A regular file is replaced atomically, through a symlink as the plan
    writer does (the link stays).  A device or FIFO is written in place, never
    replaced, and /dev/stdout and its kin go to the descriptor they name.
    A target that is one of `keep` (the plan), by any name, is PlanItself,
    `force` or not.  Unless `force`, Refused (its strerror the reason) for a
    target that lies in a `.git` folder, or exists and is not of the
    kind written (its name ends in none of `kinds`): an output never replaces
    a file that was not meant to be written.  Then, unless `force`, `check`
    is given the real path of an existing regular file about to be replaced
    and raises Refused to keep it (what a session note or an export may
    replace: notes/replacing.py, export/replacing.py); devices, FIFOs and
    descriptors are never asked about.

    `placed` is told False as a write into a device, FIFO or descriptor begins (a part of the output may be
    there from then on), and True once the whole output is: a file is renamed into place with Ctrl+C held, so
    that a Ctrl+C then comes after `placed(True)` (an interrupted command says what it left: cli/launch.py).
    TRACKER_TEST_PAUSE_AFTER_OUTPUT=SECONDS holds the rename's end that long, for tests.
    """
    with signals.cleanup_first():  # a SIGTERM or SIGHUP mid-write: the temporary file goes, then the process
        _write_output(Path(target), data, kinds, force, keep, make_folders, check, placed or (lambda whole: None))


def _write_output(
    target: Path,
    data: bytes,
    kinds: tuple[str, ...],
    force: bool,
    keep: Iterable[str | os.PathLike],
    make_folders: bool,
    check: Callable[[Path], None] | None,
    placed: Callable[[bool], None],
) -> None:
    named = _descriptor_named(target)
    if named:
        placed(False)
        _write_all(1 if named[1] else 2 if named[2] else int(named[3] or named[4]), data)
        placed(True)
        return
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        placed(False)
        _write_in_place(target, data)
        placed(True)
        return
    real = Path(os.path.realpath(target))
    if info is not None and any(_same_file(info, path) for path in keep):
        raise PlanItself(
            errno.EEXIST, "this is the plan itself, which an output never replaces; choose another file", str(real)
        )
    if not force:
        _refuse_to_replace(real, info, kinds, check)
        if check is not None and info is not None and stat.S_ISREG(info.st_mode):
            check(real)
    with folders_for(real) if make_folders else contextlib.nullcontext():
        temp = write_temp(real, data)
        with signals.interrupt_held():  # a Ctrl+C lands before the rename, or once `placed` knows it is done
            replace(temp, real)
            pause_for_tests("TRACKER_TEST_PAUSE_AFTER_OUTPUT")
            placed(True)


@contextlib.contextmanager
def folders_for(target: Path) -> Iterator[None]:
    """Make the missing folders above `target` for the write inside; if it fails (a full disk, a signal,
    Ctrl+C), the folders made go with it, so that nothing is left of a write that did not happen."""
    made: list[Path] = []  # deepest first
    with signals.cleanup_first():  # a SIGTERM inside (write_new's own included) ends the process here, after this
        try:
            _make_folders(target.parent, made)
            yield
        except BaseException:
            for folder in made:
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only while empty: never what another program put there meanwhile
            raise


def _make_folders(folder: Path, made: list[Path]) -> None:
    """Make `folder` and the missing folders above it, putting each this call made first in `made`."""
    missing = []
    while not folder.exists() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        try:
            each.mkdir()
        except FileExistsError:  # made by another program meanwhile: not this write's to remove
            continue
        made.insert(0, each)


def _same_file(info: os.stat_result, path: str | os.PathLike) -> bool:
    """Whether `info` is the file at `path`: through a symlink or another hard link too."""
    try:
        return os.path.samestat(info, os.stat(path))
    except OSError:
        return False


def _refuse_to_replace(
    real: Path, info: os.stat_result | None, kinds: tuple[str, ...], check: Callable[[Path], None] | None
) -> None:
    why = None
    if ".git" in real.parts:
        why = "this is inside a .git folder, which git keeps"
    elif info is not None and not real.name.lower().endswith(kinds):
        why = f"the file exists and is not a {kinds[0]} file"
        if check is not None and stat.S_ISREG(info.st_mode):
            _kept_as_evidence(why, real, check)
    if why is not None:
        raise Refused(errno.EEXIST, f"{why}; choose another file", str(real))


def _kept_as_evidence(why: str, real: Path, check: Callable[[Path], None]) -> None:
    """Kept for `why` and as evidence if `check` keeps `real` as a deliverable of the plan: a file of another
    kind than the output is refused for that alone, but the user who named it should hear that it is evidence
    too (the docs/ac2.md an access review links to, not a mistyped report name)."""
    try:
        check(real)
    except Kept as kept:
        if kept.evidence is not None:
            raise Kept(f"{why}, and {kept.why}", real, kept.seen, kept.evidence) from None
    except OSError:
        pass  # a file `check` cannot read: its kind is reason enough to keep it, and is said


def _write_in_place(target: Path, data: bytes) -> None:
    """Into a device or FIFO, opened without blocking so that a FIFO with no reader is an error, not a hang."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "a FIFO that no program is reading from", str(target)) from None
        raise
    try:
        os.set_blocking(fd, True)  # the writes wait for a slow reader as a shell's `>` would
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_new(target: str | os.PathLike, data: bytes, placed: Callable[[], None] | None = None) -> None:
    """Like write_atomic, but FileExistsError if `target` exists, even if it appears while this writes."""
    target = Path(target)
    with signals.cleanup_first():
        temp = write_temp(target, data)
        with signals.interrupt_held():  # the link and `placed`, one step, as write_atomic's rename
            try:
                os.link(temp, target)  # unlike a rename, a hard link never replaces what is there
            finally:
                temp.unlink(missing_ok=True)
            sync_folder(target.parent)
            if placed is not None:
                placed()


def write_temp(
    target: Path, data: bytes | Sequence[bytes | memoryview], written: Callable[[], None] | None = None
) -> Path:
    """`data` (or its pieces, one after the other) in a new file next to `target`, with its mode bits and
    owner if it exists, flushed to disk.  `written` is called once the bytes are written, before the fsync
    waits for the disk (the writer hashes them then: ondisk.Hashing)."""
    if target.name in ("", ".", "..") or target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "a folder, not a file name", str(target))
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    if info is not None:
        refuse_read_only(target, info)
    temp = target.with_name(temp_name(target.name, os.getpid(), os.urandom(4).hex()))
    signals.made(temp)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if info is None else 0o600)
    try:
        if info is not None:
            os.fchmod(fd, info.st_mode & 0o7777)
            if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, info.st_uid, info.st_gid)
        for piece in (data,) if isinstance(data, bytes) else data:
            view = memoryview(piece)
            while view:
                view = view[os.write(fd, view) :]
        if written is not None:
            written()
        os.fsync(fd)
        pause_for_tests("TRACKER_TEST_PAUSE_AFTER_TEMP")
    except BaseException:
        os.close(fd)
        temp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return temp


def pause_for_tests(name: str) -> None:
    """Wait the seconds the environment variable `name` gives, if any: the tests' way to end a writer mid-write."""
    pause = os.environ.get(name)
    if pause:
        end = time.monotonic() + float(pause)
        while time.monotonic() < end:  # short sleeps: a thread told to stop (signals.install) hears it
            time.sleep(0.05)


def refuse_read_only(target: Path, info: os.stat_result) -> None:
    """PermissionError for a file that is read-only, as editors refuse it: by its mode bits (for
    root too, who may write anything) or because this user may not write it, saying why: its mode
    may allow the write that something else refuses, and `chmod u+w` would not help then."""
    mode = info.st_mode & 0o7777
    if not info.st_mode & 0o222:
        reason = f"the file is read-only (mode {mode:04o}); make it writable first (chmod u+w) if it is meant to change"
    elif os.access(target, os.W_OK):
        return
    elif hasattr(os, "statvfs") and os.statvfs(target).f_flag & os.ST_RDONLY:
        reason = "the file system it is on is mounted read-only"
    elif hasattr(os, "geteuid") and os.geteuid() not in (0, info.st_uid):
        reason = f"this user may not write it (mode {mode:04o}, owner uid {info.st_uid}); ask its owner"
    else:
        reason = (
            f"the file may not be written though its mode ({mode:04o}) allows it: an immutable or "
            "append-only attribute? (`lsattr` shows it, `chattr -i` or `-a` removes it)"
        )
    raise PermissionError(errno.EACCES, reason, str(target))


def replace(temp: Path, target: Path) -> None:
    """Rename `temp` over `target` and make the rename itself durable."""
    os.replace(temp, target)
    sync_folder(target.parent)


def sync_folder(folder: Path) -> None:
    """Make the renames and removals in `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100
_exchange_missing: set[int] = set()  # devices whose file system cannot exchange (EINVAL), or all (-1: no call)


def exchange(temp: Path, target: Path) -> bool:
    """Swap the names `temp` and `target` in one step (Linux's renameat2 with RENAME_EXCHANGE).

    Afterwards `target` names the new file and `temp` what `target` named
    before, so the caller can see what its rename displaced, which a plain
    rename destroys.  False, with nothing done, where this cannot be: not
    Linux, a C library without renameat2, a file system without the exchange
    (remembered per device), or `target` gone.  Not made durable: see sync_folder.
    """
    if -1 in _exchange_missing:
        return False
    try:
        call = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        _exchange_missing.add(-1)
        return False
    device = os.stat(temp).st_dev
    if device in _exchange_missing:
        return False
    call.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    if call(_AT_FDCWD, os.fsencode(temp), _AT_FDCWD, os.fsencode(target), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        _exchange_missing.add(-1 if code == errno.ENOSYS else device)
        return False
    if code == errno.ENOENT and os.path.exists(temp):
        return False  # the target is gone: a plain rename puts the file there, displacing nothing
    raise OSError(code, os.strerror(code), str(target))


def remove_leftovers(target: Path) -> None:
    """Temporary files of writers that were killed; call only while holding the target's lock."""
    for leftover in target.parent.glob(temp_pattern(_glob_escape(target.name))):
        leftover.unlink(missing_ok=True)


def _glob_escape(name: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in name)
