"""`compare`: one recipe built and booted in every layout, side by side."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from .common import print_json, resolution_for


def cmd_compare(args) -> int:
    from workbench.core.layouts.model import LAYOUT_ORDER, model_layouts
    from workbench.core.run.measure import human_bytes, measure_layouts

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

    def cell(name: str, fn) -> str:
        m = comp.layouts.get(name)
        if m is None or not m.buildable:
            return "—"
        value = fn(m)
        return "—" if value is None else value

    def status(m) -> str:
        if m.boot_error:
            return "did not boot"
        if m.status == "stopped" and m.ready_ms is not None:
            return "ready, stopped"  # an appliance serves until it is stopped
        return m.status or "—"

    def buildable(name: str) -> str:
        m = comp.layouts.get(name)
        return "yes" if m is not None and m.buildable else "no"

    def cycles(name: str):
        return comp.crossing.cycles_per_call(name) if comp.crossing else None

    rows = [
        ("protection domains", {m.layout: str(len(m.domains)) for m in models}),
        ("privileged components", {m.layout: str(len(m.tcb_components)) for m in models}),
        ("traps on a request", {m.layout: str(m.counts["trap"]) for m in models}),
        ("IPC on a request", {m.layout: str(m.counts["ipc"]) for m in models}),
        ("TCB lines of code", {m.layout: f"{m.tcb_lines:,}" for m in models}),
        (None, {}),
        ("buildable", {n: buildable(n) for n in LAYOUT_ORDER}),
        ("run status", {n: cell(n, status) for n in LAYOUT_ORDER}),
        ("image (loadable)", {n: cell(n, lambda m: human_bytes(m.loadable_bytes))
                              for n in LAYOUT_ORDER}),
        ("privileged bytes", {n: cell(n, lambda m: human_bytes(m.privileged_bytes))
                              for n in LAYOUT_ORDER}),
        ("user-mode bytes", {n: cell(n, lambda m: human_bytes(m.user_bytes))
                             for n in LAYOUT_ORDER}),
        ("boot to ready", {n: cell(n, lambda m: m.ready_ms is not None
                                   and f"{m.ready_ms:.1f} ms" or None) for n in LAYOUT_ORDER}),
        ("cycles per crossing", {n: f"{cycles(n):g}" if cycles(n) is not None else "—"
                                 for n in LAYOUT_ORDER}),
    ]
    titles = {"monolithic": "monolithic", "microkernel": "microkernel", "libos": "library OS"}
    print(f"recipe {res.recipe.name}: the same components in three layouts "
          f"(toolchain {comp.toolchain})\n")
    print(f"{'':<24}" + "".join(f"{titles[n]:>18}" for n in LAYOUT_ORDER))
    print("modelled (from the resolution)")
    for label, values in rows:
        if label is None:
            print("measured (built and booted in QEMU)")
            continue
        print(f"  {label:<22}" + "".join(f"{values.get(n, ''):>18}" for n in LAYOUT_ORDER))
    notes = []
    for n in LAYOUT_ORDER:
        m = comp.layouts.get(n)
        if m is not None and not m.buildable:
            notes.append(f"{titles[n]}: not buildable: {m.reason}")
        elif m is not None and m.boot_error:
            notes.append(f"{titles[n]}: did not boot: {m.boot_error}")
    if comp.crossing is not None and comp.crossing.ratio:
        notes.append(f"cycles per crossing: one call of clock_tsc_hz() in crossing-bench, built "
                     f"in each layout (TSC cycles, median of "
                     f"{len(comp.crossing.samples['libos'])} rounds): a system call costs "
                     f"{comp.crossing.ratio:.1f}x a plain call")
        ipc = comp.crossing.ratio_to_libos("microkernel")
        if ipc:
            notes.append(f"in the microkernel the same call is a message to the clock server "
                         f"and its reply: {ipc:.0f}x a plain call")
    elif comp.crossing_error:
        notes.append(f"cycles per crossing not measured: {comp.crossing_error}")
    notes.append("privileged bytes: code and initialised data the image loads into ring 0")
    print()
    for note in notes:
        print(textwrap.fill(note, 80, subsequent_indent="  ", break_on_hyphens=False))
    return 0


def add_commands(sub) -> None:
    s = sub.add_parser("compare", help="build and boot a recipe in every buildable layout; "
                                       "compare sizes, ready time and the cost of a crossing")
    s.add_argument("recipe")
    s.add_argument("--out", help="output folder (default build/<recipe>-layouts)")
    s.add_argument("--toolchain", default="zig", help="zig (default) or gcc")
    s.add_argument("--timeout", type=float, default=30.0, help="watchdog per boot, seconds")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_compare)
