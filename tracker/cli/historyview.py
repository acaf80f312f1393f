"""`tracker history` as text: one line per commit, phases as columns, the forecast below."""

from __future__ import annotations

from tracker.plan import format_minutes
from tracker.support.textsafe import one_line


def table(plan: str, rows: list, ahead) -> str:
    if not rows:
        return f"No commit changed {one_line(plan)} (or none in the range asked for).\n\n" + "\n".join(ahead.lines())
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
    return "\n".join(lines) + "\n\n" + "\n".join(ahead.lines())


def _percent(value: int | None) -> str:
    return "-" if value is None else f"{value}%"
