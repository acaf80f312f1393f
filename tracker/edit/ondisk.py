"""The plan file as the writer sees it: read only when it holds still, and watched across the rename.

Not every program replaces the plan atomically.  Editors that save in place
(VS Code, nano, vim with backupcopy=yes, `cat >`) truncate the file and write
it again, maybe with pauses; other tools append to it.  Text read in the middle
of such a save may parse, and one line changed in it and renamed over the file
would lose the rest of the save.  So the writer:

- reads through a descriptor it keeps open (the inode, whatever the name shows
  later).  The text counts as stable only when the file's size and times did
  not move across the read, no process has the file open for writing
  (support/stablefile.py asks the kernel), and its last change is older than RACY_NS (a write
  in the same clock tick would not show in the times).  Otherwise it waits and
  reads again; a file that has not held still after SETTLE seconds is refused;
- checks just before the rename that the name still shows that inode, with the
  same times, content and no writer;
- on Linux, exchanges its file with the plan in one step (renameat2
  RENAME_EXCHANGE) and looks at what it displaced: if that is not the inode it
  read, as it read it, or someone has it open for writing (another program's
  rename or write in the instant after the check), the two are exchanged back
  at once and the write starts again from what is under the name, merged as any
  change on disk is merged (or refused);
- elsewhere (no renameat2, a file system without the exchange) renames, and
  checks just after whether the inode it replaced changed or was open for
  writing.  If so, it waits for that inode to hold still and writes again from
  its content, merged, over the file it has just put there;
- watches the file it put there for RACY_NS more: a program that read the old
  file just before the rename and rewrites it in place, or renames its save over
  it, does so then; the writer reads what it wrote and makes the change again if
  it is gone.  While another program is editing the plan (it changed the file
  within RECENT_NS before tracker read it, or during the write) the watch lasts
  BUSY_WATCH: an editor that read the plan a moment before tracker's rename
  saves its copy back within that time.  The file tracker put in place last is
  remembered (support/placed.py), so tracker's own writes in a row do not
  count as another program's.

After the first read, the file is checked by its times alone where they
prove its content (support/stablefile.proves): the file tracker put in place,
which no one could reach before the rename, when it was last written more than
RACY_NS before it (and no one opened it for writing between the rename and the
stat taken after it: a read lease held meanwhile makes such a program wait); a
file read, when no one had written it for STILL_NS before the read (a read may
meet a write its times do not show, which then lasted that long).  Only while
its ctime stays as well: a write in place followed by putting the mtime back
moves the ctime alone, as does the rename that displaces the file read (which
is then compared).  Otherwise it is compared byte for byte: at 100,000 issues,
80 MiB and 10 ms each time, more while the dashboard's thread holds Python's lock.

Where the kernel cannot answer the lease question (another user's file, NFS),
a file changed within RACY_UNSURE_NS is not trusted instead.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import msgspec

from tracker.edit.commands import RUN_AGAIN
from tracker.plan import open_plan, read_open
from tracker.support import atomicfile, placed
from tracker.support.stablefile import RACY_NS, STILL_NS, Lease, proves
from tracker.support.stablefile import signature as _signature
from tracker.support.stablefile import writing as _writing

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    import threading

RECENT_NS = 2_000_000_000  # a plan another program changed this recently is being edited now
BUSY_WATCH = 0.5  # seconds the file put in place is watched then; an editor's read-to-save is well inside
RACY_UNSURE_NS = 1_000_000_000  # without the lease answer: an in-place save may be paused this long
SETTLE = 10.0  # seconds a moving file is waited for before the write is refused
POLL = 0.01
_BLOCK = 1 << 18  # bytes compared at a time (_holds): a buffer that stays in the CPU's cache


class Unsettled(Exception):
    """The file did not hold still; the message says how."""


class Snapshot(msgspec.Struct, dict=True):  # dict: room for the cached digest
    """One inode of the plan as read or as put in place: its descriptor (kept open), signature and bytes.

    Its content is checked again by comparing bytes (or, put in place, by its
    times: see `known`), not digests: a write checks the plan three or four
    times over, and hashing each read (5 ms for 8 MiB) was a sixth of a
    `tracker set` on 10,000 issues.
    """

    fd: int
    signature: tuple
    # Its bytes, as pieces one after the other: a file put in place from a window's edit is the bytes
    # around the window and the window's new lines, joined only when asked (`data`): at 100,000 issues
    # the join alone (80 MiB of fresh pages) was a tenth of a `tracker set`, which never asks.
    pieces: tuple[bytes | memoryview, ...]
    links: int
    placed: float = 0.0  # time.monotonic() when `replace` put it under the name
    # Its times prove its bytes if it was last written before this time.time_ns() (stablefile.proves):
    # RACY_NS before its rename for a file put in place (no one could reach it before), STILL_NS before
    # the read for a file read.  0: compared byte for byte at each check.
    known: int = 0
    # Its bytes held as read through `replace`'s rename: its times proved them and no one opened it for writing
    # from that check to the rename (a read lease held across), so `kept` need not compare it after.
    held_through_rename: bool = False

    @property
    def proven(self) -> bool:
        """Whether its times prove it holds its bytes while it shows its signature."""
        return proves(self.signature, self.known)

    @cached_property
    def data(self) -> bytes:
        """The bytes, whole."""
        pieces = self.pieces
        return pieces[0] if len(pieces) == 1 and isinstance(pieces[0], bytes) else b"".join(pieces)

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the bytes, taken only when asked: the parse cache's key for a plan changed on disk."""
        return _sha_of(self.pieces)


class Watch:
    """`with Watch(target, max_bytes) as disk:` — stable reads of `target`, checks around its rename."""

    def __init__(self, target: Path, max_bytes: int):
        self.target = target
        self.max_bytes = max_bytes
        self._fds: list[int] = []
        self.busy = False  # another program is editing the plan: watch the file put in place longer

    def __enter__(self) -> Watch:
        return self

    def __exit__(self, *exc) -> None:
        for fd in self._fds:
            os.close(fd)
        self._fds.clear()

    def read(self, like: bytes | None = None, proven: tuple | None = None) -> Snapshot:
        """The file the name shows now, once it holds still; LoadError, or Unsettled after SETTLE seconds.

        `like`: the bytes the caller expects to find (the plan as it read it).  When the file holds them,
        they are the snapshot's data, compared block by block rather than read into a new copy; not even
        compared when the file shows `proven`, a signature that proves it holds them (Loaded.proven).
        """
        deadline = time.monotonic() + SETTLE
        while True:
            fd = open_plan(self.target)
            try:
                snap = self._settled(fd, deadline, like, proven)
            except BaseException:
                os.close(fd)
                raise
            if snap is not None:
                self._fds.append(fd)
                self._note(snap)
                return snap
            os.close(fd)  # read again from the name: the file may have been replaced meanwhile

    def read_again(self, snap: Snapshot) -> Snapshot:
        """The inode of `snap` once it holds still (after the rename it is no longer under the name)."""
        self.busy = True  # it was written to after the last check
        deadline = time.monotonic() + SETTLE
        while True:
            again = self._settled(snap.fd, deadline)
            if again is not None:
                return again

    def unchanged(self, snap: Snapshot) -> bool:
        """Whether the name still shows the inode of `snap`, as it was read, and no one is writing it."""
        try:
            now = os.stat(self.target)
        except OSError:
            return False
        if (now.st_ino, now.st_dev) != snap.signature[:2] or _signature(now) != snap.signature:
            return False
        return self.kept(snap)

    def kept(self, snap: Snapshot) -> bool:
        """Whether the inode of `snap` kept its content and has no writer, wherever it is now.

        Its ctime is left out of the signature: the rename that replaced it changed its link count, and
        so its ctime.  Its times prove its bytes only while the ctime stays too: a program that writes
        the file in place and puts its mtime back (cp -p, touch -r, rsync --inplace -t) moves the ctime
        alone, so a file whose ctime moved (the one a rename displaced) is compared byte for byte, unless
        `replace` vouched for it under a read lease (Snapshot.held_through_rename).
        """
        now = _signature(os.fstat(snap.fd))
        if now[:4] != snap.signature[:4] or _writing(snap.fd):
            return False
        return (snap.proven and now == snap.signature) or snap.held_through_rename or self._holds(snap.fd, snap.pieces)

    def let_go(self, snap: Snapshot) -> None:
        """Close the descriptor of `snap`, a file the write no longer looks at: the one the rename displaced,
        once `kept` found it as it was read.

        It is the last hold on that unlinked inode, and closing it frees the inode's pages and blocks (15-20 ms
        of the kernel's for the 80 MiB of 100,000 issues): closed here, that time counts towards the watch
        after the rename (`still`), which waits RACY_NS from the rename whatever is done meanwhile, where
        `tracker set` waited for it at its end.  (Closed in a thread instead, it slowed what ran beside it as
        much as it saved, and starting the thread waited on a busy machine.)
        """
        if snap.fd in self._fds:
            self._fds.remove(snap.fd)
            os.close(snap.fd)

    def _holds(self, fd: int, pieces: Sequence[bytes | memoryview]) -> bool:
        """Whether the open file `fd` holds exactly `pieces`, one after the other.

        Read a block at a time into one buffer and compared in C, not read whole: a new 8 MiB copy of a
        10,000-issue plan costs its page faults, 4-5 ms each time, where the blocks take 1 ms.
        """
        views = [memoryview(piece).cast("B") for piece in pieces]
        block = bytearray(min(sum(map(len, views)), _BLOCK) or 1)
        at = 0  # where in the file the piece being compared starts
        try:
            for view in views:
                done = 0
                while done < len(view):
                    size = min(len(block), len(view) - done)
                    buffer = block if size == len(block) else bytearray(size)  # a piece's last block
                    got = os.preadv(fd, [buffer], at + done)
                    # A bytearray against a memoryview: compared with memcmp
                    if not got or (buffer if got == size else buffer[:got]) != view[done : done + got]:
                        return False
                    done += got
                at += len(view)
            return not os.pread(fd, 1, at)  # and nothing after them
        except OSError:  # its LoadError names the file and why
            return read_open(fd, self.target, self.max_bytes) == b"".join(views)

    def still(self, snap: Snapshot, digest: str) -> bool:
        """Whether the file just put in place (`snap`, from `replace`) is left alone for RACY_NS from its
        rename (BUSY_WATCH while another program edits the plan): one that read the file before the rename
        and saves its copy back does so then.  The time the caller spent since the rename counts: the
        watch looks at the file through to the end of that span whatever was done meanwhile.
        `digest`: the SHA-256 of its bytes, remembered with it (support/placed.py).
        """
        end = snap.placed + (BUSY_WATCH if self.busy else RACY_NS / 1e9)
        while (left := end - time.monotonic()) > 0:
            # Never past the end: a `set` on 10,000 issues takes ~60 ms, and a whole POLL / 2 slept after
            # the watch was over cost 2.5 ms of it on average, for nothing the check after the loop misses.
            time.sleep(min(POLL / 2, left))
            if not self._is(self.target, snap):  # a stat and the lease question: no read while watching
                return False
        if not self.unchanged(snap):
            return False
        placed.remember(self.target, snap.signature, digest, snap.known)
        return True

    def _note(self, snap: Snapshot) -> None:
        """Mark the watch busy if another program changed the file lately, or changed it since the first read."""
        if len(self._fds) > 1:
            self.busy = True  # read again: the file changed since the first read, or was put back
            return
        age = time.time_ns() - max(snap.signature[3], snap.signature[4])
        if age < RECENT_NS and list(snap.signature) != placed.signature_of(self.target):
            self.busy = True

    def replace(self, temp: Path, data: bytes | Sequence[bytes | memoryview], expect: Snapshot) -> Snapshot | None:
        """Put `temp` (holding `data`, or its pieces one after the other) in place of the target, which should
        be the file of `expect`.

        Returns the file now under the name, as the next check expects to find
        it.  On Linux the two are exchanged in one step and what was displaced is
        looked at: if it is not the file of `expect` as it was read, or someone
        has it open for writing (a rename or an in-place write by another
        program since the last check), the two are exchanged back at once, so
        the name shows what the other program wrote, and None is returned: the
        write starts again from it.  Elsewhere a plain rename, checked after.
        """
        fd = open_plan(temp)  # this inode, whatever the name shows after the rename
        self._fds.append(fd)
        # Its times prove its bytes (`known`) only as the stat after the rename finds them: a program that
        # opened it for writing in between and put the mtime back would show in the ctime alone, which the
        # rename moves too.  The lease held until that stat makes such a program wait for it.
        # The file displaced likewise: its times proving its bytes under a lease taken now, and that lease
        # unbroken after the exchange, no one wrote it in between (an open for writing breaks the lease and
        # waits), so what the exchange displaced is what was read, and `kept` compares no bytes (80 MiB, 8 ms
        # at 100,000 issues).  Its ctime, which the exchange moves, could not show such a write after it.
        with Lease(expect.fd) as displaced, Lease(fd) as lease:
            as_read = displaced.taken and expect.proven and _signature(os.fstat(expect.fd)) == expect.signature
            known = time.time_ns() - RACY_NS
            exchanged = atomicfile.exchange(temp, self.target)
            if not exchanged:
                os.replace(temp, self.target)
            moment = time.monotonic()
            info = os.fstat(fd)  # the rename changed its ctime
            if not lease.alone():
                known = 0
            expect.held_through_rename = as_read and displaced.alone()
        if exchanged and not self._is(temp, expect):
            atomicfile.exchange(temp, self.target)
            os.unlink(temp)
            atomicfile.sync_folder(self.target.parent)
            return None
        if exchanged:
            os.unlink(temp)
        atomicfile.sync_folder(self.target.parent)
        return Snapshot(
            fd, _signature(info), (data,) if isinstance(data, bytes) else tuple(data), info.st_nlink, moment, known
        )

    def _is(self, path: Path, snap: Snapshot) -> bool:
        """Whether `path` names the file of `snap`, size and times as read, with no writer (no read: fast)."""
        info = os.lstat(path)
        return _signature(info)[:4] == snap.signature[:4] and not _writing(snap.fd)

    def _settled(
        self, fd: int, deadline: float, like: bytes | None = None, proven: tuple | None = None
    ) -> Snapshot | None:
        start = time.time_ns()
        before = os.fstat(fd)
        if (
            like is not None
            and before.st_size == len(like) <= self.max_bytes
            and (_signature(before) == proven or self._holds(fd, (like,)))
        ):
            data = like
        else:
            data = read_open(fd, self.target, self.max_bytes)
        after = os.fstat(fd)
        writing = _writing(fd)
        age = time.time_ns() - max(after.st_mtime_ns, after.st_ctime_ns)
        window = RACY_NS if writing is not None else RACY_UNSURE_NS
        racy = age < window
        shows = _signature(after)
        if _signature(before) == shows and len(data) == after.st_size and not writing and not racy:
            known = start - STILL_NS
            if data is like and shows == proven:
                # The caller's proof of these bytes (Loaded.proven: the file tracker put in place, its digest
                # recorded, or one no one wrote for STILL_NS before it was read) holds while the file shows
                # that signature, so the check before the rename need not compare it either (80 MiB,
                # 6 ms at 100,000 issues, when one write follows another within STILL_NS).  Its last write
                # is proven to show: any moment after it will do, and this one is the earliest.
                known = max(known, after.st_mtime_ns + 1)
            return Snapshot(fd, shows, (data,), after.st_nlink, known=known)
        if time.monotonic() > deadline:
            why = "another program kept it open for writing" if writing else "it kept changing"
            raise Unsettled(
                f"{why} for {SETTLE:.0f} s while tracker waited to read it whole; "
                f"nothing was written, finish the other program's save and {RUN_AGAIN}"
            )
        time.sleep(max(POLL, min(0.2, (window - age) / 1e9)) if racy and not writing else POLL)
        return None


def _sha_of(pieces: Sequence[bytes | memoryview]) -> str:
    """SHA-256 of `pieces`, one after the other, as of their bytes joined (not joined here)."""
    hasher = hashlib.sha256()
    for piece in pieces:
        hasher.update(piece)
    return hasher.hexdigest()


class Hashing:
    """The SHA-256 of the bytes about to be written (or of their pieces, one after the other), worked out
    in a thread from `start()` on: once the bytes are written, while the fsync waits on the disk.

    hashlib lets go of Python's lock on large inputs, and the fsync only waits: the 80 MiB of a
    100,000-issue plan (about 50 ms to hash) are hashed in that time instead of after it.  Not while
    they are written: the write copies them into the page cache, work for a core as much as the hash,
    and on a machine with other work to do the two side by side made the write of 80 MiB take 70-290 ms
    where alone it took 20-70 ms.  Below THREAD_FROM bytes a thread costs more than it saves: `digest`
    hashes them itself.
    """

    THREAD_FROM = 1 << 20

    def __init__(self, data: bytes | Sequence[bytes | memoryview]):
        self._pieces = (data,) if isinstance(data, bytes) else tuple(data)
        self._digest: str | None = None
        self._done: threading.Event | None = None  # set once the thread has hashed them

    def start(self) -> None:
        """Start hashing in a thread (large bytes only; small ones are hashed by `digest`)."""
        if self._done is None and sum(map(len, self._pieces)) >= self.THREAD_FROM:
            from tracker.support import threads  # here: most writes are of small plans

            self._done = threads.start(self._hash)

    def _hash(self) -> None:
        self._digest = _sha_of(self._pieces)

    def digest(self) -> str:
        if self._done is not None:
            self._done.wait()
        if self._digest is None:  # small, not started (the write failed first), or the thread failed: hashed here
            self._hash()
        assert self._digest is not None
        return self._digest
