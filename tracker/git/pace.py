"""When the plan reaches 100% at its recent pace: a date, a range, and how they were found.

The pace is issues done per week over the last WINDOW_DAYS (or since the
day of the plan's first commit, when that is more recent), measured on the
versions of the plan in its history (planhistory.Row).  The date is today
plus the issues left at that pace (left in the last version, or in the plan as
it is given: the report is of the plan on disk, uncommitted changes and all);
the range comes from the window's fastest and slowest weeks (whole weeks back
from today, the oldest taking in the days left over), so it holds the date.
A window with no net progress, or shorter than a week, gives no date: the
forecast says why instead of inventing one.  The estimate left (open steps'
estimates) is forecast the same way, beside it.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field, replace
from fractions import Fraction

from tracker.git.planhistory import Measure, Row, timeline
from tracker.plan import format_minutes
from tracker.support.figures import counted

WINDOW_DAYS = 28
WEEK = 7
TARGETS = 3  # due days set against the forecast in words; the rest are counted


@dataclass(frozen=True, slots=True)
class Forecast:
    date: datetime.date | None  # when 100% is reached at the pace; None: no pace, or nothing left
    early: datetime.date | None  # at the window's fastest week; None with a date: the window is one stretch
    late: datetime.date | None  # at its slowest week; None with an early one: a week closed nothing, no late bound
    how: str  # how the date was found, or why there is none
    pace: float | None  # issues a week
    left: int  # issues not done
    minutes_left: int
    minutes_pace: float | None  # estimate burned a week
    minutes_date: datetime.date | None
    targets: list[tuple[datetime.date, int]] = field(default_factory=list)  # open issues' `due` days, with counts

    def lines(self) -> list[str]:
        """The forecast in words, as `tracker history` prints it and the dashboard shows it."""
        left = f"{counted(self.left, 'issue')} left"
        if self.date is None:
            lines = [f"Forecast: {self.how}" + (f"; {left}." if self.left else ".")]
        else:
            if self.late is not None:
                spread = f" (between {self.early} and {self.late})"
            elif self.early is not None:
                spread = f" (from {self.early}; a week with nothing done leaves no latest date)"
            else:
                spread = ""
            lines = [f"Forecast: 100% on {self.date}{spread}, {self.how}; {left}."]
        if self.targets:
            shown = "; ".join(self._target(when, count) for when, count in self.targets[:TARGETS])
            rest = self.targets[TARGETS:]
            more = f"; and {sum(count for _, count in rest)} more by {rest[-1][0]}" if rest else ""
            lines.append(f"Due: {shown}{more}")
        if self.minutes_date is not None and self.minutes_pace:
            lines.append(
                f"By estimate: {format_minutes(self.minutes_left)} left at "
                f"{format_minutes(round(self.minutes_pace))} a week: {self.minutes_date}."
            )
        return lines

    def _target(self, when: datetime.date, count: int) -> str:
        issues = counted(count, "open issue")
        if self.date is None:
            return f"{when} ({issues})"
        gap = (self.date - when).days
        if gap > 0:
            return f"{when} ({issues}; the forecast is {counted(gap, 'day')} later)"
        return f"{when} ({issues}; the forecast is on time)"

    def as_json(self) -> dict:
        day = _iso
        return {
            "date": day(self.date),
            "early": day(self.early),
            "late": day(self.late),
            "how": self.how,
            "issues_per_week": self.pace,
            "issues_left": self.left,
            "estimate_left_minutes": self.minutes_left,
            "estimate_minutes_per_week": self.minutes_pace,
            "estimate_date": day(self.minutes_date),
            "due": [{"date": when.isoformat(), "open_issues": count} for when, count in self.targets],
        }


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def forecast(
    rows: list[Row], today: datetime.date, window_days: int = WINDOW_DAYS, now: Measure | None = None
) -> Forecast:
    """The forecast, with the `due` days of the plan as it is now set against it.

    `now`: the plan as it is now (`measure` of the plan on disk), whose issues and estimate left are
    reckoned; the pace is still measured on the commits.  Default: the latest version that loads.
    """
    latest = next((row.measure for row in reversed(rows) if row.measure.ok), None)
    now = now or latest
    found = _forecast(rows, today, window_days, now)
    if now is None:
        return found
    return replace(found, targets=[(datetime.date.fromisoformat(day), count) for day, count in now.due])


def _forecast(rows: list[Row], today: datetime.date, window_days: int, now: Measure | None) -> Forecast:
    points = timeline(rows)
    if not points or now is None:
        # No row at all is a plan not committed yet (or a repository without commits), not a broken history.
        why = "no version of the plan in its history loads" if rows else "no commit holds the plan yet"
        return _none(
            f"no pace yet: {why}",
            now.total - now.done if now else 0,
            now.open_minutes if now else 0,
        )
    last = points[-1][1]
    left = now.total - now.done
    if now.total == 0:
        return _none("no pace yet: the plan has no issues", 0, 0)
    if left == 0:
        return _none("every issue is done", 0, now.open_minutes)
    first = points[0][0]
    if first > today:  # a committer's clock ahead of this one's, or TRACKER_NOW set before the plan began
        return _none(
            f"no pace yet: the first version of the plan that loads is dated {first}, after today ({today})",
            left,
            now.open_minutes,
        )
    start = max(first, today - datetime.timedelta(days=window_days))
    days = (today - start).days
    if days < WEEK:
        return _none(
            f"no pace yet: the plan's history covers {_days(days)}; a pace needs a week", left, now.open_minutes
        )

    def at(day: datetime.date):
        """The plan as it stood at the end of `day` (the first version, before its history began)."""
        found = points[0][1]
        for when, measure in points:
            if when > day:
                break
            found = measure
        return found

    # The window is the days after `start` up to today: it begins from the plan as `start` ended.
    before = at(start)
    gained = last.done - before.done
    over = f"over {_span(days)}"
    if gained <= 0:
        return _none(f"no pace yet: no net issue done {over}", left, now.open_minutes)
    # Exact fractions: a pace a hair off by rounding would round its date up a day past the range's bound.
    pace = Fraction(gained * WEEK, days)
    # The window cut into whole weeks back from today, the oldest taking in the days left over: the pace is
    # their mean weighted by length, so it lies between the slowest and the fastest and the range holds the
    # date.  (Whole weeks alone left the odd days out: 2 done in the last week of 9 days, none before it,
    # put the date after both ends of the range.)
    weeks = days // WEEK
    cuts = [today - datetime.timedelta(days=WEEK * k) for k in range(1, weeks)] + [start]
    done = [last.done, *(at(cut).done for cut in cuts)]  # newest first
    lengths = [WEEK] * (weeks - 1) + [days - WEEK * (weeks - 1)]
    rates = [Fraction((done[k] - done[k + 1]) * WEEK, lengths[k]) for k in range(weeks)]
    burned = before.open_minutes - last.open_minutes
    minutes_pace = Fraction(burned * WEEK, days) if burned > 0 else None
    spread = weeks > 1  # one stretch has no faster or slower one beside it: "between X and X" says nothing
    return Forecast(
        _after(today, left, pace),
        _after(today, left, max(rates)) if spread and max(rates) > 0 else None,
        _after(today, left, min(rates)) if spread and min(rates) > 0 else None,
        f"at {_number(pace)} issue{'s' if _number(pace) != '1' else ''} a week {over}",
        float(pace),
        left,
        now.open_minutes,
        float(minutes_pace) if minutes_pace else None,
        _after(today, now.open_minutes, minutes_pace) if minutes_pace and now.open_minutes else None,
    )


def _none(how: str, left: int, minutes_left: int) -> Forecast:
    return Forecast(None, None, None, how, None, left, minutes_left, None, None)


def _after(today: datetime.date, left: int, pace: Fraction) -> datetime.date:
    """The day `left` is used up at `pace` a week, counted in whole days up."""
    return today + datetime.timedelta(days=math.ceil(left / pace * WEEK))


def _number(value: Fraction) -> str:
    """3.5, 3 (not 3.0), 0.3."""
    return f"{float(value):.1f}".removesuffix(".0")


def _span(days: int) -> str:
    if days % WEEK == 0:
        weeks = days // WEEK
        return "the last week" if weeks == 1 else f"the last {weeks} weeks"
    return f"the last {days} days"


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"
