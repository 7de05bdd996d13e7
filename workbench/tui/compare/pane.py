"""Compare: the recipe as monolithic kernel, microkernel and library OS, side by side.

The columns are the layout *model* (core/layouts/model.py), one per layout of the registry:
domains, crossings, the trusted computing base, worked out from the resolution. `m` checks the
model against real images: a thread worker builds and boots a copy of the recipe in each
layout, and the crossing benchmark in each (core/run/measure.py); the numbers go into the
model's `measured` rows.
"""

from __future__ import annotations

import re

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import ProgressBar, Static
from textual.worker import get_current_worker

from workbench.core import layouts
from workbench.core.layouts.model import component_bytes, model_layouts
from workbench.core.run.measure import MeasureCancelled, measure_layouts

from ..i18n import N_, _
from ..pane import Pane
from ..session import human_bytes
from .layout_column import LayoutColumn, traps
from .linux_view import LinuxView, key_note

MEASURE_BOOTS = 5  # boots per layout; the ready time shown is their median, with the range

# Summary rows filled from the measurement: (label, key in a model's `measured` rows)
MEASURED_ROWS = [
    (N_("image (measured)"), "image"),
    (N_("privileged bytes (measured)"), N_("privileged bytes")),
    (N_("boot to ready (measured: median, range)"), N_("boot to ready")),
    (N_("cycles per crossing (measured)"), N_("cycles per crossing")),
]
# "72.8 ms (median; 64.9–96.4 over 5 boots)" in a column, "72.8 ms (64.9–96.4)" in the table
_MEDIAN = re.compile(r"^(\S+ ms) \(median; (\S+) over \d+ boots\)$")


def summary_table(models) -> Table:
    t = Table(expand=True, box=None, pad_edge=False, header_style="bold")
    t.add_column("")
    for m in models:
        t.add_column(_(m.title).replace(" (unikernel)", "").replace("（ユニカーネル）", ""),
                     justify="right")
    rows = [
        (_("domains"), [str(len(m.domains)) for m in models]),
        (_("privileged components"), [str(len(m.tcb_components)) for m in models]),
        (_("traps on the request path"), [str(traps(m)) for m in models]),
        (_("IPC exchanges (2 traps each)"), [str(m.counts["ipc"]) for m in models]),
        (_("plain calls"), [str(m.counts["call"]) for m in models]),
        (_("TCB lines of code"), [f"{m.tcb_lines:,}" for m in models]),
        (_("TCB bytes"), [human_bytes(m.tcb_bytes) if m.tcb_bytes is not None else "—"
                       for m in models]),
    ]
    for name, values in rows:
        t.add_row(Text(name, style="dim"), *values)
    for label, key in MEASURED_ROWS:
        cells = []
        for m in models:
            if key in m.measured:
                cells.append(Text(_MEDIAN.sub(r"\1 (\2)", m.measured[key]), style="bold green"))
            elif m.measured.get("status", "").startswith("not buildable"):
                cells.append(Text(_("not buildable"), style="yellow"))
            else:
                cells.append(Text("—", style="dim"))
        t.add_row(Text(_(label), style="dim"), *cells)
    return t


class ComparePane(Pane, VerticalScroll):
    BINDINGS = [Binding("m", "measure", N_("Measure layouts"), id="compare-measure"),
                Binding("l", "linux", N_("vs Linux"), id="compare-linux")]
    DEFAULT_CSS = """
    ComparePane #compare-progress-bar { display: none; }
    ComparePane.-measuring #compare-progress-bar { display: block; }
    """

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.models = []
        self.comparison = None  # LayoutComparison of the last measurement
        self.comparison_state: str | None = None  # recipe (and toolchain) it was measured for
        self.measuring = False

    def compose(self) -> ComposeResult:
        yield Static("", id="compare-summary")
        yield Static(self._idle_note(), id="compare-progress")
        yield ProgressBar(id="compare-progress-bar", show_eta=False)
        yield LinuxView(id="compare-linux")
        with Horizontal(id="compare-columns"):
            for layout in layouts.ALL:
                yield LayoutColumn(id=f"layout-{layout.name}")

    @staticmethod
    def _idle_note() -> Text:
        return key_note("m", _("measure: build and boot this recipe as a monolithic kernel, a "
                               "microkernel and a library OS, and time one crossing in each"))

    @staticmethod
    def _state(session) -> str:
        return f"{session.toolchain}\n{session.state_key}"

    def refresh_from(self, session) -> None:
        res = session.resolution
        summary = self.query_one("#compare-summary", Static)
        if res is None:
            summary.update(Text(_("The recipe does not resolve; fix it on the Assemble screen."),
                                style="bold red"))
            self.models = []
            return
        t = session.totals()
        sizes = component_bytes(session.build.components) if session.build and not t.stale \
            else None
        current = {}
        if session.build is not None and not t.stale:
            current["image"] = human_bytes(session.build.loadable_bytes)
            run = session.last_run
            if run is not None:
                if run.first_output_ms is not None:
                    current["first output"] = f"{run.first_output_ms:.1f} ms"
                if run.ready_ms is not None:
                    current["boot to ready"] = f"{run.ready_ms:.1f} ms"
        measured = {res.recipe.layout: current}
        if self.comparison is not None and self.comparison_state == self._state(session):
            measured = self.comparison.measured()
        elif self.comparison is not None and not self.measuring:
            # another recipe (or a changed one): its measurement says nothing about this one
            self.comparison = self.comparison_state = None
            self.query_one("#compare-progress", Static).update(self._idle_note())
        self.models = model_layouts(res, sizes, measured)
        summary.update(summary_table(self.models))
        for m in self.models:
            self.query_one(f"#layout-{m.layout}", LayoutColumn).show(
                m, current=m.layout == res.recipe.layout, built=sizes is not None)

    # ------------------------------------------------------------------ measuring

    def _can_measure(self, busy: bool, already: str) -> bool:
        if self.app.session.resolution is None:
            self.app.notify(_("The recipe does not resolve; fix it on the Assemble screen first."),
                            severity="error")
            return False
        if busy:
            self.app.notify(already)
        return not busy

    def action_linux(self) -> None:
        view = self.query_one(LinuxView)
        if self._can_measure(view.measuring, _("The Linux baseline is being measured already.")):
            view.start(self.app.session)

    def action_measure(self) -> None:
        session = self.app.session
        if not self._can_measure(self.measuring, _("The layouts are being measured already.")):
            return
        recipe = session.snapshot_recipe()
        out = session.build_root / f"{recipe.name}-layouts"
        self.measuring = True
        self.add_class("-measuring")
        self._show_progress(_("measuring {name}: {what}").format(name=recipe.name,
                                                                 what=_("starting")), 0, 1)
        self._measure(recipe, session.catalogue, out, session.toolchain, self._state(session))

    @work(thread=True, exclusive=True, group="measure", exit_on_error=False)
    def _measure(self, recipe, catalogue, out, toolchain: str, state: str) -> None:
        worker = get_current_worker()

        def tell(callback, *args) -> None:
            # Once the worker is cancelled (the app is closing) the UI may be gone: say nothing.
            if worker.is_cancelled:
                return
            try:
                self.app.call_from_thread(callback, *args)
            except RuntimeError:
                pass

        def progress(what: str, done: int, total: int) -> None:
            tell(self._show_progress, _("measuring {name}: {what}").format(name=recipe.name,
                                                                            what=what),
                 done, total)

        try:
            comparison = measure_layouts(recipe, out, catalogue, toolchain,
                                         on_progress=progress, boots=MEASURE_BOOTS,
                                         cancelled=lambda: worker.is_cancelled)
        except MeasureCancelled:
            tell(self._finish, None, state, None)
            return
        except Exception as e:  # a tool is missing, the disk is full: say so, never crash
            tell(self._finish, None, state, f"{type(e).__name__}: {e}")
            return
        tell(self._finish, comparison, state, None)

    def _show_progress(self, what: str, done: int, total: int) -> None:
        self.query_one("#compare-progress", Static).update(Text(what, style="bold yellow"))
        bar = self.query_one("#compare-progress-bar", ProgressBar)
        bar.update(total=total, progress=done)

    def _finish(self, comparison, state: str, error: str | None) -> None:
        self.measuring = False
        self.remove_class("-measuring")
        note = self.query_one("#compare-progress", Static)
        if error is not None:
            note.update(Text(_("measuring failed: {error}").format(error=error), style="bold red"))
            self.app.notify(error, title=_("Measuring failed"), severity="error", timeout=12)
            return
        if comparison is None:
            note.update(self._idle_note())
            return
        if state != self._state(self.app.session):
            note.update(Text(_("measured {recipe}, but the recipe changed meanwhile: press m to "
                               "measure it again").format(recipe=comparison.recipe), style="yellow"))
            return
        self.comparison, self.comparison_state = comparison, state
        text = Text()
        text.append(_("measured {recipe}").format(recipe=comparison.recipe), "bold green")
        cost = comparison.crossing
        if cost is not None and cost.ratio:
            text.append(f" · {cost.summary()}")
        elif comparison.crossing_error:
            text.append(" " + _("· crossing not measured: {crossing_error}").format(crossing_error=comparison.crossing_error), "yellow")
        text.append(" " + _("· m measures again"), "dim")
        note.update(text)
        self.refresh_from(self.app.session)
