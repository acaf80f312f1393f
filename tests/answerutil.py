"""Running the CLI in process on a project's plan, with the cache and with none (answer cache tests)."""

from __future__ import annotations

import json
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
        data = entry.read_bytes()
        length = int.from_bytes(data[-4:], "big")
        kept = json.loads(data[-4 - length : -4])
        given = answer(kept["codec"])
        packed = zstandard.compress(given) if kept["codec"] == "zstd" else zlib.compress(given)
        kept.update(header, size=len(packed), crc=zlib.crc32(packed))
        encoded = json.dumps(kept).encode()
        entry.write_bytes(packed + encoded + len(encoded).to_bytes(4, "big"))
