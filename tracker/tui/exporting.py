"""The palette's "Export HTML report" and "Export CSV": the bytes `tracker export html|csv` writes.

In a terminal the user is asked for a file name (relative to the current
folder) and the file is written atomically in a worker thread, as `tracker
export -o FILE` writes it: a file there that is not an earlier export
(export/replacing.py) is replaced only once the user says yes, and only as it
was when asked; a deliverable of the plan is refused, as the CLI refuses it
without --force.  A file refused, or kept with `n`, is said in the form that
asked for it, which stays open with the name as typed for another (as the
session note's form, screens/note_export.py); it closes once the file is
written.  In a browser (`tracker serve`) the file is handed to the
browser as a download instead: nothing is written on the server, so a
read-only dashboard offers it too.
Each export posts `Exporter.Exported`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from textual.message import Message
from textual.screen import Screen

from tracker.plan import Loaded
from tracker.tui.settings import refused

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from tracker.support.atomicfile import Kept
    from tracker.tui.screens.ask import AskScreen

NAMES = {"html": "report.html", "csv": "plan.csv"}
MIME = {"html": "text/html", "csv": "text/csv"}


class Exporter:
    @dataclass
    class Exported(Message):
        where: str  # the file written, or the name the browser was offered
        error: str | None = None
        attempt: int = 0  # the Enter in the form it answers (0: none, a browser's download)

    def __init__(self, screen: Screen):
        self.screen = screen
        self.form: AskScreen | None = None  # the form asking for the file, while it is open
        self.attempt = 0  # Enters in forms so far: only the latest one's answer is said in its form

    def ask(self, kind: str, loaded: Loaded | None) -> None:
        app = self.screen.app
        if loaded is None or not loaded.ok:
            app.notify("There is no plan that loads to export.", markup=False)
            return
        if app.is_web:
            self._run(lambda: self._deliver(kind, loaded))
            return
        if refused(app):
            return
        from tracker.tui.screens.ask import AskScreen

        def submitted(answer: str) -> None:
            if answer.strip():
                self.attempt += 1
                path, attempt = Path(answer.strip()).expanduser(), self.attempt
                self._run(lambda: self._write(kind, loaded, path, attempt))

        question = f"Write the {kind.upper()} export to (relative to the current folder); Enter writes, Escape cancels:"
        self.form = AskScreen(question, NAMES[kind], submit=submitted)
        app.push_screen(self.form)

    def said_in_form(self, message: Exported) -> bool:
        """Whether `message` is a refusal said in the form it answers, which stays open for another file; a file
        written closes it.  A form closed meanwhile (Escape) says nothing: the dashboard notifies."""
        form = self._form_of(message.attempt)
        if form is None:
            return False
        if message.error is None:
            self.form = None
            form.dismiss(None)
            return False
        form.say(message.error)
        return True

    def _form_of(self, attempt: int) -> AskScreen | None:
        """The form whose Enter `attempt` was, while it is open; None once another Enter came, or Escape."""
        form = self.form
        return form if form is not None and attempt == self.attempt and form in self.screen.app.screen_stack else None

    def _run(self, work) -> None:
        self.screen.run_worker(work, thread=True, group="export", exit_on_error=False, description="export the plan")

    def _bytes(self, kind: str, loaded: Loaded, attempt: int = 0) -> bytes | None:
        from tracker.export import export_bytes
        from tracker.support.clock import BadClock

        try:
            return export_bytes(loaded, kind)
        except BadClock as exc:
            self.screen.post_message(self.Exported(NAMES[kind], str(exc), attempt))
            return None

    def _write(self, kind: str, loaded: Loaded, path: Path, attempt: int) -> None:
        data = self._bytes(kind, loaded, attempt)
        if data is not None:
            self._put(kind, loaded, path, data, attempt)

    def _put(
        self, kind: str, loaded: Loaded, path: Path, data: bytes, attempt: int, allowed: bytes | None = None
    ) -> None:
        """`data` to `path` as `tracker export -o` writes it; `allowed`: the digest of the file there that the
        user said may be replaced."""
        from tracker.export import export_check
        from tracker.support import atomicfile

        try:
            # As `tracker export -o`: never over the plan, into .git, over a file of another kind, a deliverable
            # or a file that is not an earlier export (export/replacing.py).
            check = export_check(kind, data, lambda: loaded, allowed)
            atomicfile.write_output(path, data, atomicfile.EXPORTS[kind], keep=(loaded.path,), check=check)
        except atomicfile.Refused as exc:
            if isinstance(exc, atomicfile.Kept) and exc.asked:
                kept = exc
                self.screen.app.call_from_thread(lambda: self._ask_replace(kind, loaded, path, data, kept, attempt))
                return
            error = f"{path}: error: cannot write the {kind} export: {exc.strerror}."
            self.screen.post_message(self.Exported(str(path), error, attempt))
            return
        except OSError as exc:
            error = f"{path}: error: cannot write the {kind} export: {exc.strerror or exc}"
            self.screen.post_message(self.Exported(str(path), error, attempt))
            return
        self.screen.post_message(self.Exported(str(path), attempt=attempt))

    def _ask_replace(self, kind: str, loaded: Loaded, path: Path, data: bytes, kept: Kept, attempt: int) -> None:
        from tracker.tui.screens.confirm import ask_to_replace

        def replace(seen: bytes) -> None:
            self._run(lambda: self._put(kind, loaded, path, data, attempt, seen))

        form = self._form_of(attempt)
        said = form.say if form is not None else None
        ask_to_replace(self.screen, path, kept, f"the {kind.upper()} export", replace, said=said)

    def _deliver(self, kind: str, loaded: Loaded) -> None:
        data = self._bytes(kind, loaded)
        if data is None:
            return
        self.screen.app.call_from_thread(
            self.screen.app.deliver_binary, io.BytesIO(data), save_filename=NAMES[kind], mime_type=MIME[kind]
        )
        self.screen.post_message(self.Exported(NAMES[kind]))
