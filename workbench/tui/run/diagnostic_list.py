"""Compiler diagnostics; choosing one opens its file at the line in the source pane."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..messages import ShowSource

SEVERITY = {"error": "bold red", "warning": "yellow", "note": "dim"}


class DiagnosticList(OptionList):
    DEFAULT_CSS = """
    DiagnosticList { height: auto; max-height: 8; }
    DiagnosticList.-empty { display: none; }
    """

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.diagnostics: list = []
        self.add_class("-empty")

    def show(self, diagnostics: list) -> None:
        self.diagnostics = list(diagnostics)
        self.clear_options()
        for i, d in enumerate(self.diagnostics):
            t = Text()
            t.append(f"{Path(d.file).name}:{d.line}:{d.column} ", "bold")
            t.append(f"{d.severity}: ", SEVERITY.get(d.severity, ""))
            t.append(d.message)
            if d.source_line:
                t.append(f"\n   {d.source_line.strip()}", "dim")
            self.add_option(Option(t, id=str(i)))
        self.set_class(not self.diagnostics, "-empty")
        if self.diagnostics:
            self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        d = self.diagnostics[int(event.option.id)]
        self.post_message(ShowSource(Path(d.file), d.line))
