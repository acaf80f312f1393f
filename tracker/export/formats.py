"""The export formats by name: what `tracker export KIND` and the dashboard's export both call."""

from __future__ import annotations

from tracker.plan import MAX_BYTES, Loaded

FORMATS = ("html", "csv")


def export_bytes(loaded: Loaded, kind: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The plan (loaded without errors) as `kind`, one of FORMATS; past versions over max_bytes are not read."""
    from tracker.export.view import export_view

    view = export_view(loaded, max_bytes)
    if kind == "html":
        from tracker.export.htmlpage import html_bytes

        return html_bytes(view)
    if kind == "csv":
        from tracker.export.csvrows import csv_bytes

        return csv_bytes(view)
    raise ValueError(f"no export format {kind!r}; one of {', '.join(FORMATS)}")
