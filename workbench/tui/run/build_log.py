"""The build's log: one line per step (compile, cached, link) and the outcome."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import RichLog


class BuildLog(RichLog):
    DEFAULT_CSS = """
    BuildLog { height: 1fr; background: $surface; }
    """

    def __init__(self, **kw) -> None:
        super().__init__(max_lines=5000, wrap=False, markup=False, highlight=False, **kw)

    def event(self, kind: str, data: dict) -> None:
        if kind == "plan":
            self.write(Text(f"plan: {data.get('objects')} objects from "
                            f"{data.get('components')} components", "bold"))
        elif kind == "compile":
            self.write(Text.assemble(("  CC    ", "cyan"), f"{data.get('component')}: ",
                                     Path(str(data.get("source", ""))).name))
        elif kind == "cached":
            self.write(Text.assemble(("  cache ", "dim"), (f"{data.get('component')}: "
                                     f"{Path(str(data.get('source', ''))).name}", "dim")))
        elif kind == "link":
            self.write(Text.assemble(("  LD    ", "magenta"), str(data.get("image"))))
        elif kind == "done":
            self.write(Text(f"done in {float(data.get('seconds', 0)):.2f} s", "bold green"))

    def line(self, text: str, style: str = "") -> None:
        self.write(Text(text, style))
