"""Running the CLI in process on a project's plan, with the cache and with none (answer cache tests)."""

from __future__ import annotations

import marshal
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli.commands import main


def run_cli(project: Path, *args: str) -> bytes:
    """What `tracker --file PROJECT/data/phases.yaml ARGS` prints; it must succeed."""
    result = CliRunner().invoke(main, ["--file", str(project / "data" / "phases.yaml"), *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def run_fresh(project: Path, *args: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """What the command prints with an empty cache folder."""
    with monkeypatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path / f"fresh-{len(list(tmp_path.glob('fresh-*')))}"))
        return run_cli(project, *args)


def answer_entries() -> list[Path]:
    from tracker.support import cachefiles

    return sorted(cachefiles.cache_dir().glob("answer-*.bin"))


def replace_recorded_answers(answer: Callable[[str], bytes], **header: object) -> None:
    """Replace every recorded answer by `answer(codec)`, packed with the entry's codec, as a well-formed entry
    (with `header`'s keys changed too): a replay then gives what no computation gives."""
    import zstandard

    assert answer_entries(), "an answer was recorded"
    for entry in answer_entries():
        _, kept = split_entry(entry.read_bytes())
        given = answer(kept["codec"])
        packed = zstandard.compress(given) if kept["codec"] == "zstd" else zlib.compress(given)
        kept.update(header, size=len(packed), crc=zlib.crc32(packed))
        entry.write_bytes(joined_entry(packed, kept))


def split_entry(data: bytes) -> tuple[bytes, dict]:
    """An answer entry's kept answer and its header (see replay._header)."""
    length = int.from_bytes(data[-4:], "big")
    return data[: -4 - length], marshal.loads(data[-4 - length : -8])


def joined_entry(answer: bytes, header: dict) -> bytes:
    """An answer entry made of `answer` and `header`, as the recorder writes one."""
    from tracker.cli import replay

    return answer + replay._header(header)
