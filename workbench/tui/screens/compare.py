"""Compare: the recipe as monolithic kernel, microkernel and library OS, side by side."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from ...core.layouts import component_bytes, model_layouts
from ..session import human_bytes
from ..widgets.layout_column import LayoutColumn


def summary_table(models) -> Table:
    t = Table(expand=True, box=None, pad_edge=False, header_style="bold")
    t.add_column("")
    for m in models:
        t.add_column(m.title.replace(" (unikernel)", ""), justify="right")
    rows = [
        ("domains", [str(len(m.domains)) for m in models]),
        ("privileged components", [str(len(m.tcb_components)) for m in models]),
        ("traps on the request path", [str(m.counts["trap"]) for m in models]),
        ("IPC exchanges", [str(m.counts["ipc"]) for m in models]),
        ("plain calls", [str(m.counts["call"]) for m in models]),
        ("TCB lines of code", [f"{m.tcb_lines:,}" for m in models]),
        ("TCB bytes", [human_bytes(m.tcb_bytes) if m.tcb_bytes is not None else "—"
                       for m in models]),
    ]
    for name, values in rows:
        t.add_row(Text(name, style="dim"), *values)
    return t


class ComparePane(VerticalScroll):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.models = []

    def compose(self) -> ComposeResult:
        yield Static("", id="compare-summary")
        with Horizontal(id="compare-columns"):
            for name in ("monolithic", "microkernel", "libos"):
                yield LayoutColumn(id=f"layout-{name}")

    def refresh_from(self, session) -> None:
        res = session.resolution
        summary = self.query_one("#compare-summary", Static)
        if res is None:
            summary.update(Text("The recipe does not resolve; fix it on the Assemble screen.",
                                style="bold red"))
            self.models = []
            return
        t = session.totals()
        sizes = component_bytes(session.build.components) if session.build and not t.stale \
            else None
        measured = {}
        if session.build is not None and not t.stale:
            measured["image"] = human_bytes(session.build.loadable_bytes)
            run = session.last_run
            if run is not None:
                if run.first_output_ms is not None:
                    measured["first output"] = f"{run.first_output_ms:.1f} ms"
                if run.ready_ms is not None:
                    measured["boot to ready"] = f"{run.ready_ms:.1f} ms"
        self.models = model_layouts(res, sizes, {res.recipe.layout: measured})
        summary.update(summary_table(self.models))
        for m in self.models:
            self.query_one(f"#layout-{m.layout}", LayoutColumn).show(
                m, current=m.layout == res.recipe.layout)
