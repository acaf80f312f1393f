"""Toasts wait while a modal screen is open, so none ever covers the picker or a question (80x24 has no room
for both); they show, in order, once the dashboard is back."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen


@dataclass(frozen=True)
class Toast:
    message: str
    title: str
    severity: SeverityLevel
    timeout: float | None
    markup: bool


class HeldToasts:
    def __init__(self, app: App):
        self.app = app
        self.held: list[Toast] = []

    def holds(self, toast: Toast) -> bool:
        """Keep `toast` for later when a modal screen is on top; whether it was kept."""
        if isinstance(self.app.screen, ModalScreen):
            self.held.append(toast)
            return True
        return False

    def modal_opened(self) -> None:
        """A modal screen is coming: the toasts on show now wait with the rest."""
        showing = [
            Toast(n.message, n.title, n.severity, None, False)
            for n in self.app._notifications  # Textual keeps no public list; a rename fails the pilot tests
        ]
        if showing:
            self.app.clear_notifications()
            self.held[:0] = showing

    def release(self) -> list[Toast]:
        if isinstance(self.app.screen, ModalScreen):
            return []
        out, self.held = self.held, []
        return out
