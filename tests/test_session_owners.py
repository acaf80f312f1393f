"""Whose open session `session start` and `session end` see: a colleague's, pulled in, runs on beside one's own;
it neither stops a start nor is ended by a plain `session end` or `--end-open`.  Real clones of one origin and the
real CLI, Ada in clone a (gitutil.ENV's identity), Grace in clone b."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from gitutil import ENV
from test_session_overlap import _ok, _run
from test_session_rebase import GRACE, _commit, _git, _two_clones
from test_tui import SIZE, app_for, in_palette, notes, settle, synchronously, wait_for

from tracker.tui.screens.ask import AskScreen

ADA, GRACES = "Ada Lovelace <ada@example.org>", "Grace Hopper <grace@example.org>"


def _graces_open(tmp_path: Path) -> tuple[Path, Path]:
    """Grace starts a session at 09:00 in clone b and pushes it; Ada pulls it into clone a."""
    a, b = _two_clones(tmp_path, "a", "plan", setup=True)
    _ok(b, "session", "start", "--focus", "Grace's", at="2026-12-05T09:00", who=GRACE)
    _commit(b, "Grace starts", "2026-12-05T09:00:30+00:00", who=GRACE)
    _git(b, "push", "-q", "origin", "main", who=GRACE)
    _git(a, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", at="2026-12-05T09:05:00+00:00")
    return a, b


def _sessions(where: Path) -> list[tuple[str | None, str | None, str | None]]:
    """Each session of clone `where`'s plan: (by, started, ended)."""
    plan = yaml.safe_load((where / "plan.yaml").read_text(encoding="utf-8"))
    return [(s.get("by"), s.get("started"), s.get("ended")) for s in plan["sessions"]]


def test_a_colleagues_open_session_neither_stops_a_start_nor_ends_with_a_plain_end(tmp_path):
    a, _ = _graces_open(tmp_path)
    _ok(a, "session", "start", "--focus", "Ada's", at="2026-12-05T09:10")
    _commit(a, "Ada starts", "2026-12-05T09:10:30+00:00")
    _ok(a, "session", "end", at="2026-12-05T09:40")
    assert _sessions(a) == [
        (GRACES, "09:00", None),
        (ADA, "09:10", "09:40"),
    ]


def test_end_open_ends_ones_own_session_only(tmp_path):
    a, _ = _graces_open(tmp_path)
    _ok(a, "session", "start", at="2026-12-05T09:10")
    _commit(a, "Ada starts", "2026-12-05T09:10:30+00:00")
    _ok(a, "session", "start", "--end-open", at="2026-12-05T09:30")
    assert _sessions(a) == [
        (GRACES, "09:00", None),
        (ADA, "09:10", "09:30"),
        (ADA, "09:30", None),
    ]


def test_a_plain_end_with_only_a_colleagues_session_open_is_refused_and_says_how_to_end_it(tmp_path):
    a, _ = _graces_open(tmp_path)
    before = (a / "plan.yaml").read_bytes()
    refused = _run(a, "session", "end", at="2026-12-05T09:40")
    assert refused.returncode == 1
    assert refused.stderr.startswith("plan.yaml:"), refused.stderr
    assert (
        "error: no session of yours (Ada Lovelace <ada@example.org>) is open; the open one is 2026-12-05 "
        "(started 09:00 by Grace Hopper <grace@example.org>), for its starter to end in their own clone; to end it "
        "here all the same, name it: 'tracker session end --session 2026-12-05'"
    ) in refused.stderr
    assert "Traceback" not in refused.stderr
    assert (a / "plan.yaml").read_bytes() == before

    _ok(a, "session", "end", "--session", "2026-12-05", at="2026-12-05T09:40")  # named: meant
    assert _sessions(a) == [(GRACES, "09:00", "09:40")]


@synchronously
async def test_the_dashboard_starts_beside_a_colleagues_open_session_and_does_not_end_it(tmp_path, monkeypatch):
    a, _ = _graces_open(tmp_path)
    plan = a / "plan.yaml"
    for name, value in ENV.items():  # the dashboard's own git commits as Ada, as in clone a
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TRACKER_NOW", "2026-12-05T09:40")
    before = plan.read_text(encoding="utf-8")
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await in_palette(pilot, "End the session")  # refused as `session end` is: Grace's is not Ada's to end
        assert any(f"no session of yours ({ADA}) is open; the open one is 2026-12-05" in n for n in notes(app))
        await in_palette(pilot, "Start a session")  # straight to the focus: not asked to end Grace's first
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"mine", "enter")
        await wait_for(pilot, lambda: plan.read_text(encoding="utf-8") != before)
        await settle(pilot)
    assert _sessions(a) == [(GRACES, "09:00", None), (ADA, "09:40", None)]


def _two_open_sessions(tmp_path: Path, first_by: str, second_by: str) -> subprocess.CompletedProcess:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "project: P\nphases:\n  - id: P1\n    title: One\n    issues:\n      - id: 1\n        title: A\n"
        "        status: not_started\nsessions:\n"
        f"  - date: 2026-12-05\n    started: '09:00'\n    by: '{first_by}'\n"
        f"  - date: 2026-12-05\n    started: '09:20'\n    by: '{second_by}'\n",
        encoding="utf-8",
    )
    return subprocess.run(
        [sys.executable, "-m", "tracker", "--file", str(plan), "validate"], capture_output=True, text=True
    )


def test_validate_warns_of_two_open_sessions_of_one_person_not_of_two_people(tmp_path: Path):
    """Two people's sessions open at once is what `by` made normal: each ends in its starter's clone. One
    person's two open sessions still need `session end --session` told which."""
    apart = _two_open_sessions(tmp_path, "Ada <ada@example.org>", "Grace <grace@example.org>")
    assert (apart.returncode, apart.stderr) == (0, ""), apart
    same = _two_open_sessions(tmp_path, "Ada <ada@example.org>", "Ada L. <ADA@example.org>")
    assert same.returncode == 0 and "where one at a time is meant to be" in same.stderr, same
