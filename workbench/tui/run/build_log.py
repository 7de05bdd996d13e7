"""The build's log: one line per step (compile, cached, link) and the outcome.

Lines wrap at the pane's width (a long path folds onto the next row) and wrap again when the
pane is resized, so a narrow Run screen shows every line whole.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import RichLog

from ..i18n import _


class BuildLog(RichLog):
    DEFAULT_CSS = """
    BuildLog { height: 1fr; background: $surface; }
    """

    def __init__(self, **kw) -> None:
        super().__init__(max_lines=5000, wrap=True, min_width=1, markup=False,
                         highlight=False, **kw)
        self.entries: list[Text] = []
        self._wrapped_at = 0

    def write(self, content, *args, **kw):
        if isinstance(content, Text):
            content.overflow = "fold"
            self.entries.append(content)
            del self.entries[:-5000]
        if not self.scrollable_content_region.width:
            # written while hidden (the telemetry list in its place): wrapped at no width, one
            # character a row, so it is wrapped again when shown, whatever width it had before
            self._wrapped_at = 0
        return super().write(content, *args, **kw)

    def clear(self):
        self.entries = []
        return super().clear()

    def on_resize(self, event) -> None:
        # RichLog's own handler (called too) writes what arrived before the size was known
        width = self.scrollable_content_region.width
        if self._size_known and width and width != self._wrapped_at:
            self._wrapped_at = width
            entries, self.entries = self.entries, []
            super().clear()
            for entry in entries:
                self.write(entry)

    def event(self, kind: str, data: dict) -> None:
        if kind == "plan":
            self.write(Text(_("plan: {objects} objects from {components} components").format(
                objects=data.get("objects"), components=data.get("components")), "bold"))
        elif kind == "compile":
            self.write(Text.assemble(("  CC    ", "cyan"), f"{data.get('component')}: ",
                                     Path(str(data.get("source", ""))).name))
        elif kind == "cached":
            self.write(Text.assemble(("  " + _("cache") + " ", "dim"), (f"{data.get('component')}: "
                                     f"{Path(str(data.get('source', ''))).name}", "dim")))
        elif kind == "link":
            self.write(Text.assemble(("  LD    ", "magenta"), str(data.get("image"))))
        elif kind == "done":
            self.write(Text(_("done in {seconds:.2f} s").format(
                seconds=float(data.get("seconds", 0))), "bold green"))

    def line(self, text: str, style: str = "") -> None:
        self.write(Text(text, style))
