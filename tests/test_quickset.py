"""`tracker set ISSUE STATUS` from the one issue's part of the parse cache, without click: the same bytes, the
same cache entry and the same messages as the whole plan through the CLI, and the CLI whenever the part cannot do."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import BUNDLED_PLAN, tracker_env
from test_writer import HAND_WRITTEN

from tracker.cli.discovery import DEFAULT_MAX_BYTES
from tracker.cli.launch import plain_set
from tracker.edit import ondisk, writer
from tracker.edit.writer import NeedWhole, SetIssueStatus, apply
from tracker.plan import loader, parsecache, splice
from tracker.plan.loader import load, load_part, load_text
from tracker.support import atomicfile, placed, stablefile, threads
from tracker.support.stablefile import signature

STYLES = {
    "hand-written": HAND_WRITTEN,
    "CRLF": HAND_WRITTEN.replace("\n", "\r\n"),
    "BOM": "\ufeff" + HAND_WRITTEN,
    "bundled": BUNDLED_PLAN.read_text(encoding="utf-8"),
}


class WholeRead(Exception):
    pass


def whole(*args, **kwargs):
    raise WholeRead


@pytest.mark.parametrize("text", STYLES.values(), ids=STYLES.keys())
def test_a_plan_read_in_part_writes_the_bytes_and_the_cache_entry_of_the_whole_plan(tmp_path, monkeypatch, text):
    fast, slow = tmp_path / "fast.yaml", tmp_path / "slow.yaml"
    for path in (fast, slow):
        path.write_bytes(text.encode("utf-8"))
    project = load_text(text, fast).project
    statuses = [status.id for status in project.workflow]
    for _, issue in list(project.issues())[:4]:
        change = SetIssueStatus(str(issue.id), next(s for s in reversed(statuses) if s != issue.status))
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fast-cache"))
        load(fast)  # any earlier command: the plan is in the cache
        with monkeypatch.context() as patch:  # neither the whole model decoded nor the text decoded or parsed whole
            patch.setattr(parsecache, "lookup", whole)
            patch.setattr(writer, "load_text", whole)
            patch.setattr(writer, "_current", whole)
            part = load_part(fast, str(issue.id))
            assert part is not None and [len(p.issues) for p in part.project.phases].count(1) == 1
            written = apply(part, change)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "slow-cache"))
        with monkeypatch.context() as patch:  # the whole plan, the whole parse
            patch.setattr(splice, "splice", lambda *args, **kwargs: None)
            whole_written = apply(load(slow), change)
        assert fast.read_bytes() == slow.read_bytes(), change
        assert written.digest == whole_written.digest
        fast_entry = parsecache.entry_path(written.digest)
        assert not (tmp_path / "fast-cache" / "tracker" / fast_entry.name).exists()  # a delta, not 9 MiB again
        assert parsecache.entry_path(written.digest).is_file()
        with monkeypatch.context() as patch:  # store_part's delta reads as the entry store made
            patch.setenv("XDG_CACHE_HOME", str(tmp_path / "fast-cache"))
            from_delta = parsecache.lookup(written.digest, "plan")
        assert from_delta == parsecache.lookup(written.digest, "plan"), change
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fast-cache"))
    cached = load(fast)
    assert cached.project == load_text(fast.read_text(encoding="utf-8-sig"), fast).project


def test_what_one_issue_cannot_vouch_for_needs_the_whole_plan_and_lines_gained_move_the_others_in_the_cache(
    tmp_path,
):
    path = tmp_path / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    load(path)
    before = path.read_bytes()
    part = load_part(path, "1")
    assert part is not None

    class LeavesTheIssue(SetIssueStatus):  # a line outside the issue's list: its lines cannot show what it is
        def edit(self, text, nodes, project):
            return super().edit(text, nodes, project) + "  notes: {}\n"

    with pytest.raises(NeedWhole):
        apply(part, LeavesTheIssue("1", "complete"))
    assert path.read_bytes() == before

    class AddsALine(SetIssueStatus):  # a blank line more: every line after it moves
        def edit(self, text, nodes, project):
            return super().edit(text, nodes, project).replace("status: complete", "status: complete\n", 1)

    written = apply(part, AddsALine("1", "complete"))
    text = path.read_text(encoding="utf-8")
    assert text == HAND_WRITTEN.replace("status: not_started   #", "status: complete\n   #", 1)
    whole = load_text(text, path)
    assert parsecache.lookup(written.digest, str(path)) == (whole.project, whole.problems)


def test_a_plan_whose_lines_break_otherwise_than_by_newlines_is_edited_whole(tmp_path):
    path = tmp_path / "phases.yaml"
    path.write_text(HAND_WRITTEN.replace("Flow issue", "Flow\u2028issue"), encoding="utf-8")  # libyaml counts a line
    load(path)
    part = load_part(path, "1")
    assert part is not None
    with pytest.raises(NeedWhole):  # counting newlines would not find the issue's lines
        apply(part, SetIssueStatus("1", "complete"))
    written = apply(load(path), SetIssueStatus("1", "complete"))
    assert written.project.find_issue(1)[1].status == "complete"


def test_a_file_changed_after_the_part_was_read_is_read_whole_and_both_changes_kept(tmp_path):
    path = tmp_path / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    load(path)
    part = load_part(path, "1")
    assert part is not None
    path.write_text(HAND_WRITTEN.replace("Quoted id", "Quoted id, renamed"), encoding="utf-8")  # another program
    written = apply(part, SetIssueStatus("1", "in_progress"))
    text = path.read_text(encoding="utf-8")
    assert "Quoted id, renamed" in text and written.project.find_issue(1)[1].status == "in_progress"
    assert load(path).project == load_text(text, path).project  # its cache entry is the whole plan's


def test_a_part_is_only_an_issue_the_cache_holds_once(tmp_path):
    path = tmp_path / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    assert load_part(path, "1") is None  # not cached yet
    load(path)
    assert load_part(path, "1") is not None
    assert load_part(path, "no-such-issue") is None
    twice = tmp_path / "twice.yaml"
    twice.write_text(HAND_WRITTEN.replace('id: "003"', "id: 1"), encoding="utf-8")
    load(twice)
    assert load_part(twice, "1") is None
    assert loader.load_part(tmp_path / "missing.yaml", "1") is None


def test_a_part_read_ahead_in_a_thread_is_the_part_read_then(tmp_path):
    # The fast `set` and `add` read and hash the plan in a thread while the writer is imported (ReadAhead).
    path = tmp_path / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    load(path)
    ahead, then = load_part(path, "1", ahead=loader.ReadAhead(path)), load_part(path, "1")
    assert ahead is not None and then is not None
    assert (ahead.project, ahead.problems, ahead.digest, ahead.source) == (
        then.project,
        then.problems,
        then.digest,
        then.source,
    )
    assert loader.ReadAhead(tmp_path / "missing.yaml").result() is None
    assert load_part(tmp_path / "missing.yaml", "1", ahead=loader.ReadAhead(tmp_path / "missing.yaml")) is None
    small = loader.ReadAhead(path, max_bytes=10)  # over the limit: not read, as read_bytes refuses it
    assert small.result() is None and load_part(path, "1", max_bytes=10, ahead=small) is None


def test_the_new_plans_digest_worked_out_while_it_is_written_is_that_of_the_file_written(tmp_path, monkeypatch):
    # Above ondisk.Hashing.THREAD_FROM the writer hashes the new bytes (three pieces on the windowed path)
    # in a thread once they are written, while the fsync waits; the parse cache entry is named by that digest.
    pieces = (memoryview(b"a" * 3_000_000), b"window\n", memoryview(b"z" * 1_500_000))
    joined = b"".join(pieces)
    for above in (0, 1 << 40):  # in a thread, and not
        monkeypatch.setattr(ondisk.Hashing, "THREAD_FROM", above)
        for data in (pieces, joined):
            started = ondisk.Hashing(data)
            started.start()
            assert started.digest() == ondisk.Hashing(data).digest() == hashlib.sha256(joined).hexdigest()
    monkeypatch.undo()
    # The thread starts once the temporary file holds every byte, not while they are written.
    folder = tmp_path / "staged"
    folder.mkdir()
    sizes: list[list[int]] = []
    staged = atomicfile.write_temp(
        folder / "out.yaml", pieces, written=lambda: sizes.append([f.stat().st_size for f in folder.iterdir()])
    )
    assert sizes == [[len(joined)]] and staged.read_bytes() == joined
    staged.unlink()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "phases.yaml"
    path.write_text(HAND_WRITTEN + "# padding\n" * 200_000, encoding="utf-8")  # 2 MiB: hashed in a thread
    assert path.stat().st_size > ondisk.Hashing.THREAD_FROM
    load(path)
    part = load_part(path, "1")
    assert part is not None
    written = apply(part, SetIssueStatus("1", "complete"))
    assert written.digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert parsecache.lookup(written.digest, str(path)) is not None  # the next command need not parse it


def test_work_set_going_in_a_thread_says_when_it_has_ended_however_it_ended(monkeypatch):
    # support/threads.py: what ReadAhead and Hashing start returns at once, not once the thread runs.
    gate, seen, unraised = threading.Event(), [], []
    done = threads.start(lambda: seen.append(gate.wait(10)))
    assert not done.is_set() and not seen
    gate.set()
    assert done.wait(10) and seen == [True]

    def failing():
        raise OSError("no disk")

    monkeypatch.setattr(sys, "unraisablehook", unraised.append)
    assert threads.start(failing).wait(10)
    assert [type(hook.exc_value) for hook in unraised] == [OSError]


def test_a_plan_tracker_wrote_itself_is_not_hashed_again_until_anyone_changes_it(tmp_path, monkeypatch):
    # `tracker set` after `tracker set`: the digest recorded with the file put in place (support/placed.py)
    # names the plan's cache entry, unhashed, while the file shows the signature recorded with it.
    path = tmp_path / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    load(path)
    target = os.path.realpath(path)

    def set_one(issue: str) -> loader.Loaded:
        part = load_part(path, issue, ahead=loader.ReadAhead(path))
        assert part is not None
        return apply(part, SetIssueStatus(issue, "complete"))

    # A plan put in place within RACY_NS of its last write: its times cannot prove it, so no digest is kept.
    # Whether a write was that quick is the machine's (its fsync under load is not), so the rename's own time
    # says: it set the file's ctime, on the kernel's file clock, a tick at most behind the writer's.
    first = set_one("1")
    info = os.stat(path)
    if info.st_ctime_ns - info.st_mtime_ns < stablefile.RACY_NS - 10_000_000:
        assert first.proven is None
        assert placed.digest_of(target, signature(info)) is None
        ahead = loader.ReadAhead(path)
        assert ahead.result() is not None and ahead.proven is None
    # The rule itself, timed by no clock: a digest recorded for a file last written at the moment its times
    # must predate is not kept; one a nanosecond after is.
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    placed.remember(target, signature(info), digest, info.st_mtime_ns)
    assert placed.digest_of(target, signature(info)) is None
    placed.remember(target, signature(info), digest, info.st_mtime_ns + 1)
    assert placed.digest_of(target, signature(info)) == digest
    # As a big plan's fsync does, the rename well after the last write: the digest is kept with the file.
    monkeypatch.setenv("TRACKER_TEST_PAUSE_BEFORE_RENAME", "0.05")
    shown = set_one("2").proven
    data = path.read_bytes()
    true = hashlib.sha256(data).hexdigest()
    assert shown == signature(os.stat(path))  # the writer's next read need not compare it (Loaded.proven)
    assert placed.digest_of(target, shown) == true
    ahead = loader.ReadAhead(path)
    assert ahead.result() == (data, true) and ahead.proven == shown
    assert load_part(path, "1", ahead=loader.ReadAhead(path)).proven == shown
    # What ReadAhead gives is the digest recorded, not the bytes hashed again.
    placed.remember(target, signature(os.stat(path)), "0" * 64, time.time_ns())
    assert loader.ReadAhead(path).result() == (data, "0" * 64)
    # Changed by anyone, even to the same size and with its old mtime put back: hashed.
    changed = data.replace(b"Programme plan", b"Programme list")
    assert changed != data and len(changed) == len(data)
    info = os.stat(path)
    path.write_bytes(changed)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert loader.ReadAhead(path).result() == (changed, hashlib.sha256(changed).hexdigest())
    # Written by no one for STILL_NS before the read: proven by its times, hashed all the same.
    past = time.time_ns() - stablefile.STILL_NS - 123_456_789
    os.utime(path, ns=(past, past))
    ahead = loader.ReadAhead(path)
    assert ahead.result() == (changed, hashlib.sha256(changed).hexdigest())
    assert ahead.proven == signature(os.stat(path)) == load(path).proven
    os.utime(path, ns=(time.time_ns(), time.time_ns()))
    assert loader.ReadAhead(path).proven is None and load(path).proven is None
    # Times kept in whole seconds (FAT, ext3) prove nothing: never recorded as proof.
    os.utime(path, ns=(10**18, 10**18))
    placed.remember(target, signature(os.stat(path)), "0" * 64, time.time_ns())
    assert placed.digest_of(target, signature(os.stat(path))) is None
    assert loader.ReadAhead(path).result() == (changed, hashlib.sha256(changed).hexdigest())


def test_a_plan_tracker_wrote_itself_is_looked_up_while_its_bytes_are_read_and_taken_only_if_they_are_its(
    tmp_path, monkeypatch
):
    # load_part looks the parse cache up by the digest recorded with the file tracker put in place
    # (ReadAhead.known) while the thread reads its bytes: the read here waits until that lookup is made.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    load(path)
    data = path.read_bytes()
    true = hashlib.sha256(data).hexdigest()
    target = os.path.realpath(path)
    asked: list[str] = []
    looked_up = threading.Event()
    lookup_part, read_bytes = parsecache.lookup_part, loader.read_bytes

    def lookup(digest, *args, **kwargs):
        asked.append(digest)
        looked_up.set()
        return lookup_part(digest, *args, **kwargs)

    def read_after_the_lookup(*args, **kwargs):
        assert looked_up.wait(10), "the bytes were waited for before the cache was looked up"
        return read_bytes(*args, **kwargs)

    monkeypatch.setattr(parsecache, "lookup_part", lookup)
    monkeypatch.setattr(loader, "read_bytes", read_after_the_lookup)
    placed.remember(target, signature(os.stat(path)), true, time.time_ns())  # as the writer records its own
    part = load_part(path, "1", ahead=loader.ReadAhead(path))
    assert part is not None and part.digest == true and asked == [true]  # once: that lookup was taken
    # The name showed another file after the read (no proof of the bytes): they are hashed, and the cache is
    # looked up again by what they are, not taken from the digest recorded.
    asked.clear()
    wrong = "0" * 64
    placed.remember(target, signature(os.stat(path)), wrong, time.time_ns())
    monkeypatch.setattr(loader, "_proof", lambda *args, **kwargs: None)
    part = load_part(path, "1", ahead=loader.ReadAhead(path))
    assert asked == [wrong, true]
    assert part is not None and part.digest == true and part.project == load_part(path, "1").project


def test_a_write_after_a_write_compares_no_bytes_and_lets_the_file_displaced_go_before_the_watch(tmp_path, monkeypatch):
    # The file tracker put in place, its digest recorded (Loaded.proven): the check before the rename takes its
    # times as proof and compares no bytes; so does the one after, of the file the rename displaced (its ctime
    # moved), where a read lease held from that proof to the rename shows no one wrote it (else it is
    # compared), then closes it, so freeing it runs inside the watch after the rename (Watch.let_go).
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("TRACKER_TEST_PAUSE_BEFORE_RENAME", "0.05")  # the times of the file put in place prove it
    fast, slow = tmp_path / "fast.yaml", tmp_path / "slow.yaml"
    for path in (fast, slow):
        _written_once(path)
    compared: list[int] = []
    open_at_watch: list[int] = []
    holds, still = ondisk.Watch._holds, ondisk.Watch.still

    def counted(self, fd, pieces):
        compared.append(fd)
        return holds(self, fd, pieces)

    def watched(self, snap, digest):
        open_at_watch.append(len(self._fds))
        return still(self, snap, digest)

    with monkeypatch.context() as patch:
        patch.setattr(ondisk.Watch, "_holds", counted)
        patch.setattr(ondisk.Watch, "still", watched)
        part = load_part(fast, "2", ahead=loader.ReadAhead(fast))
        assert part is not None and part.proven == signature(os.stat(fast))
        apply(part, SetIssueStatus("2", "complete"))
    assert len(compared) == (0 if leases(fast) else 1)  # without leases, the displaced file
    assert open_at_watch == [1]  # the file put in place; the one read is closed
    whole = load(slow)  # the slow path: the whole plan, compared byte for byte
    apply(whole, SetIssueStatus("2", "complete"))
    assert fast.read_bytes() == slow.read_bytes()
    # A file changed in place since it was put there shows another signature: read and compared again.
    part = load_part(fast, "003", ahead=loader.ReadAhead(fast))
    assert part is not None
    fast.write_bytes(fast.read_bytes().replace(b"Programme plan", b"Programme list"))
    apply(part, SetIssueStatus("003", "complete"))
    assert b"Programme list" in fast.read_bytes()
    assert load(fast).project.find_issue("003")[1].status == "complete"


def _written_once(path: Path) -> None:
    """The hand-written plan at `path`, then issue 1 set complete by the quick path's load: the file now one
    tracker put in place, its digest recorded (Loaded.proven)."""
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    load(path)
    first = load_part(path, "1")
    assert first is not None
    apply(first, SetIssueStatus("1", "complete"))


def leases(path: Path) -> bool:
    """Whether the kernel says who has `path` open for writing (stablefile.writing): a read lease can be held."""
    with open(path, "rb") as f:
        return stablefile.writing(f.fileno()) is not None


def test_the_file_displaced_is_compared_when_anyone_wrote_it_or_asked_to_after_its_proof(tmp_path, monkeypatch):
    # A write after a write (the digest recorded, Loaded.proven), with another program at the plan in the last
    # instant: writing it in place and putting its mtime back before the rename (the ctime alone shows it:
    # the lease taken at the rename finds it moved), or opening it for writing while the lease is held (the
    # exchange then finds the lease broken).  Either way what the rename displaced is compared, and merged.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("TRACKER_TEST_PAUSE_BEFORE_RENAME", "0.05")  # the times of the file put in place prove it
    path = tmp_path / "phases.yaml"
    _written_once(path)
    compared: list[int] = []
    holds, pause, exchange = ondisk.Watch._holds, atomicfile.pause_for_tests, atomicfile.exchange

    def counted(self, fd, pieces):
        compared.append(fd)
        return holds(self, fd, pieces)

    def written_in_place(name):  # in the first pause before the rename: the same size, the mtime put back
        pause(name)
        if name != "TRACKER_TEST_PAUSE_BEFORE_RENAME" or b"Programme PLAN" in path.read_bytes():
            return
        times = os.stat(path)
        edited = path.read_bytes().replace(b"Programme plan", b"Programme PLAN")
        with open(path, "r+b") as program:
            program.write(edited)
        os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))

    def asked_to_write(temp, target):  # under the lease: an open for writing breaks it (and would wait)
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_NONBLOCK))
        except BlockingIOError:
            pass
        return exchange(temp, target)

    for issue, patched in (("2", ("pause_for_tests", written_in_place)), ("003", ("exchange", asked_to_write))):
        part = load_part(path, issue, ahead=loader.ReadAhead(path))
        assert part is not None and part.proven == signature(os.stat(path))
        with monkeypatch.context() as patch:
            patch.setattr(ondisk.Watch, "_holds", counted)
            patch.setattr(atomicfile, *patched)
            apply(part, SetIssueStatus(issue, "complete"))
        assert compared, patched[0]
        compared.clear()
        assert load(path).project.find_issue(issue)[1].status == "complete"
    assert b"Programme PLAN" in path.read_bytes()


# --- the command ----------------------------------------------------------------------------------

PLAN = """\
project: Shop
phases:
  - id: P1
    title: Fixes
    issues:
      - id: 1
        title: Retry — with backoff
        status: in_progress   # keep this comment
      - {id: 2, title: Flow issue, status: audit}
"""

REPORT = (
    "import sys\n"
    "sys.argv = ['tracker', *sys.argv[1:]]\n"
    "from tracker.plan import loader, parsecache, splice\n"
    "from tracker.edit import writer\n"
    "def whole(*args, **kwargs):\n"
    "    sys.stderr.write('read whole\\n')\n"
    "    return real(*args, **kwargs)\n"
    "real = parsecache.lookup\n"
    "parsecache.lookup = whole\n"
    "if 'no-splice' in __import__('os').environ.get('TEST_MODE', ''):\n"
    "    splice.splice = lambda *args, **kwargs: None\n"
    "from tracker.cli.launch import run\n"
    "status = run()\n"
    "sys.stderr.write('click ' + ('loaded' if 'click' in sys.modules else 'not loaded'))\n"
    "sys.exit(status)\n"
)


def run(folder: Path, *args: str, mode: str = "", cli: bool = False) -> subprocess.CompletedProcess:
    code = "import sys; from tracker.cli.commands import main; main(sys.argv[1:])" if cli else REPORT
    env = tracker_env(folder / "cache", TEST_MODE=mode)
    return subprocess.run([sys.executable, "-c", code, *args], cwd=folder, env=env, capture_output=True, text=True)


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path]:
    """Two folders with the same plan, each with its own cache, both read once (the cache warm)."""
    folders = []
    for name in ("fast", "cli"):
        folder = tmp_path / name
        (folder / "data").mkdir(parents=True)
        (folder / "data" / "phases.yaml").write_text(PLAN, encoding="utf-8")
        assert run(folder, "validate", cli=True).returncode == 0
        folders.append(folder)
    return folders[0], folders[1]


def test_set_is_answered_from_the_issue_without_click_as_the_cli_answers_it(two):
    fast, cli = two
    for args in (["set", "1", "complete"], ["set", "2", "blocked", "-f", "data/phases.yaml"], ["set", "1", "complete"]):
        taken = run(fast, *args)
        through_cli = run(cli, *args, cli=True)
        assert taken.returncode == through_cli.returncode == 0, taken.stderr
        assert taken.stderr == "click not loaded"  # and the whole model never decoded
        assert taken.stdout.replace(str(fast), str(cli)) == through_cli.stdout
        assert (fast / "data/phases.yaml").read_bytes() == (cli / "data/phases.yaml").read_bytes()
    assert "status: complete   # keep this comment" in (fast / "data/phases.yaml").read_text(encoding="utf-8")
    again = run(fast, "status", "--json")
    assert again.returncode == 0 and "read whole" in again.stderr  # the next command finds the plan cached
    assert run(cli, "status", "--json", cli=True).stdout == again.stdout.replace(str(fast), str(cli))


def test_set_and_add_taken_before_click_make_no_dataclass(tmp_path):
    # Making a dataclass runs generated code (0.3-1 ms each); the fast path makes none, nor imports the module.
    fast = tmp_path
    (fast / "data").mkdir()
    (fast / "data" / "phases.yaml").write_text(
        PLAN.replace("      - {id: 2, title: Flow issue, status: audit}\n", ""), encoding="utf-8"
    )
    assert run(fast, "validate", cli=True).returncode == 0  # the parse cache warm
    code = (
        "import sys\n"
        "sys.argv = ['tracker', *sys.argv[1:]]\n"
        "from tracker.cli.launch import run\n"
        "status = run()\n"
        "sys.stderr.write(' '.join(m for m in ('click', 'dataclasses') if m in sys.modules) or 'neither')\n"
        "sys.exit(status)\n"
    )
    env = tracker_env(fast / "cache")
    for args in (["set", "1", "complete"], ["add", "issue", "P1", "Another"]):
        taken = subprocess.run([sys.executable, "-c", code, *args], cwd=fast, env=env, capture_output=True, text=True)
        assert taken.returncode == 0 and taken.stderr == "neither", taken.stderr


def test_a_status_outside_the_workflow_is_refused_as_the_cli_refuses_it(two):
    fast, cli = two
    taken = run(fast, "set", "1", "completed")
    through_cli = run(cli, "set", "1", "completed", cli=True)
    assert taken.returncode == through_cli.returncode == 1
    assert taken.stderr.replace(str(fast), str(cli)) == through_cli.stderr + "click not loaded"
    assert "did you mean 'complete'" in taken.stderr
    assert (fast / "data/phases.yaml").read_text(encoding="utf-8") == PLAN


def test_what_the_issue_cannot_settle_goes_to_the_cli_with_the_same_result(two):
    fast, cli = two
    taken = run(fast, "set", "1", "complete", mode="no-splice")  # the edited lines cannot vouch for the result
    assert taken.returncode == 0 and taken.stderr.endswith("click loaded"), taken.stderr
    unknown = run(fast, "set", "9", "complete")  # no such issue: the CLI lists the ones there are
    assert unknown.returncode == 1 and "no issue '9'" in unknown.stderr and unknown.stderr.endswith("click loaded")
    assert run(cli, "set", "1", "complete", cli=True).stdout == taken.stdout.replace(str(fast), str(cli))
    assert (fast / "data/phases.yaml").read_bytes() == (cli / "data/phases.yaml").read_bytes()


@pytest.mark.parametrize(
    "args, found",
    [
        (["set", "4", "complete"], (None, DEFAULT_MAX_BYTES, "4", "complete")),
        (["-f", "p.yaml", "set", "4", "done"], ("p.yaml", DEFAULT_MAX_BYTES, "4", "done")),
        (["set", "4", "done", "--max-bytes", "99", "--file", "p.yaml"], ("p.yaml", 99, "4", "done")),
        (["set", "set", "done"], (None, DEFAULT_MAX_BYTES, "set", "done")),
    ],
)
def test_plain_set_command_lines_are_recognised(args, found):
    assert plain_set(args) == found


@pytest.mark.parametrize(
    "args",
    [
        ["set", "4"],
        ["set", "4", "done", "extra"],
        ["set", "4", "done", "--step", "1"],
        ["set", "4", "--owner", "kim"],
        ["set", "--", "4", "done"],
        ["set", "4", "done", "--help"],
        ["status", "4", "done"],
        ["4", "set", "done"],
    ],
)
def test_any_other_set_goes_to_the_cli(args):
    assert plain_set(args) is None
