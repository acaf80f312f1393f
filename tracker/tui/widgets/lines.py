"""A widget that draws lines made for its current width (so a resize re-flows them)."""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content
from textual.widget import Widget

Build = Callable[[int, Callable[[str], object]], list[Content]]


class Lines(Widget):
    """`build(width, style)` returns the lines; `style(name)` is a themed component style."""

    COMPONENT_CLASSES = {
        "lines--title",
        "lines--label",
        "lines--muted",
        "lines--warning",
        "lines--error",
        "lines--done",
        "lines--active",
        "lines--todo",
        "lines--blocked",
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.build: Build = lambda width, style: []

    def show(self, build: Build) -> None:
        self.build = build
        self.refresh(layout=True)

    def _style(self, name: str):
        return self.get_visual_style(f"lines--{name}")

    def _content(self, width: int) -> Content:
        return Content("\n").join(self.build(max(width, 10), self._style))

    def get_content_height(self, container, viewport, width: int) -> int:
        # Measured at the width offered, not the (older) current size.
        # As Textual's own Widget measures a Visual; RulesMap is the type its styles offer to readers.
        return self._content(width).get_height(self.styles, width) if width else 0  # type: ignore[arg-type]

    def render(self) -> Content:
        return self._content(self.size.width)
