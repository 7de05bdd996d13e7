"""Benchmarks of the workbench UI (medians over several runs; not part of the test suite).

    .venv/bin/python benchmarks/tui.py [--runs 5] [--json]

- start-up: from creating the app to its first frame (the first refresh after mounting,
  headless, 120×40), and to the moment nothing is pending any more; runs of the workbench and
  of the bare app alternate, each after a full garbage collection;
- first visit of each screen: screens other than the first are built in the background
  after start-up, or when first shown if that comes sooner: from the key press to the screen
  drawn, for a key pressed at once (the screen is built then) and after 3 s (built already);
- graph render: a 60-component resolution (synthetic catalogue) turned into the character grid
  and every row drawn, after Graphviz has laid it out (the Graphviz call is reported apart);
- console throughput: 20,000 lines streamed through the Run screen's path (queued per event,
  flushed per tick) — lines per second until all are on screen;
- max UI stall while those lines stream: the longest gap between ticks of a 10 ms timer;
- lesson text: every lesson in both languages laid out at 80 columns by the terminal renderer
  (Japanese broken between BudouX phrases, with kinsoku), against Markdown parsing alone.

Baselines measured in the same run, to read the figures against: a bare Textual app with six
tabs of static text (start-up), and Textual's own `Log` widget fed the same 20,000 lines
(console throughput); the graph render is shown next to the Graphviz layout it draws.

Targets: first frame ≤ 2× the bare app's, graph ≤ 100 ms, no stall > 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
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


async def bench_startup() -> tuple[float, float]:
    """(first frame, settled): from creating the app to the first refresh after it mounted —
    what a learner sees first — and to the moment nothing is left pending (every pane composed,
    every deferred update done)."""
    from workbench.tui.app import WorkbenchApp

    marks: dict[str, float] = {}

    class Probe(WorkbenchApp):
        def on_mount(self) -> None:
            super().on_mount()
            self.call_after_refresh(lambda: marks.setdefault("first", time.perf_counter()))

    t0 = time.perf_counter()
    async with Probe().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        settled = time.perf_counter() - t0
    return marks["first"] - t0, settled


async def bench_first_visits(idle: float) -> tuple[dict[str, float], dict[str, float]]:
    """Seconds from pressing a screen's key to that screen drawn, for every screen after the
    first, the keys pressed `idle` seconds after start-up: the first time, and again (after
    going back to the first screen) as the floor."""
    from workbench.tui.app import SCREENS, WorkbenchApp

    first: dict[str, float] = {}
    again: dict[str, float] = {}
    async with WorkbenchApp().run_test(size=(120, 40)) as pilot:
        await pilot.pause(idle)
        app = pilot.app
        for out in (first, again):
            for i, (sid, *_rest) in enumerate(SCREENS[1:], start=2):
                t0 = time.perf_counter()
                await pilot.press(str(i))
                while app.pane(sid) is None:
                    await asyncio.sleep(0.001)
                await pilot.pause()
                out[sid] = time.perf_counter() - t0
            await pilot.press("1")
            await pilot.pause()
    return first, again


async def bench_bare_startup() -> float:
    """The floor: Textual itself starting an app of six tabs with a footer."""
    from textual.app import App
    from textual.widgets import Footer, Static, TabbedContent, TabPane

    class Bare(App):
        def compose(self):
            with TabbedContent():
                for i in range(6):
                    with TabPane(f"tab {i}"):
                        yield Static("text")
            yield Footer()

    t0 = time.perf_counter()
    async with Bare().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        return time.perf_counter() - t0


async def bench_log_baseline(lines: int = 20_000) -> float:
    """The floor for the console: Textual's Log widget, written in the same chunks."""
    from textual.app import App
    from textual.widgets import Log

    class LogApp(App):
        def compose(self):
            yield Log()

    async with LogApp().run_test(size=(120, 40)) as pilot:
        log = pilot.app.query_one(Log)
        t0 = time.perf_counter()
        chunk = 8
        for i in range(0, lines, chunk):
            log.write_lines([f"[{j:05d}] guest line with some text {j * 7}"
                             for j in range(i, min(lines, i + chunk))])
            if i % 64 == 0:
                await asyncio.sleep(0)
        await pilot.pause()
        return lines / (time.perf_counter() - t0)


def bench_graph(kernels: Path, runs: int) -> dict:
    from workbench.core.inspect.graph import layout
    from workbench.core.model.catalogue import load_catalogue
    from workbench.core.model.recipe import load_recipe
    from workbench.core.model.resolve import resolve
    from workbench.tui.graph.graph_view import GraphView
    from workbench.tui.graph.grid import build_grid

    cat = load_catalogue(kernels)
    res = resolve(load_recipe(kernels / "recipes" / "hello.toml"), cat)
    dot_times, render_times = [], []
    size = None
    for _ in range(runs):
        gc.collect()  # garbage left by the start-up runs is not the graph's cost
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
    from workbench.core.run.qemu import RunEvent
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.run.console_view import ConsoleView
    from workbench.tui.run.pane import RunPane

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


def bench_lesson_text(runs: int) -> dict:
    """Render every lesson (en and ja) at 80 columns, cold caches; parsing alone as baseline."""
    from markdown_it import MarkdownIt

    from workbench.core.learn import textrender

    texts = {lang: [p.read_text(encoding="utf-8")
                    for p in sorted((REPO / "lessons").glob(f"*/{lang}.md"))]
             for lang in ("en", "ja")}
    md = MarkdownIt("commonmark").enable("table")

    def timed(work) -> float:
        samples = []
        for _ in range(runs):
            textrender._units.cache_clear()
            t0 = time.perf_counter()
            work()
            samples.append(time.perf_counter() - t0)
        return median_ms(samples)

    out = {"lessons": len(texts["ja"]),
           "parse_ms": timed(lambda: [md.parse(t) for ts in texts.values() for t in ts])}
    for lang, ts in texts.items():
        out[f"render_{lang}_ms"] = timed(
            lambda ts=ts, lang=lang: [textrender.render_markdown(t, 80, lang) for t in ts])
        out[f"ratio_{lang}_to_parse"] = round(out[f"render_{lang}_ms"] / out["parse_ms"], 2)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    results: dict = {}

    startup, bare = [], []
    for _ in range(args.runs):  # alternating, so a change in the machine's load hits both
        gc.collect()  # garbage left by the run before is not this run's cost
        startup.append(asyncio.run(bench_startup()))
        gc.collect()
        bare.append(asyncio.run(bench_bare_startup()))
    first = [f for f, _ in startup]
    results["startup_first_frame_ms"] = median_ms(first)
    results["startup_settled_ms"] = median_ms([s for _, s in startup])
    results["startup_bare_textual_ms"] = median_ms(bare)
    results["startup_ratio"] = round(statistics.median(first) / statistics.median(bare), 2)
    for idle, key in ((0, "first_visit_at_once_ms"), (3, "first_visit_after_3s_ms")):
        visits = [asyncio.run(bench_first_visits(idle)) for _ in range(max(1, args.runs // 2))]
        results[key] = {sid: median_ms([f[sid] for f, _ in visits]) for sid in visits[0][0]}
        results[key.replace("first", "second")] = {
            sid: median_ms([a[sid] for _, a in visits]) for sid in visits[0][1]}

    with tempfile.TemporaryDirectory() as tmp:
        kernels = make_kernels(Path(tmp) / "kernels", 60)
        results["graph_60"] = bench_graph(kernels, args.runs)

    runs = [asyncio.run(bench_console()) for _ in range(max(1, args.runs // 2))]
    results["console_20k"] = {
        "lines_per_s": statistics.median(r["lines_per_s"] for r in runs),
        "max_stall_ms": statistics.median(r["max_stall_ms"] for r in runs),
        "worst_stall_ms": max(r["max_stall_ms"] for r in runs),
    }
    log_rate = statistics.median(asyncio.run(bench_log_baseline())
                                 for _ in range(max(1, args.runs // 2)))
    results["console_20k"]["textual_log_lines_per_s"] = round(log_rate)
    results["console_20k"]["ratio_to_log"] = round(
        results["console_20k"]["lines_per_s"] / log_rate, 2)
    results["lesson_text"] = bench_lesson_text(args.runs)
    results["targets"] = {
        "first_frame_le_2x_bare": results["startup_ratio"] <= 2,
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
