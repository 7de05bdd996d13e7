"""Measure one recipe in every layout the workbench can build, and what a crossing costs.

`layouts/model.py` *models* the layouts from the resolution alone. This module checks the
model against real images: it builds the learner's recipe in every layout of the registry
(`workbench/core/layouts/`: a library OS, a monolithic kernel, a microkernel; copies of
the recipe with only `layout` changed — the learner's recipe is never touched), boots each
in QEMU and reports, per layout,

- **loadable bytes** — what the boot loader reads from the image file;
- **privileged bytes** — code, read-only data and initialised data of the *kernel* domain
  (the address-space map's `domain` field): what the image loads into ring 0. Zeroed memory
  (bss: buffers and tables), stacks, the heap and page tables are memory the kernel owns, not
  code it runs, and are left out;
- **ready time** — host milliseconds from QEMU's start to the `ready` telemetry record;
- the run's **status**.

A layout that cannot be built for this recipe (the dns appliance's `udp_bind` takes a function
to call back, which neither the monolithic nor the microkernel layout generates; selftest's
`malloc` returns a pointer a microkernel client could not use) is an entry that says why, not
an exception.

The **cost per crossing** is measured on the `crossing-bench` application, built in every
layout from the same source: cycles per call of one interface function that does nearly
nothing (`clock_tsc_hz()`), so the call *is* the cost — a `call` in a library OS, a system
call in a monolithic kernel, a message to the clock server and its reply in a microkernel.
`benchmarks/crossing.py` uses the same function with more boots.
"""

from __future__ import annotations

import dataclasses
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from workbench.core import layouts
from workbench.core.inspect.image import human_bytes  # noqa: F401  (re-exported for the CLI)
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.recipe import Recipe
from workbench.i18n import _

MEASURED_LAYOUTS = layouts.names()  # built in this order, the default (the baseline) first
BASELINE = layouts.DEFAULT.name  # crossings are compared with a call in this layout
LAYOUT_ORDER = tuple(layout.name for layout in layouts.ALL)  # display order
LOADED_KINDS = ("code", "rodata", "data")
CROSSING_APP = "crossing-bench"
# The floor each benchmark reports beside its cycles per call: crossing-bench's empty loop,
# ipc-bench's null system call.
FLOOR_FIELDS = {"crossing": "loop_cycles", "ipc": "trap_cycles"}

# on_progress(what is happening now, steps done, steps in all)
Progress = Callable[[str, int, int], None]
Cancelled = Callable[[], bool]


class MeasureCancelled(Exception):
    """The caller asked to stop between two steps (a UI worker that was cancelled)."""


# --------------------------------------------------------------------------- results

@dataclass
class LayoutMeasurement:
    """One layout of one recipe: built and booted, or why not."""

    layout: str
    buildable: bool
    reason: str | None = None  # why it could not be built (buildable is False)
    loadable_bytes: int | None = None
    memory_bytes: int | None = None
    privileged_bytes: int | None = None  # kernel domain: code, rodata, data
    user_bytes: int | None = None  # user domain, same kinds (0 in a library OS)
    status: str | None = None  # the run's status; None if it was not booted
    ready_ms: float | None = None
    first_output_ms: float | None = None
    image: str | None = None
    boot_error: str | None = None
    ready_samples: list[float] = field(default_factory=list)  # one per boot; ready_ms: median

    def ready_text(self) -> str:
        """The ready time: the median, with the range when there were several boots."""
        if self.ready_ms is None:
            return "—"
        if len(self.ready_samples) < 2:
            return f"{self.ready_ms:.1f} ms"
        return _("{ms} ms (median; {low}–{high} over {boots} boots)").format(
            ms=f"{self.ready_ms:.1f}", low=f"{min(self.ready_samples):.1f}",
            high=f"{max(self.ready_samples):.1f}", boots=len(self.ready_samples))

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        for k in ("ready_ms", "first_output_ms"):
            if d[k] is not None:
                d[k] = round(d[k], 3)
        return d


@dataclass
class CrossingCost:
    """Cycles per call of `clock_tsc_hz()` in each layout (medians over rounds and boots).
    Each sample is (cycles per call, cycles of the empty loop: the floor)."""

    calls: int
    runs: int
    toolchain: str
    samples: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    loadable_bytes: dict[str, int] = field(default_factory=dict)

    def median(self, layout: str, which: int = 0) -> float | None:
        values = [s[which] for s in self.samples.get(layout, [])]
        return statistics.median(values) if values else None

    def cycles_per_call(self, layout: str) -> float | None:
        return self.median(layout, 0)

    def loop_cycles(self, layout: str) -> float | None:
        return self.median(layout, 1)

    def ratio_to_baseline(self, layout: str) -> float | None:
        """How many plain calls (in the baseline layout) one crossing of `layout` costs."""
        lib, other = self.cycles_per_call(BASELINE), self.cycles_per_call(layout)
        return other / lib if lib and other else None

    @property
    def ratio(self) -> float | None:
        """The system-call layout over the baseline: how many plain calls one system call
        costs."""
        trap = layouts.with_crossing("trap")
        return self.ratio_to_baseline(trap.name) if trap else None

    @property
    def crossing_cycles(self) -> float | None:
        """What the protection boundary of a system call adds to one call."""
        trap = layouts.with_crossing("trap")
        lib = self.cycles_per_call(BASELINE)
        other = self.cycles_per_call(trap.name) if trap else None
        return other - lib if lib is not None and other is not None else None

    def summary(self) -> str:
        """One line: what a crossing of each layout costs in plain calls, e.g. "a system call
        costs 6.2× a plain call (335 against 54 cycles), a message to a server and back 250×
        (13700 cycles)"."""
        parts = []
        for layout in layouts.ALL:
            ratio = self.ratio_to_baseline(layout.name)
            if layout is layouts.DEFAULT or not ratio:
                continue
            cycles = self.cycles_per_call(layout.name)
            if not parts:
                parts.append(_("{crossing} costs {ratio}× a plain call ({cycles} against "
                               "{baseline} cycles)").format(
                    crossing=_(layout.crossing_words), ratio=f"{ratio:.1f}", cycles=f"{cycles:g}",
                    baseline=f"{self.cycles_per_call(BASELINE):g}"))
            else:
                parts.append(_("{crossing} {ratio}× ({cycles} cycles)").format(
                    crossing=_(layout.crossing_words), ratio=f"{ratio:.0f}", cycles=f"{cycles:g}"))
        return ", ".join(parts)

    def to_dict(self) -> dict:
        return {
            "calls_per_round": self.calls,
            "runs": self.runs,
            "toolchain": self.toolchain,
            "layouts": {layout: {"application": CROSSING_APP,
                                 "samples": len(self.samples.get(layout, [])),
                                 "cycles_per_call": self.cycles_per_call(layout),
                                 "loop_cycles": self.loop_cycles(layout),
                                 "loadable_bytes": self.loadable_bytes.get(layout)}
                        for layout in MEASURED_LAYOUTS},
            **{f"{layout}_over_{BASELINE}": self.ratio_to_baseline(layout)
               for layout in MEASURED_LAYOUTS if layout != BASELINE},
            "crossing_cycles": self.crossing_cycles,
        }


@dataclass
class LayoutComparison:
    """A recipe measured in every buildable layout, plus the cost of one crossing."""

    recipe: str
    toolchain: str
    layouts: dict[str, LayoutMeasurement]
    crossing: CrossingCost | None = None
    crossing_error: str | None = None

    def measured(self) -> dict[str, dict[str, str]]:
        """Rows for `layouts.model.model_layouts(..., measured=...)`: label -> shown value, per layout.

        A layout that could not be built gets one row saying why.
        """
        out: dict[str, dict[str, str]] = {}
        for name in LAYOUT_ORDER:
            m = self.layouts.get(name)
            if m is None or not m.buildable:
                out[name] = {"status": _("not buildable: {reason}").format(
                    reason=m.reason if m else _("not measured"))}
                continue
            rows = {"status": _(m.status) if m.status else _("not booted")}
            if m.status == "stopped" and m.ready_ms is not None:
                rows["status"] = _("ready, then stopped (an appliance serves until stopped)")
            if m.boot_error:
                rows["status"] = _("did not boot: {error}").format(error=m.boot_error)
            rows["image"] = human_bytes(m.loadable_bytes)
            rows["privileged bytes"] = human_bytes(m.privileged_bytes)
            if m.user_bytes:
                rows["user bytes"] = human_bytes(m.user_bytes)
            rows["boot to ready"] = m.ready_text()
            rows.update(self._crossing_rows(name))
            out[name] = rows
        return out

    def _crossing_rows(self, name: str) -> dict[str, str]:
        cpc = self.crossing.cycles_per_call(name) if self.crossing else None
        if cpc is None:
            return {"cycles per crossing": _("not measured")} if self.crossing_error else {}
        rows = {"cycles per crossing": f"{cpc:g}"}
        ratio = self.crossing.ratio_to_baseline(name)
        if name != BASELINE and ratio:
            rows[f"crossing vs {BASELINE}"] = f"{ratio:.1f}×"
        return rows

    def to_dict(self) -> dict:
        rows = {}
        for name in LAYOUT_ORDER:
            m = self.layouts.get(name)
            rows[name] = m.to_dict() if m else {
                "layout": name, "buildable": False, "reason": "not measured"}
            if self.crossing is not None:
                rows[name]["cycles_per_crossing"] = self.crossing.cycles_per_call(name)
        return {"recipe": self.recipe, "toolchain": self.toolchain, "layouts": rows,
                "crossing": self.crossing.to_dict() if self.crossing else None,
                "crossing_error": self.crossing_error}



# --------------------------------------------------------------------------- pieces

def _boot_layout(m: LayoutMeasurement, image: Path, res, timeout: float, boots: int,
                 step: _Steps, name: str) -> None:
    """Boot one layout's image `boots` times into `m` (the first boot's status; the median
    ready and first-output times). A boot that fails ends the series."""
    firsts: list[float] = []
    for i in range(boots):
        step(_("booting {recipe} as {layout}").format(recipe=name, layout=m.layout)
             + (f" ({i + 1}/{boots})" if boots > 1 else ""))
        try:
            run = boot_for_measure(image, res.recipe.machine, timeout, is_appliance(res))
        except WorkbenchError as e:
            m.boot_error = e.message
            step.done += boots - 1 - i
            break
        m.status = m.status or run.status
        if run.ready_ms is not None:
            m.ready_samples.append(run.ready_ms)
        if run.first_output_ms is not None:
            firsts.append(run.first_output_ms)
    m.ready_ms = statistics.median(m.ready_samples) if m.ready_samples else None
    m.first_output_ms = statistics.median(firsts) if firsts else None


def with_layout(recipe: Recipe, layout: str) -> Recipe:
    """A copy of `recipe` in another layout; the original (and its file) stay as they are."""
    import copy

    other = copy.deepcopy(recipe)
    other.layout = layout
    return other


def domain_bytes(info, domain: str) -> int:
    """Bytes of code and initialised data one protection domain ("kernel" or "user") loads."""
    return sum(r.size for r in info.image_regions()
               if r.domain == domain and r.kind in LOADED_KINDS)


def is_appliance(res) -> bool:
    """A network appliance serves until stopped: it is measured up to its ready record."""
    return "netdev" in res.providers


def boot_for_measure(image: Path, machine: str, timeout: float, appliance: bool):
    """Boot once; an appliance is stopped as soon as it reports ready."""
    if appliance:
        from workbench.core.run.appliance import Appliance

        app = Appliance(image, [], machine=machine, watchdog=timeout)
        try:
            app.start(ready_timeout=timeout)
        finally:
            result = app.stop()
        if result is None:
            raise WorkbenchError(_("{image} did not run").format(image=image.name), file=image)
        return result
    from workbench.core.run.qemu import boot_image_sync

    return boot_image_sync(image, machine=machine, timeout=timeout)


def crossing_recipe(layout: str, calls: int = 10000, rounds: int = 7) -> Recipe:
    """crossing-bench in `layout`: the same call, crossing that layout's boundary."""
    return Recipe(name=f"crossing-{layout}", application=CROSSING_APP, layout=layout,
                  options={CROSSING_APP: {"calls": calls, "rounds": rounds}})


def crossing_rounds(run, bench: str = "crossing") -> list[tuple[int, int]]:
    """(cycles_per_call, floor) of every `bench name=<bench>` round but the first, which
    warms the caches and is left out. The floor is the field FLOOR_FIELDS names."""
    floor = FLOOR_FIELDS[bench]
    found = []
    for rec in run.telemetry:
        if rec.kind == "bench" and rec.fields.get("name") == bench:
            if rec.get_int("round", 0) > 1:
                found.append((rec.get_int("cycles_per_call"), rec.get_int(floor)))
    return found


class _Steps:
    def __init__(self, total: int, on_progress: Progress | None, cancelled: Cancelled | None):
        self.done, self.total = 0, total
        self.on_progress, self.cancelled = on_progress, cancelled

    def __call__(self, what: str) -> None:
        if self.cancelled and self.cancelled():
            raise MeasureCancelled(what)
        if self.on_progress:
            self.on_progress(what, self.done, self.total)
        self.done += 1


def measure_crossing(out: Path, runs: int = 1, calls: int = 10000, rounds: int = 5,
                     toolchain: str = "zig", timeout: float = 30.0, catalogue=None,
                     on_progress: Progress | None = None, cancelled: Cancelled | None = None,
                     _steps: _Steps | None = None) -> CrossingCost:
    """Build `crossing-bench` in every layout into `out`, boot each `runs` times
    (interleaved, so a noisy neighbour slows all alike) and collect every measured round."""
    from workbench.core.builder.pipeline import build
    from workbench.core.model.catalogue import load_catalogue
    from workbench.core.model.resolve import resolve
    from workbench.core.run.qemu import boot_image_sync

    if runs < 1 or rounds < 2:
        raise WorkbenchError(_("the crossing benchmark needs at least 1 boot and 2 rounds "
                               "(the first round is a warm-up)"), key="rounds")
    cat = catalogue or load_catalogue()
    step = _steps or _Steps(crossing_steps(runs), on_progress, cancelled)
    cost = CrossingCost(calls, runs, toolchain, {k: [] for k in MEASURED_LAYOUTS})
    images = {}
    for layout in MEASURED_LAYOUTS:
        step(_("building {recipe} ({layout})").format(recipe=CROSSING_APP, layout=layout))
        result = build(resolve(crossing_recipe(layout, calls, rounds), cat),
                       Path(out) / layout, toolchain)
        images[layout] = result.image
        cost.loadable_bytes[layout] = result.loadable_bytes
    for i in range(runs):
        for layout in MEASURED_LAYOUTS:
            step(_("booting {recipe} ({layout}, {run}/{runs})").format(
                recipe=CROSSING_APP, layout=layout, run=i + 1, runs=runs))
            run = boot_image_sync(images[layout], timeout=timeout)
            if run.status != "success":
                raise WorkbenchError(_("{recipe} ({layout}) ended with status {status}").format(
                                         recipe=CROSSING_APP, layout=layout, status=run.status),
                                     file=images[layout], details=run.console.splitlines()[-8:])
            cost.samples[layout] += crossing_rounds(run)
    return cost


def crossing_steps(runs: int) -> int:
    """Progress steps of measure_crossing: one build and `runs` boots per layout."""
    return len(MEASURED_LAYOUTS) * (1 + runs)


# --------------------------------------------------------------------------- the whole comparison

def measure_layouts(recipe: Recipe, out: Path, catalogue=None, toolchain: str = "zig",
                    timeout: float = 30.0, crossing: bool = True, crossing_runs: int = 1,
                    on_progress: Progress | None = None,
                    cancelled: Cancelled | None = None, boots: int = 1) -> LayoutComparison:
    """Build and boot `recipe` in every buildable layout; measure the crossing cost too.

    Each layout is booted `boots` times: one boot's ready time is noisy on a loaded host, so
    the ready time is the median of the boots, and the spread is kept (`ready_samples`).

    Builds go to `out/<layout>` (and `out/crossing/<layout>`). `on_progress(what, done,
    total)` is called before each step; `cancelled()` is asked before each step and ends the
    measurement with MeasureCancelled. A layout that cannot be built or booted is reported in
    its entry; only a cancellation raises.
    """
    from workbench.core.builder.pipeline import build
    from workbench.core.inspect.image import inspect_image
    from workbench.core.model.catalogue import load_catalogue
    from workbench.core.model.resolve import resolve

    cat = catalogue or load_catalogue()
    out = Path(out)
    step = _Steps((1 + boots) * len(MEASURED_LAYOUTS)
                  + (crossing_steps(crossing_runs) if crossing else 0),
                  on_progress, cancelled)
    comparison = LayoutComparison(recipe.name, toolchain, {})
    for layout in MEASURED_LAYOUTS:
        step(_("building {recipe} as {layout}").format(recipe=recipe.name, layout=layout))
        try:
            res = resolve(with_layout(recipe, layout), cat)
            result = build(res, out / layout, toolchain)
            info = inspect_image(result.image, machine=res.recipe.machine)
        except WorkbenchError as e:
            comparison.layouts[layout] = LayoutMeasurement(layout, False, reason=e.message)
            step.done += boots  # no boots for this one
            continue
        m = LayoutMeasurement(layout, True, loadable_bytes=result.loadable_bytes,
                              memory_bytes=result.memory_bytes,
                              privileged_bytes=domain_bytes(info, "kernel"),
                              user_bytes=domain_bytes(info, "user"), image=str(result.image))
        comparison.layouts[layout] = m
        _boot_layout(m, result.image, res, timeout, boots, step, recipe.name)
    if crossing:
        try:
            comparison.crossing = measure_crossing(out / "crossing", runs=crossing_runs,
                                                   toolchain=toolchain, timeout=timeout,
                                                   catalogue=cat, _steps=step)
        except WorkbenchError as e:
            comparison.crossing_error = e.message
    if on_progress:
        on_progress("done", step.total, step.total)
    return comparison
