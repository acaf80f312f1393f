"""Has the plan file changed on disk since we last read it?

Editors save in two ways: writing the file in place, or writing a new file
and renaming it over the old one (a new inode).  Both change what `stat`
says, so a cheap stat is taken every poll and the file is only read and
hashed when the stat differs; the content hash decides, so touching the file
or rewriting the same bytes is not a change.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from tracker.plan import LoadError, content_signature, read_bytes


def digest_of(data: bytes) -> str:
    """The same digest the loader records for a file's bytes."""
    return hashlib.sha256(data).hexdigest()


class FileWatch:
    def __init__(self, path: Path, digest: str, max_bytes: int, seen: tuple | None = None):
        """`seen`: the file's stat before `digest`'s bytes were read (Loaded.seen), when known; else it is
        taken now, and a save made since the read would pass for the content read."""
        self.path = path
        self.digest = digest
        self.max_bytes = max_bytes  # the limit the plan was read under: a FIFO or a huge file is not read whole
        self._stat = seen if seen is not None else self._signature()

    def _signature(self) -> tuple | None:
        return content_signature(self.path)

    def seen(self, digest: str) -> None:
        """The caller wrote this content itself; finding it on disk is not a change.

        The stat is left alone: the next poll reads and hashes once more, so an
        edit that lands between our write and this call is still noticed.
        """
        self.digest = digest

    def changed(self) -> bool:
        """True once for each new content of the file (a vanished file counts as new content)."""
        signature = self._signature()
        if signature == self._stat:
            return False
        self._stat = signature
        if signature is None:
            digest = ""
        else:
            try:
                digest = digest_of(read_bytes(self.path, self.max_bytes))
            except LoadError:
                digest = "unreadable"  # changed all the same: loading it says why
            except OSError:
                # Mid-rename or unreadable for a moment: look again next poll.
                self._stat = None
                return False
        if digest == self.digest:
            return False
        self.digest = digest
        return True
