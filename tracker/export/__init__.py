"""Views of the plan for people and programs outside the terminal: the status report (`status --json`'s data),
the auditor's HTML page and the spreadsheet CSV, all from one read of the plan and git."""

from tracker.support import faces

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from tracker.export.csvrows import csv_bytes
    from tracker.export.formats import FORMATS, export_bytes
    from tracker.export.htmlpage import html_bytes
    from tracker.export.replacing import export_check
    from tracker.export.report import status_json, status_report
    from tracker.export.view import ExportView, export_view

__getattr__ = faces.lazy(__name__, __file__)
