"""Edits made from one issue's lines keep the parse cache as small delta entries on a whole entry: read back,
they are the plan a full parse gives; folded after DELTA_MOST issues, the bytes `store` writes; and whatever
is wrong with them (their base gone, damaged or another plan's) is a miss, so the plan is parsed whole."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from test_quickset import PLAN as SHORT
from test_writer import HAND_WRITTEN

from tracker.edit import ondisk
from tracker.edit.writer import SetIssueStatus, apply
from tracker.plan import loader, parsecache
from tracker.plan.loader import load, load_part, load_text


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    monkeypatch.setattr(ondisk, "RECENT_NS", 0)  # tracker's own writes in a row: watched 20 ms each


def digest_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def entries(kind: str) -> list[Path]:
    return sorted(parsecache.cache_dir().glob(f"{kind}-*.msgpack"))


def set_in_part(path: Path, issue: str, status: str):
    part = load_part(path, issue)
    assert part is not None and part.part is not None
    return apply(part, SetIssueStatus(issue, status))


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    load(path)  # any earlier command: a whole entry
    return path


def parsed(path: Path):
    loaded = load_text(path.read_text(encoding="utf-8"), path)
    return loaded.project, loaded.problems


def test_edits_from_one_issue_s_lines_are_kept_as_deltas_on_one_whole_entry(plan: Path, monkeypatch):
    base = entries("plan")
    set_in_part(plan, "1", "complete")
    set_in_part(plan, "2", "complete")
    set_in_part(plan, "1", "in_progress")  # the same issue again: the delta holds its latest bytes
    assert entries("plan") == base and len(entries("plandelta")) == 3  # no whole entry written again
    with monkeypatch.context() as patch:  # a parse would fail: the plan comes from the cache
        patch.setattr(loader, "load_text", None)
        cached = parsecache.lookup(digest_of(plan), str(plan))
    assert cached is not None and cached == parsed(plan)
    part = load_part(plan, "2")  # read in part through the delta: its issue is the delta's
    assert part is not None and part.project.find_issue(2)[1].status == "complete"
    assert part.part is not None and sorted(part.part.changes) == [0, 1]


def test_a_set_in_part_finds_its_issue_without_decoding_every_key_and_its_delta_keeps_none(plan: Path, monkeypatch):
    import msgspec

    # At 100,000 issues decoding every key is 6-11 ms, twice (the delta's and its base's): lookup_part finds the
    # one it is asked for in the header's text of them (Keys.place_of), and the delta of issues changed in place
    # keeps no keys, its base's are its own (_Header.same_keys).  The plan read back is a full parse's.
    def decoded(self):
        raise AssertionError("every key decoded")

    code = parsecache.code_key(*parsecache.LOADER_PARTS)
    with monkeypatch.context() as patch:
        patch.setattr(parsecache.Keys, "list", decoded)
        set_in_part(plan, "2", "complete")
        written = set_in_part(plan, "1", "complete")  # read in part through the delta of the first
    delta = parsecache._read_header(
        parsecache.entry_path(written.digest, code, "plandelta"), code, written.digest, False
    )
    assert delta is not None and delta.header.same_keys and bytes(delta.header.listed) == b"\x90"
    assert parsecache.lookup(written.digest, str(plan)) == parsed(plan)
    part = load_part(plan, "1")
    assert part is not None and part.project.find_issue(1)[1].status == "complete"
    assert load_part(plan, "9") is None  # no such issue: the CLI says so
    # Keys the text of them cannot tell apart: the same one twice (a plan with errors), a line break in one (the
    # loader takes such an id out of the model; an entry of them would be found in the list).
    path = plan.with_name("twice.yaml")
    path.write_text(SHORT.replace("id: 2,", "id: 1,"), encoding="utf-8")
    load(path)
    assert parsecache.lookup_part(digest_of(path), str(path), "1") is None  # two issues have it
    for listed in (["1", "2", "22", "2 2", "x"], ["1", "two\nlines", "two", "lines"]):
        keys = parsecache.Keys(raw=msgspec.msgpack.encode(listed), lines=parsecache._lines_of(listed))
        assert [keys.place_of(key) for key in [*listed, "3", "two\n"]] == [*range(len(listed)), None, None]


def test_one_issue_s_lines_edited_in_a_whole_plan_are_kept_as_deltas_too(plan: Path, monkeypatch):
    # The dashboard holds the whole plan: its edits of one issue's lines are kept as `tracker set`'s are
    # (store_window), lines gained included, on the entry the plan was read from, not as the whole plan again.
    from tracker.edit.writer import AddStep

    base = entries("plan")
    loaded = apply(load(plan), SetIssueStatus(1, "complete"))
    loaded = apply(loaded, AddStep("1", "Another step"))  # lines gained: the issues after it move
    loaded = apply(loaded, SetIssueStatus(2, "complete"))  # one of those
    assert entries("plan") == base and len(entries("plandelta")) == 3
    with monkeypatch.context() as patch:  # a parse would fail: the plan comes from the cache
        patch.setattr(loader, "load_text", None)
        cached = parsecache.lookup(digest_of(plan), str(plan))
    assert cached == parsed(plan) and loaded.project == cached[0]
    for path in entries("plan") + entries("plandelta"):  # no entry to build on: the plan is kept whole
        path.unlink()
    written = apply(loaded, SetIssueStatus(1, "in_progress"))
    assert entries("plandelta") == [] and parsecache.entry_path(written.digest).is_file()


def test_past_delta_most_issues_the_entry_is_whole_again_with_the_bytes_store_writes(plan: Path, monkeypatch):
    monkeypatch.setattr(parsecache, "DELTA_MOST", 1)
    set_in_part(plan, "1", "complete")
    assert len(entries("plandelta")) == 1
    written = set_in_part(plan, "2", "complete")  # two changed issues: folded into a whole entry
    assert written.part is None and len(entries("plandelta")) == 1
    folded = parsecache.entry_path(written.digest).read_bytes()
    project, problems = parsed(plan)
    parsecache.entry_path(written.digest).unlink()
    parsecache.store(written.digest, project, problems, plain=True)
    assert folded == parsecache.entry_path(written.digest).read_bytes()


def test_a_delta_whose_base_is_gone_is_a_miss_and_the_plan_is_parsed(plan: Path):
    (base,) = entries("plan")
    written = set_in_part(plan, "1", "complete")
    base.unlink()
    assert parsecache.lookup(written.digest, str(plan)) is None
    assert load_part(plan, "1") is None  # `tracker set` then goes to the CLI, which parses
    assert load(plan).project == parsed(plan)[0]


def test_a_delta_on_another_plan_s_entry_is_a_miss(plan: Path, tmp_path: Path):
    (base,) = entries("plan")
    written = set_in_part(plan, "1", "complete")
    other = tmp_path / "other.yaml"
    other.write_text(SHORT, encoding="utf-8")
    load(other)
    shutil.copy(parsecache.entry_path(digest_of(other)), base)  # the base's name, another plan's entry
    assert parsecache.lookup(written.digest, str(plan)) is None
    assert load_part(plan, "1") is None
    assert load(plan).project == parsed(plan)[0]


@pytest.mark.parametrize("where", ["delta body", "delta header", "base issue"])
def test_a_damaged_delta_or_base_is_a_miss(plan: Path, where: str):
    (base,) = entries("plan")
    written = set_in_part(plan, "1", "complete")
    (delta,) = entries("plandelta")
    seal = 17  # the CRC-32 and mark every entry ends with (cachefiles.seal_of)
    damaged = {"delta body": (delta, -seal - 3), "delta header": (delta, 20), "base issue": (base, -seal - 3)}[where]
    data = bytearray(damaged[0].read_bytes())
    data[damaged[1]] ^= 0x01
    damaged[0].write_bytes(bytes(data))
    assert parsecache.lookup(written.digest, str(plan)) is None
    if where == "base issue":  # the last issue's bytes: one read in part checks them
        last = str(list(parsed(plan)[0].issues())[-1][1].id)
        assert load_part(plan, last) is None
    assert load(plan).project == parsed(plan)[0]


@pytest.mark.parametrize("most", [256, 3], ids=["deltas", "folded on the way"])
def test_issues_added_in_part_move_the_issues_after_them_where_they_are_decoded(tmp_path, monkeypatch, most):
    from test_quickadd import PLAN

    from tracker.edit.writer import AddIssue

    monkeypatch.setattr(parsecache, "DELTA_MOST", most)
    path = tmp_path / "phases.yaml"
    path.write_text(PLAN, encoding="utf-8")
    load(path)
    for phase, title in (("P2", "Two"), ("P1", "One"), ("P1", "One more"), ("P2", "Two more")):
        part = load_part(path, None, phase=phase)
        assert part is not None and part.part is not None
        apply(part, AddIssue(phase, title))
        set_in_part(path, "3", "blocked" if title.endswith("more") else "complete")  # moved by the adds in P1
    project, problems = parsed(path)
    for _, issue in project.issues():  # each read in part where it now stands
        part = load_part(path, str(issue.id))
        assert part is not None and part.project.find_issue(issue.id)[1] == issue
    with monkeypatch.context() as patch:
        patch.setattr(loader, "load_text", None)
        assert parsecache.lookup(digest_of(path), str(path)) == (project, problems)


def test_a_whole_read_that_moved_issues_keeps_the_plan_whole_for_the_next(tmp_path):
    from test_quickadd import PLAN

    from tracker.edit.writer import AddIssue

    path = tmp_path / "phases.yaml"
    path.write_text(PLAN, encoding="utf-8")
    load(path)
    part = load_part(path, None, phase="P1")
    assert part is not None
    written = apply(part, AddIssue("P1", "One"))  # the issues of P2 move down
    assert not parsecache.entry_path(written.digest).exists()
    assert parsecache.lookup(written.digest, str(path)) == parsed(path)
    assert parsecache.entry_path(written.digest).is_file()  # moved once, kept whole for the next read


def test_a_sealed_delta_whose_moves_do_not_fit_its_base_is_a_miss(plan: Path):
    """An entry tracker never writes (its seal and CRCs sound, its moves pointing past the base's issues):
    the plan is parsed, not an IndexError."""
    import msgspec

    code = parsecache.code_key(*parsecache.LOADER_PARTS)
    base = parsecache._read_header(parsecache.entry_path(digest_of(plan), code), code, digest_of(plan), whole=True)
    assert base is not None
    header = base.header
    first = parsed(plan)[0].phases[0].issues[0]
    n = len(header.keys)
    fake = "f" * 64
    parsecache._write(
        fake, header.digest, bytes(header.head), [*header.counts[:-1], header.counts[-1] + 1], [*header.keys, "x1"], True,
        [0], [(n + 1, 1, 0)], [msgspec.msgpack.encode(first)], [], True,
    )  # fmt: skip
    assert parsecache._read_delta(fake, code) is not None  # sealed and sound as far as its header says
    assert parsecache.lookup(fake, str(plan)) is None
    found = parsecache._part(fake, code)
    assert found is not None and found[1].issue(n) is None


def test_a_sealed_delta_whose_keys_are_not_its_issues_is_a_miss(plan: Path):
    """A delta of issues changed in place (no moves) must name, at each index, the key of the issue found there:
    its own for the issues it holds, the base's for the others; an entry that says otherwise is a miss."""
    import msgspec

    code = parsecache.code_key(*parsecache.LOADER_PARTS)
    base = parsecache._read_header(parsecache.entry_path(digest_of(plan), code), code, digest_of(plan), whole=True)
    assert base is not None
    header = base.header
    issues = [issue for _, issue in parsed(plan)[0].issues()]
    held = [msgspec.msgpack.encode(issues[0])]
    for name, keys, holds in (
        ("sound", list(header.keys), held),
        ("another key for an issue of the base", [*header.keys[:-1], "x1"], held),
        ("another key for the issue it holds", ["x1", *header.keys[1:]], held),
        ("the base's keys, said so", None, held),  # _Header.same_keys, as a `set` in part writes it
        ("the base's keys, said so, the issue it holds another's", None, [msgspec.msgpack.encode(issues[1])]),
    ):
        fake = hashlib.sha256(name.encode()).hexdigest()
        parsecache._write(fake, header.digest, bytes(header.head), header.counts, keys, True, [0], [], holds, [], True)
        assert parsecache._read_delta(fake, code) is not None  # sealed and sound as far as its header says
        found = parsecache.lookup(fake, str(plan))
        assert (found is not None) == (name in ("sound", "the base's keys, said so")), name
        if keys is None:  # read in part, the issue it holds is the key the base's has there, or a miss
            in_part = parsecache.lookup_part(fake, str(plan), str(issues[0].id))
            assert (in_part is not None) == (found is not None), name


def test_the_dashboard_s_read_ahead_reads_the_entries_and_load_takes_them(plan: Path, monkeypatch):
    """ReadAhead(whole=True) reads the parse cache's entries for the plan in its thread (parsecache.fetch): the
    whole entry, else the delta and its base.  `load` takes those, reads none again, and gives the plan a
    full parse gives."""
    for kept in ("whole", "delta"):
        if kept == "delta":
            set_in_part(plan, "2", "complete")
        ahead = loader.ReadAhead(plan, whole=True)
        assert ahead.result() is not None
        fetched = ahead.entries
        assert fetched is not None and len(fetched) == (1 if kept == "whole" else 2)
        read: list[Path] = []

        def reading(file: Path, read_entry=parsecache.read_entry, read=read):
            read.append(file)
            return read_entry(file)

        with monkeypatch.context() as patch:  # not parsed, and no entry read again: what the thread read is used
            patch.setattr(parsecache, "read_entry", reading)
            patch.setattr(loader, "load_text", None)
            loaded = load(plan, ahead=ahead)
        assert fetched == {} and not [file for file in read if file.exists()]  # each taken once; misses only
        assert (loaded.project, loaded.problems) == parsed(plan)
    assert loader.ReadAhead(plan).entries is None  # only the whole plan's reader reads them
