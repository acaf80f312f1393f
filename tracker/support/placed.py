"""The file tracker put under a plan's name last: its stat signature and, when the signature proves it, its
SHA-256; one small entry per plan in the cache folder.

The writer (edit/ondisk.py) takes a plan changed lately by anyone but tracker
as being edited now, and watches its own write longer.  `tracker set` reads a
plan it wrote itself without hashing it again to find its parse cache entry
(plan.ReadAhead): at 100,000 issues that is 80 MiB and 45 ms, a tenth of the
command.  The digest is only given back for a file that still shows the
signature recorded with it, and was recorded only when that signature proves
the content (stablefile.proves): a file changed since, by anyone, shows
another signature and is hashed.
"""

from __future__ import annotations

import hashlib
import os

import msgspec

from tracker.support import cachefiles
from tracker.support.stablefile import proves

KEPT = 16  # plans whose last file put in place by tracker is remembered


def remember(target: str | os.PathLike, signature: tuple, digest: str, before_ns: int) -> None:
    """Record that the file showing `signature` under `target` is tracker's own, holding the bytes of SHA-256
    `digest`, proven by its times when last written before `before_ns` (stablefile.proves; best effort: the
    cache may be read-only)."""
    entry = {"signature": list(signature), "digest": digest if proves(signature, before_ns) else None}
    try:
        cachefiles.write_entry(_entry(target), msgspec.json.encode(entry), KEPT)
    except OSError:
        pass


def signature_of(target: str | os.PathLike) -> list | None:
    """The signature of the file tracker last put under `target`, if recorded."""
    found = _read(target)
    return found.get("signature") if found is not None else None


def digest_of(target: str | os.PathLike, signature: tuple | None) -> str | None:
    """The SHA-256 of the file under `target`, when it is the one tracker put there last and shows `signature`
    as it did then; None otherwise."""
    found = _read(target) if signature is not None else None
    if found is None or found.get("signature") != list(signature or ()):
        return None
    digest = found.get("digest")
    return digest if isinstance(digest, str) and len(digest) == 64 else None


def _read(target: str | os.PathLike) -> dict | None:
    data = cachefiles.read_entry(_entry(target))
    try:
        # msgspec's, not the json module: every `tracker set` reads this, and json's import is 2 ms of it
        found = msgspec.json.decode(data) if data is not None else None
    except (ValueError, RecursionError):  # damaged: not known
        return None
    return found if isinstance(found, dict) else None  # an older tracker's entry (a list): not known


def _entry(target: str | os.PathLike):
    name = hashlib.sha256(os.fsencode(target)).hexdigest()[:40]
    return cachefiles.cache_dir() / f"placed-{name}.bin"
