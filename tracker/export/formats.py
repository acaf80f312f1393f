"""The export formats by name: what `tracker export KIND` and the dashboard's export both call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.plan import MAX_BYTES, Loaded

if TYPE_CHECKING:
    from tracker.git import Links

FORMATS = ("html", "csv")


def export_bytes(loaded: Loaded, kind: str, max_bytes: int = MAX_BYTES, links: Links | None = None) -> bytes:
    """The plan (loaded without errors) as `kind`, one of FORMATS; past versions over max_bytes are not read.

    `links`: the plan's links read with history (default: read here).
    """
    from tracker.export.view import export_view

    view = export_view(loaded, max_bytes, links)
    if kind == "html":
        from tracker.export.htmlpage import html_bytes

        return html_bytes(view)
    if kind == "csv":
        from tracker.export.csvrows import csv_bytes

        return csv_bytes(view)
    raise ValueError(f"no export format {kind!r}; one of {', '.join(FORMATS)}")
