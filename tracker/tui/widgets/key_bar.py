"""The keys that work where the user is, on one line at the bottom of a screen.

Textual's Footer draws the same line with a widget per key and builds them all
again whenever the bindings change: at start-up that happened seven times and
was a third of the dashboard's first frame, and it happened again on every
cursor move.  This is one widget that repaints instead.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--disabled"}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Where each key was drawn: (first cell, after the last cell, key, enabled), for clicks.
        # Not @click markup: Textual would restyle every key as a link.
        self._spans: list[tuple[int, int, str, bool]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return

    def render(self) -> Content:
        self._spans = []
        shown: dict[str, tuple[Binding, bool]] = {}
        palette = None
        for _, binding, enabled, _ in self.screen.active_bindings.values():
            if binding.action == "command_palette" and self.app.ENABLE_COMMAND_PALETTE:
                palette = (binding, enabled)
            elif binding.show and binding.action not in shown:
                shown[binding.action] = (binding, enabled)
        line = Content("")
        for binding, enabled in shown.values():
            line = self._add(line + (" " if line else ""), self._key(binding, enabled), binding.key, enabled)
        if palette is not None:
            right = self._key(*palette)
            gap = self.size.width - line.cell_length - right.cell_length - 1
            line = self._add(line + " " * max(gap, 1), right, palette[0].key, palette[1])
        return line

    def _add(self, line: Content, drawn: Content, key: str, enabled: bool) -> Content:
        """`line` with `drawn` after it, remembering where the click on `key` lands."""
        self._spans.append((line.cell_length, line.cell_length + drawn.cell_length, key, enabled))
        return line + drawn

    def _key(self, binding: Binding, enabled: bool) -> Content:
        key_style = self.get_visual_style("key-bar--key")
        text_style = self.get_visual_style("key-bar--description")
        if not enabled:
            disabled = self.get_visual_style("key-bar--disabled")
            key_style, text_style = key_style + disabled, text_style + disabled
        return Content.assemble(
            Content.styled(self.app.get_key_display(binding), key_style),
            Content.styled(f" {binding.description}", text_style),
        )
