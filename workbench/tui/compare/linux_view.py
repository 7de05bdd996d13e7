"""The Compare screen's "vs Linux" view: the recipe as a unikernel and as a Linux guest.

Each row of `workbench baseline` (core/baseline/measure.py) is drawn as two bars on the same
scale, the unikernel's and Linux's, with the ratio and the paper's figure beside them. A
measure where less is better and one where more is better read the same way: the longer bar
is the larger number. `l` (or "vs Linux" in the palette) measures in a thread worker, one
run of each, and saves the result where lesson 14 looks for it.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.widgets import Static
from textual.worker import get_current_worker

from workbench.core.baseline.measure import ROWS, MeasureCancelled, figure, measure_recipe
from workbench.core.baseline.record import save_result
from workbench.core.model.resolve import resolve

from ..i18n import _

BAR_WIDTH = 28
def key_note(key: str, what: str) -> Text:
    """A key in reverse video and what it does."""
    t = Text()
    t.append(f" {key} ", "bold reverse")
    t.append(f" {what}", "dim")
    return t


def bar(value: float | None, largest: float, style: str) -> Text:
    """A bar of BAR_WIDTH cells at most; at least one cell for anything above zero."""
    if value is None or not largest:
        return Text("·", style="dim")
    cells = max(1 if value > 0 else 0, round(BAR_WIDTH * value / largest))
    return Text("█" * cells, style=style)


def baseline_table(data: dict) -> Table:
    t = Table(expand=True, box=None, pad_edge=False, header_style="bold")
    for name, kw in ((_("measure"), {}), ("", {"style": "dim"}), ("", {"justify": "right"}),
                     ("", {}), (_("ratio"), {"justify": "right"}),
                     (_("the paper"), {"style": "dim"})):
        t.add_column(name, **kw)
    for key, label, unit, _better in ROWS:
        u, lx = data["unikernel"].get(key), data["linux"].get(key)
        largest = max(v for v in (u, lx, 0) if v is not None)
        ratio = data["ratios"].get(key)
        t.add_row(Text(_(label), style="bold"), _("unikernel"), figure(u, unit),
                  bar(u, largest, "green"), f"{ratio:,.1f}×" if ratio else "—",
                  _(data["paper"][key]) if data["paper"].get(key) else "")
        t.add_row("", _("Linux"), figure(lx, unit), bar(lx, largest, "red"), "", "")
    return t


class LinuxView(Static):
    """The last baseline of the recipe, or how to get one."""

    DEFAULT_CSS = "LinuxView { height: auto; margin: 1 0; }"

    def __init__(self, **kw) -> None:
        super().__init__(self.idle_note(), **kw)
        self.data: dict | None = None  # the last baseline shown

    @staticmethod
    def idle_note() -> Text:
        return key_note("l", _("vs Linux: boot this recipe as a unikernel and as a Linux guest "
                               "(Debian's cloud kernel, fetched once) and measure both, as the "
                               "paper did"))

    def show(self, data: dict) -> None:
        self.data = data
        title = Text(_("{recipe}: unikernel (green) vs Linux guest (red), {runs} run(s)").format(
            recipe=data["recipe"], runs=data["runs"]), style="bold")
        grid = Table.grid()
        grid.add_row(title)
        grid.add_row(baseline_table(data))
        self.update(grid)

    # ------------------------------------------------------------------ measuring

    measuring = False

    def start(self, session) -> None:
        """Measure the session's recipe (it resolves) against its Linux guest in a thread
        worker."""
        self.measuring = True
        res = resolve(session.snapshot_recipe(), session.catalogue)  # the worker's own copy
        self._progress(_("{name} vs Linux: starting").format(name=res.recipe.name), 0, 1)
        self._measure(res, session.build_root / f"{res.recipe.name}-baseline", session.toolchain)

    @work(thread=True, exclusive=True, group="baseline", exit_on_error=False)
    def _measure(self, res, out, toolchain: str) -> None:
        worker = get_current_worker()

        def ui(callback, *args) -> None:  # nothing once the app is closing
            if not worker.is_cancelled:
                try:
                    self.app.call_from_thread(callback, *args)
                except RuntimeError:
                    pass

        try:
            result = measure_recipe(
                res, out, toolchain, runs=1,
                on_progress=lambda what, done, total: ui(
                    self._progress, _("{name} vs Linux: {what}").format(name=res.recipe.name, what=what), done, total),
                cancelled=lambda: worker.is_cancelled)
        except MeasureCancelled:
            ui(self._done, None, None)
        except Exception as e:  # a package cannot be fetched, a guest did not answer: say so
            ui(self._done, None, f"{type(e).__name__}: {e}")
        else:
            data = result.to_dict()
            save_result(data)
            ui(self._done, data, None)

    def _progress(self, what: str, done: int, total: int) -> None:
        filled = round(BAR_WIDTH * done / total) if total else 0
        t = Text(f"{what}\n", style="bold yellow")
        t.append("█" * filled, "yellow")
        t.append("░" * (BAR_WIDTH - filled), "dim")
        t.append(f" {done}/{total}", "dim")
        self.update(t)

    def _done(self, data: dict | None, error: str | None) -> None:
        self.measuring = False
        if error is not None:
            self.update(Text(_("vs Linux failed: {error}").format(error=error), style="bold red"))
            self.app.notify(error, title=_("vs Linux failed"), severity="error", timeout=12)
        elif data is None:
            self.update(self.idle_note())
        else:
            self.show(data)
