"""`compare`: one recipe built and booted in every layout, side by side."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from workbench.core import layouts
from workbench.core.layouts.model import model_layouts
from workbench.i18n import N_, _

from .common import pad, print_json, resolution_for


def cmd_compare(args) -> int:
    # imported here, not at the top: measuring (pyelftools, QEMU) adds ~25 ms to the start-up
    # of every command
    from workbench.core.run.measure import measure_layouts

    res = resolution_for(args)
    out = Path(args.out) if args.out else Path.cwd() / "build" / f"{res.recipe.name}-layouts"

    def progress(what: str, done: int, total: int) -> None:
        if what != "done":
            print(f"  [{done + 1}/{total}] {what}", file=sys.stderr)

    comp = measure_layouts(res.recipe, out, res.catalogue, args.toolchain, args.timeout,
                           on_progress=None if args.json else progress)
    models = model_layouts(res, None, comp.measured())
    if args.json:
        data = comp.to_dict()
        data["models"] = {m.layout: m.to_dict() for m in models}
        print_json(data)
        return 0
    columns = [layout.name for layout in layouts.ALL]
    titles = {layout.name: _(layout.short_title) for layout in layouts.ALL}
    print(_("recipe {recipe}: the same components in every layout (toolchain {toolchain})").format(
        recipe=res.recipe.name, toolchain=comp.toolchain) + "\n")
    print(" " * 24 + "".join(pad(titles[n], 18, ">") for n in columns))
    print(_("modelled (from the resolution)"))
    for label, values in [*_modelled_rows(models), (None, {}), *_measured_rows(comp, columns)]:
        if label is None:
            print(_("measured (built and booted in QEMU)"))
            continue
        print("  " + pad(_(label), 22) + "".join(pad(values.get(n, ""), 18, ">") for n in columns))
    print()
    from workbench.core.learn.textrender import has_wide, wrap_text  # Japanese: by phrases

    for note in _notes(comp, columns, titles):
        print("\n".join(wrap_text(note, 80, "", "  ")) if has_wide(note) else
              textwrap.fill(note, 80, subsequent_indent="  ", break_on_hyphens=False))
    return 0


def _modelled_rows(models) -> list[tuple[str, dict[str, str]]]:
    return [
        (N_("protection domains"), {m.layout: str(len(m.domains)) for m in models}),
        (N_("privileged components"), {m.layout: str(len(m.tcb_components)) for m in models}),
        (N_("traps on a request"), {m.layout: str(m.counts["trap"]) for m in models}),
        (N_("IPC on a request"), {m.layout: str(m.counts["ipc"]) for m in models}),
        (N_("TCB lines of code"), {m.layout: f"{m.tcb_lines:,}" for m in models}),
    ]


def _status(m) -> str:
    if m.boot_error:
        return _("did not boot")
    if m.status == "stopped" and m.ready_ms is not None:
        return _("ready, stopped")  # an appliance serves until it is stopped
    return _(m.status) if m.status else "—"


def _measured_rows(comp, columns: list[str]) -> list[tuple[str, dict[str, str]]]:
    from workbench.core.inspect.image import human_bytes  # see cmd_compare

    def cell(name: str, fn) -> str:
        m = comp.layouts.get(name)
        if m is None or not m.buildable:
            return "—"
        value = fn(m)
        return "—" if value is None else value

    def buildable(name: str) -> str:
        m = comp.layouts.get(name)
        return _("yes") if m is not None and m.buildable else _("no")

    def cycles(name: str) -> str:
        value = comp.crossing.cycles_per_call(name) if comp.crossing else None
        return f"{value:g}" if value is not None else "—"

    def ready(m) -> str | None:
        return f"{m.ready_ms:.1f} ms" if m.ready_ms is not None else None

    measured = [
        (N_("run status"), _status),
        (N_("image (loadable)"), lambda m: human_bytes(m.loadable_bytes)),
        (N_("privileged bytes"), lambda m: human_bytes(m.privileged_bytes)),
        (N_("user-mode bytes"), lambda m: human_bytes(m.user_bytes)),
        (N_("boot to ready"), ready),
    ]
    return [(N_("buildable"), {n: buildable(n) for n in columns}),
            *((label, {n: cell(n, fn) for n in columns}) for label, fn in measured),
            (N_("cycles per crossing"), {n: cycles(n) for n in columns})]


def _notes(comp, columns: list[str], titles: dict[str, str]) -> list[str]:
    notes = []
    for n in columns:
        m = comp.layouts.get(n)
        if m is not None and not m.buildable:
            notes.append(_("{layout}: not buildable: {reason}").format(layout=titles[n],
                                                                        reason=m.reason))
        elif m is not None and m.boot_error:
            notes.append(_("{layout}: did not boot: {error}").format(layout=titles[n],
                                                                      error=m.boot_error))
    cost = comp.crossing
    if cost is not None and cost.ratio:
        notes.append(_("cycles per crossing: one call of clock_tsc_hz() in crossing-bench, built "
                       "in each layout (TSC cycles, median of {rounds} rounds): {summary}").format(
            rounds=len(cost.samples[layouts.DEFAULT.name]), summary=cost.summary()))
    elif comp.crossing_error:
        notes.append(_("cycles per crossing not measured: {error}").format(
            error=comp.crossing_error))
    notes.append(_("privileged bytes: code and initialised data the image loads into ring 0"))
    return notes


def add_commands(sub) -> None:
    s = sub.add_parser("compare", help=_("build and boot a recipe in every buildable layout; "
                                         "compare sizes, ready time and the cost of a crossing"))
    s.add_argument("recipe")
    s.add_argument("--out", help=_("output folder (default build/<recipe>-layouts)"))
    s.add_argument("--toolchain", default="zig", help=_("zig (default) or gcc"))
    s.add_argument("--timeout", type=float, default=30.0, help=_("watchdog per boot, seconds"))
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_compare)
