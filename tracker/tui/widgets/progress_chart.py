"""Progress over time as bars of eighth blocks on a fixed 0–100% scale, one column per stretch of time.

Textual's Sparkline scales each line between its own lowest and highest value,
so a phase that went from 30% to 40% would fill the whole height and look
done; here the height is the percent itself.  Columns are equal stretches of
time from the plan's first commit to today, each showing the plan as the last
commit in it left it (a version that does not load keeps the one before);
before the first commit a column is blank.  The value at the right end is
written out, so the chart reads without colour; 0% is a dot, no history yet a blank.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widget import Widget

from tracker.support.textsafe import one_line

if TYPE_CHECKING:
    from tracker.git import Measure

BLOCKS = " ▁▂▃▄▅▆▇█"
LABEL = 10  # columns for a series' name
VALUE = 6  # columns for the value at the right end


class ProgressChart(Widget):
    """Overall progress `tall` rows high with a time axis below it, then each phase on one row."""

    DEFAULT_CSS = """
    ProgressChart { height: auto; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.points: list[tuple[datetime.date, Measure]] = []  # (day, Measure) of versions that load, oldest first
        self.today = datetime.date.today()
        self.tall = 4

    def show(self, points: list[tuple[datetime.date, Measure]], today: datetime.date) -> None:
        self.points = points
        self.today = today
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        if not self.points:
            return 1
        return self.tall + 1 + len(self.points[-1][1].phases)

    def render(self) -> Content:
        if not self.points:
            return Content("Nothing to chart: no commit holds a version of the plan that loads.")
        width = max(8, self.size.width - LABEL - VALUE)
        columns = self._columns(width)
        latest = self.points[-1][1]
        lines: list[Content] = []
        overall = [None if m is None else m.percent for m in columns]
        for row in range(self.tall, 0, -1):
            label = "Overall" if row == self.tall else ""
            value = f"{latest.percent}%" if row == self.tall and latest.percent is not None else ""
            lines.append(Content(label.ljust(LABEL) + _bars(overall, row, self.tall) + value.rjust(VALUE)))
        first, last = self.points[0][0].isoformat(), self.today.isoformat()
        lines.append(Content(" " * LABEL + first + last.rjust(width - len(first))))
        for index, (phase_id, _, percent) in enumerate(latest.phases):
            series = [_phase_percent(m, phase_id, index) for m in columns]
            name = one_line(phase_id)[: LABEL - 1].ljust(LABEL)
            value = "-" if percent is None else f"{percent}%"
            lines.append(Content(name + _bars(series, 1, 1) + value.rjust(VALUE)))
        return Content("\n").join(lines)

    def _columns(self, width: int) -> list[Measure | None]:
        """The plan as it stood at the end of each column's stretch of time; None before the first commit."""
        start = self.points[0][0]
        days = max(1, (self.today - start).days)
        out: list[Measure | None] = []
        i = -1
        for column in range(width):
            end = start + datetime.timedelta(days=days * (column + 1) / width)
            while i + 1 < len(self.points) and self.points[i + 1][0] <= end:
                i += 1
            out.append(self.points[i][1] if i >= 0 else None)
        return out


def _phase_percent(measure: Measure | None, phase_id: str, index: int) -> int | None:
    """A phase's percent in an older version, found by id (phases come and go)."""
    if measure is None:
        return None
    phases = measure.phases
    if index < len(phases) and phases[index][0] == phase_id:
        return phases[index][2]
    return next((percent for id_, _, percent in phases if id_ == phase_id), None)


def _bars(values: list[int | None], row: int, rows: int) -> str:
    """Row `row` (1 = the bottom) of bars `rows` high, each as high as its percent.

    0% is a dot and anything begun at least the lowest block, so neither reads as a gap in the history.
    """
    out = []
    for value in values:
        if value is None:
            out.append(" ")
        elif value == 0:
            out.append("·" if row == 1 else " ")
        else:
            eighths = max(1, round(value / 100 * rows * 8)) - (row - 1) * 8
            out.append(BLOCKS[max(0, min(8, eighths))])
    return "".join(out)
