"""`tracker history` as text: one line per commit, phases as columns, the forecast below."""

from __future__ import annotations

from tracker.plan import format_minutes
from tracker.support.textsafe import one_line

TARGETS = 3  # due days listed under the forecast; the rest are counted


def table(plan: str, rows: list, ahead) -> str:
    if not rows:
        return f"No commit changed {one_line(plan)} (or none in the range asked for).\n\n" + forecast_lines(ahead)
    latest = next((row.measure for row in reversed(rows) if row.measure.ok), None)
    phase_ids = [one_line(id_) for id_, _, _ in latest.phases] if latest else []
    widths = [max(4, len(id_)) for id_ in phase_ids]
    head = ["DATE      ", "COMMIT ", "DONE     ", " ALL", "LEFT    "]
    head += [id_.rjust(width) for id_, width in zip(phase_ids, widths, strict=True)]
    lines = ["  ".join([*head, "SUBJECT"])]
    for row in rows:
        subject = one_line(row.subject)
        found = row.measure
        if not found.ok:
            lines.append(f"{row.day}  {row.short}  does not load: {row.problem}  ({subject})")
            continue
        by_id = {one_line(id_): percent for id_, _, percent in found.phases}
        cells = [
            row.day,
            row.short,
            f"{found.done}/{found.total}".ljust(9),
            _percent(found.percent).rjust(4),
            (format_minutes(found.open_minutes) if found.open_minutes else "-").ljust(8),
        ]
        cells += [_percent(by_id.get(id_)).rjust(width) for id_, width in zip(phase_ids, widths, strict=True)]
        lines.append("  ".join([*cells, subject]))
    return "\n".join(lines) + "\n\n" + forecast_lines(ahead)


def forecast_lines(ahead) -> str:
    left = f"{ahead.left} issue{'' if ahead.left == 1 else 's'} left"
    if ahead.date is None:
        lines = [f"Forecast: {ahead.how}" + (f"; {left}." if ahead.left else ".")]
    else:
        if ahead.late is not None:
            spread = f" (between {ahead.early} and {ahead.late})"
        elif ahead.early is not None:
            spread = f" (from {ahead.early}; a week with nothing done leaves no latest date)"
        else:
            spread = ""
        lines = [f"Forecast: 100% on {ahead.date}{spread}, {ahead.how}; {left}."]
    if ahead.targets:
        lines.append(
            "Due: " + "; ".join(_target(when, count, ahead) for when, count in ahead.targets[:TARGETS]) + _more(ahead)
        )
    if ahead.minutes_date is not None and ahead.minutes_pace:
        lines.append(
            f"By estimate: {format_minutes(ahead.minutes_left)} left at "
            f"{format_minutes(round(ahead.minutes_pace))} a week: {ahead.minutes_date}."
        )
    return "\n".join(lines)


def _target(when, count: int, ahead) -> str:
    issues = f"{count} open issue{'' if count == 1 else 's'}"
    if ahead.date is None:
        return f"{when} ({issues})"
    gap = (ahead.date - when).days
    if gap > 0:
        return f"{when} ({issues}; the forecast is {gap} day{'' if gap == 1 else 's'} later)"
    return f"{when} ({issues}; the forecast is on time)"


def _more(ahead) -> str:
    rest = ahead.targets[TARGETS:]
    return f"; and {sum(count for _, count in rest)} more by {rest[-1][0]}" if rest else ""


def _percent(value: int | None) -> str:
    return "-" if value is None else f"{value}%"
