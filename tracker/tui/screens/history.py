"""Progress over time (key h): the chart of `tracker history` and its forecast, read in a worker."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from tracker.git import timeline
from tracker.support.figures import counted
from tracker.support.textsafe import block, one_line
from tracker.tui.widgets.key_bar import KeyBar
from tracker.tui.widgets.progress_chart import ProgressChart

if TYPE_CHECKING:
    from tracker.git import Forecast


class HistoryScreen(Screen):
    BINDINGS = [Binding("escape,h", "close", "Back")]

    @dataclass
    class Read(Message):
        plan: str
        rows: list  # planhistory.Row, oldest first
        ahead: Forecast | None
        today: datetime.date | None
        error: str | None = None

    def __init__(self, path: Path):
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        yield Static(Content("Progress over time — reading the plan's history…"), id="history-title")
        with VerticalScroll(id="history-body"):
            # The forecast first: with many phases the chart runs past an 80x24 screen.
            yield Static("", id="history-forecast", markup=False)
            yield ProgressChart(id="history-chart")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(ProgressChart).display = False
        self.read()

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def read(self) -> None:
        # Every version not seen before is parsed here: a long history takes a while the first time.
        from tracker.git import GitRepo, GitUnavailable, forecast, plan_in, read_history
        from tracker.support.clock import BadClock, today

        try:
            day = today()
            with GitRepo.open(self.path) as repo:
                plan = plan_in(repo, self.path)
                rows = read_history(repo, plan).rows
        except (GitUnavailable, BadClock) as exc:
            self.post_message(self.Read("", [], None, None, str(exc)))
            return
        self.post_message(self.Read(plan, rows, forecast(rows, day), day))

    def on_history_screen_read(self, message: Read) -> None:
        title = self.query_one("#history-title", Static)
        words = self.query_one("#history-forecast", Static)
        if message.error is not None or message.ahead is None or message.today is None:
            title.update(Content("Progress over time — no history"))
            words.update(block(message.error or ""))
            return
        rows = message.rows
        first = rows[0].day if rows else ""
        title.update(
            Content(
                one_line(f"Progress over time — {message.plan}, {counted(len(rows), 'commit')}")
                + (f" since {first}" if first else "")
            )
        )
        points = timeline(rows)
        chart = self.query_one(ProgressChart)
        chart.display = True
        chart.show(points, message.today)
        broken = sum(not row.measure.ok for row in rows)
        left_out = (
            "1 commit where the plan does not load is"
            if broken == 1
            else f"{broken} commits where it does not load are"
        )
        note = [f"{left_out} left out of the chart."] if broken else []
        words.update(block("\n".join([*message.ahead.lines(), *note])))

    def action_close(self) -> None:
        self.dismiss(None)
