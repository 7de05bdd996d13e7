"""Benchmarks of the workbench UI (medians over several runs; not part of the test suite).

    .venv/bin/python benchmarks/tui.py [--runs 5] [--json]

- start-up: from creating the app to its first frame (headless, 120×40);
- graph render: a 60-component resolution (synthetic catalogue) turned into the character grid
  and every row drawn, after Graphviz has laid it out (the Graphviz call is reported apart);
- console throughput: 20,000 lines streamed through the Run screen's path (queued per event,
  flushed per tick) — lines per second until all are on screen;
- max UI stall while those lines stream: the longest gap between ticks of a 10 ms timer.

Targets: first frame ≤ 1 s, graph ≤ 100 ms, no stall > 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

LAYERS = ("driver", "memory", "time", "lib", "net", "platform")


def make_kernels(root: Path, n: int = 60, lessons: bool = True) -> Path:
    """A synthetic kernels/ tree: `n` components in a layered DAG, one app, one recipe.

    Component i provides interface `if<i>` and requires up to three interfaces of lower
    numbers, so resolving the app (which requires the top few) pulls in every component.
    """
    root = Path(root)
    (root / "interfaces").mkdir(parents=True, exist_ok=True)
    (root / "lib").mkdir(exist_ok=True)
    (root / "recipes").mkdir(exist_ok=True)
    (root / "include").mkdir(exist_ok=True)

    def iface(name: str, default: str | None, crossing: bool = True) -> None:
        text = f'name = "{name}"\nsummary = "Synthetic interface {name}"\n'
        if default:
            text += f'default = "{default}"\n'
        if not crossing:
            text += "crossing = false\n"
        (root / "interfaces" / f"{name}.toml").write_text(text)

    def comp(name: str, layer: str, provides: list[str], requires: list[str],
             options: str = "") -> None:
        d = root / "lib" / name
        d.mkdir(exist_ok=True)
        src = "".join(f"/* line {i} */\nint {name.replace('-', '_')}_{i}(void) {{ return {i}; }}\n"
                      for i in range(3 + len(name) % 4))
        (d / "main.c").write_text(src)
        text = (f'name = "{name}"\nsummary = "Synthetic {layer} component {name}"\n'
                f'layer = "{layer}"\nprovides = {json.dumps(provides)}\n'
                f'requires = {json.dumps(requires)}\nsources = ["main.c"]\n')
        (d / "component.toml").write_text(text + options)

    iface("boot", "boot-syn")
    iface("cpu", "cpu-syn")
    iface("app", None)
    iface("libc", "libc-syn", crossing=False)
    comp("boot-syn", "boot", ["boot"], ["cpu", "app"])
    comp("cpu-syn", "cpu", ["cpu"], ["libc"])
    comp("libc-syn", "lib", ["libc"], [])
    body = n - 4  # boot, cpu, libc, app
    for i in range(body):
        name = f"part-{i:02d}"
        iface(f"if{i:02d}", name)
        reqs = sorted({f"if{j:02d}" for j in (i - 1, i - 3, i // 2) if 0 <= j < i})
        comp(name, LAYERS[i % len(LAYERS)], [f"if{i:02d}"], reqs + ["libc"])
    # a second provider of one interface, so there is something to choose
    comp("part-00-alt", LAYERS[0], ["if00"], ["libc"])
    top = [f"if{i:02d}" for i in range(max(0, body - 4), body)]
    comp("app-syn", "app", ["app"], top + ["libc"],
         options='\n[options.greeting]\ntype = "string"\ndefault = "hi"\ndoc = "Printed."\n'
                 '\n[options.count]\ntype = "int"\ndefault = 3\nmin = 1\nmax = 9\n'
                 'doc = "How many times."\n')
    (root / "recipes" / "hello.toml").write_text(
        'name = "hello"\nsummary = "Synthetic recipe"\napplication = "app-syn"\n'
        'layout = "libos"\nmachine = "microvm"\n')
    if lessons:
        les = root.parent / "lessons" / "01-synthetic"
        les.mkdir(parents=True, exist_ok=True)
        (les / "README.md").write_text("# A synthetic lesson\n")
    return root


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


async def bench_startup() -> float:
    from workbench.tui.app import WorkbenchApp

    t0 = time.perf_counter()
    app = WorkbenchApp()
    first = None
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = time.perf_counter() - t0
    return first


def bench_graph(kernels: Path, runs: int) -> dict:
    from workbench.core.catalogue import load_catalogue
    from workbench.core.graph import layout
    from workbench.core.recipe import load_recipe
    from workbench.core.resolve import resolve
    from workbench.tui.graph_grid import build_grid
    from workbench.tui.widgets.graph_view import GraphView

    cat = load_catalogue(kernels)
    res = resolve(load_recipe(kernels / "recipes" / "hello.toml"), cat)
    dot_times, render_times = [], []
    size = None
    for _ in range(runs):
        t0 = time.perf_counter()
        nodes, edges, _ = layout(res)
        t1 = time.perf_counter()
        grid = build_grid(nodes, edges)
        view = GraphView()
        view.grid = grid
        view.graph = res.graph
        view.node_layers = {c.name: c.layer for c in res.components}
        view.chains = {n: i.chain for n, i in res.included.items()}
        view._hl.selected = "part-10"
        for row in range(grid.height):
            view.render_full_line(row)
        t2 = time.perf_counter()
        dot_times.append(t1 - t0)
        render_times.append(t2 - t1)
        size = (grid.width, grid.height)
    return {"components": len(res.components), "edges": res.graph.number_of_edges(),
            "grid": size, "graphviz_ms": median_ms(dot_times),
            "render_ms": median_ms(render_times)}


async def bench_console(lines: int = 20_000) -> dict:
    from workbench.core.run import RunEvent
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.screens.run import RunPane
    from workbench.tui.widgets.console_view import ConsoleView

    app = WorkbenchApp()
    gaps: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        pane = app.query_one(RunPane)
        console = app.query_one(ConsoleView)
        run_id = pane.begin_run("benchmark")
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = app.set_interval(0.01, tick)
        t0 = time.perf_counter()
        # Like QEMU's socket reader: chunks of a few lines, arriving as fast as the loop allows.
        chunk = 8
        for i in range(0, lines, chunk):
            text = "".join(f"\x1b[32m[{j:05d}]\x1b[0m guest line with some text {j * 7}\n"
                           for j in range(i, min(lines, i + chunk)))
            pane.on_run_event(run_id, RunEvent("console", 0.0, text))
            if i % 64 == 0:
                await asyncio.sleep(0)
        while len(console.lines) < lines:
            await asyncio.sleep(0.005)
        await pilot.pause()
        elapsed = time.perf_counter() - t0
        timer.stop()
        assert console.lines[-1].endswith(str((lines - 1) * 7)) or console.lines[-1] == ""
    return {"lines": lines, "seconds": round(elapsed, 3),
            "lines_per_s": round(lines / elapsed), "max_stall_ms": round(max(gaps) * 1000, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    results: dict = {}

    startup = [asyncio.run(bench_startup()) for _ in range(args.runs)]
    results["startup_first_frame_ms"] = median_ms(startup)

    with tempfile.TemporaryDirectory() as tmp:
        kernels = make_kernels(Path(tmp) / "kernels", 60)
        results["graph_60"] = bench_graph(kernels, args.runs)

    runs = [asyncio.run(bench_console()) for _ in range(max(1, args.runs // 2))]
    results["console_20k"] = {
        "lines_per_s": statistics.median(r["lines_per_s"] for r in runs),
        "max_stall_ms": statistics.median(r["max_stall_ms"] for r in runs),
        "worst_stall_ms": max(r["max_stall_ms"] for r in runs),
    }
    results["targets"] = {
        "first_frame_le_1000ms": results["startup_first_frame_ms"] <= 1000,
        "graph_render_le_100ms": results["graph_60"]["render_ms"] <= 100,
        "stall_le_100ms": results["console_20k"]["worst_stall_ms"] <= 100,
    }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for key, value in results.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
