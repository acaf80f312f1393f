"""`tracker export html`: one self-contained page an auditor can open, keep and print to PDF.

No script, no font, no image, no link leaves the file: the CSS is inline, the
bars are inline SVG drawn from the numbers, and a Content-Security-Policy of
`default-src 'none'` makes the browser refuse any load a future change might
add.  Jinja2 autoescapes every value (the big tables' rows are escaped by
htmlrows.py with the same function), so a title is text, never markup.  The same view gives the same
bytes (no clock time, no random ids).
"""

from __future__ import annotations

from functools import cache

from tracker.export.htmlrows import bar, evidence_rows, history_chart, issue_rows
from tracker.export.view import ExportView, coverage_percent
from tracker.support.figures import percent_text
from tracker.support.textsafe import block

TEMPLATE = "report.html.j2"


def html_bytes(view: ExportView) -> bytes:
    page = _template().render(view=view, report=view.report, repo=view.report.get("repo") or {}, label=view.label)
    # Control characters are dropped from the whole page at once (the template writes none of its own but
    # newlines): one pass over the text instead of one call per value, a second's difference on a large plan.
    # Lone surrogates (possible only through escapes in the YAML) cannot be written as UTF-8.
    return block(page).encode("utf-8", "replace")


@cache
def _template():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("tracker.export", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        bar=bar,
        history_chart=history_chart,
        issue_rows=issue_rows,
        evidence_rows=evidence_rows,
        coverage_percent=coverage_percent,
        percent_text=percent_text,
    )
    return env.get_template(TEMPLATE)


def _finalize(value: object) -> object:
    return "" if value is None else value
