"""Writing a generated file so that readers see the old one or the new one, never half of either.

The bytes go to a temporary file in the target's folder (same file system, so
the rename is atomic), are fsynced, then renamed over the target; the folder
is fsynced so the rename survives a crash.  A new file gets the usual mode
(0666 less the umask), an existing one keeps its mode.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(target: str | os.PathLike, data: bytes) -> None:
    target = Path(target)
    temp = target.with_name(f".{target.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        try:
            os.fchmod(fd, target.stat().st_mode & 0o7777)
        except FileNotFoundError:
            pass
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(temp, target)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        temp.unlink(missing_ok=True)
        raise
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
