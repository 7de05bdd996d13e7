"""Benchmarks of the workbench UI (medians over several runs; not part of the test suite).

    .venv/bin/python benchmarks/tui.py [--runs 5] [--json]

- start-up, as the learner sees it: from typing the command to the first frame on the
  terminal — `workbench` and a bare Textual app started alike as programs on a pseudo-terminal
  of 120×40, each timed until its first whole frame has been written (Textual writes a frame
  as one synchronised update; the frame must hold the first screen's text: the recipe's source
  and components for the workbench, the last tab for the bare app). Python's start, the
  imports and the app's own work are all in it, as they are for the learner;
- start-up in one process: from creating the app to its first frame handed to the driver
  (headless, 120×40; the frame is checked to be the Assemble screen whole), and to the moment
  nothing is pending any more, for the workbench and the bare app alike;
  runs of the workbench and of the bare app alternate, each after a full garbage collection;
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
tabs of static text and a footer (start-up; `--bare-app` runs it), and Textual's own `Log`
widget fed the same 20,000 lines (console throughput); the graph render is shown next to the
Graphviz layout it draws.

Targets: first frame ≤ 2× the bare app's (from the command), graph ≤ 100 ms, no stall > 100 ms.
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


class FirstFrame:
    """Notes when the app first hands a whole frame to its driver.

    Textual paints a screen by passing the compositor's update to `App._display` (headless,
    the driver then writes nothing). A frame is whole when it shows `WHOLE`: the first screen's
    text and the footer's keys (Textual fills the footer in after the first paint). Both the
    workbench and the bare app are timed by this one probe; the time the probe spends reading
    frames is taken off.
    """

    WHOLE: tuple[str, ...] = ("palette",)
    marks: dict[str, float]
    probe_s: float = 0.0

    def _display(self, screen, renderable) -> None:
        if renderable is not None and "first" not in self.marks and not self._batch_count:
            now = time.perf_counter()
            text = frame_text(screen)
            if all(word in text for word in self.WHOLE):
                self.marks["first"] = now - self.probe_s
            self.probe_s += time.perf_counter() - now
        super()._display(screen, renderable)


def frame_text(screen) -> str:
    """The characters of the screen as its compositor would paint it whole."""
    rows = screen._compositor.render_full_update().strips
    return "\n".join("".join(strip.text for strip in row if strip is not None) for row in rows)


async def timed_start(make_app) -> tuple[float, float]:
    """(first frame, settled) in seconds from creating the app (`make_app()`): to the first
    frame painted, and to the moment nothing is left pending (every pane composed, every
    deferred update done)."""
    t0 = time.perf_counter()
    app = make_app()
    app.marks = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        settled = time.perf_counter() - t0
    if "first" not in app.marks:
        raise SystemExit(f"no frame showed {app.WHOLE} before the app settled")
    return app.marks["first"] - t0, settled - app.probe_s


async def bench_startup() -> tuple[float, float]:
    """The workbench's (first frame, settled)."""
    from workbench.tui.app import WorkbenchApp

    class Probe(FirstFrame, WorkbenchApp):
        # The Assemble screen whole: the recipe's components in the catalogue and the
        # resolution, its source beside them, the footer's keys.
        WHOLE = ("boot-pvh", "serial-16550", "hello.c", "app_main", "palette")

    return await timed_start(Probe)


FRAME_END = b"palette"  # the footer's last key (^p palette): the bottom row, written last


def command_first_frame(argv: list[str], marker: bytes, env: dict[str, str]) -> float:
    """Seconds from starting `argv` on a 120×40 pseudo-terminal to the end of its first frame
    that shows `marker`: Textual writes a frame top to bottom, so that frame is whole once the
    footer's last key follows the marker. The program is then stopped."""
    import fcntl
    import pty
    import select
    import signal
    import struct
    import termios

    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: the program, on the terminal
        os.execve(argv[0], argv, {**os.environ, "TERM": "xterm-256color", **env})
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    out, seen, when = b"", -1, None
    try:
        while when is None and time.perf_counter() - t0 < 30:
            if not select.select([fd], [], [], 0.5)[0]:
                continue
            out += os.read(fd, 1 << 16)
            if seen < 0:
                seen = out.find(marker)
            if seen >= 0 and out.find(FRAME_END, seen) >= 0:
                when = time.perf_counter() - t0
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    if when is None:
        raise SystemExit(f"no frame with {marker!r} within 30 s from {argv}:\n{out[-2000:]!r}")
    return when


def bench_commands(runs: int) -> tuple[list[float], list[float]]:
    """`workbench` and the bare app from the command to the first frame, alternating."""
    workbench = str(Path(sys.executable).with_name("workbench"))
    bare = [sys.executable, str(Path(__file__).resolve()), "--bare-app"]
    wb, floor = [], []
    with tempfile.TemporaryDirectory() as home:  # no saved settings, no progress: a new learner
        env = {"HOME": home, "WB_LANG": "en", "TEXTUAL_ANIMATIONS": "none"}
        for _ in range(runs):
            wb.append(command_first_frame([workbench], b"app_main", env))
            floor.append(command_first_frame(bare, b"tab 5", env))
    return wb, floor


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


def bare_app(probe: bool = False):
    """The floor: Textual itself, an app of six tabs of static text with a footer."""
    from textual.app import App
    from textual.widgets import Footer, Static, TabbedContent, TabPane

    class Bare(*((FirstFrame,) if probe else ()), App):
        WHOLE = ("tab 5", "palette")

        def compose(self):
            with TabbedContent():
                for i in range(6):
                    with TabPane(f"tab {i}"):
                        yield Static("text")
            yield Footer()

    return Bare()


async def bench_bare_startup() -> tuple[float, float]:
    """The bare app's (first frame, settled), timed as the workbench's."""
    return await timed_start(lambda: bare_app(probe=True))


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
    ap.add_argument("--bare-app", action="store_true", help="run the bare baseline app itself")
    args = ap.parse_args()
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    if args.bare_app:
        bare_app().run()
        return 0
    results: dict = {}

    wb, floor = bench_commands(args.runs)
    results["command_first_frame_ms"] = median_ms(wb)
    results["command_bare_first_frame_ms"] = median_ms(floor)
    results["command_ratio"] = round(statistics.median(wb) / statistics.median(floor), 2)
    startup, bare = [], []
    for _ in range(args.runs):  # alternating, so a change in the machine's load hits both
        gc.collect()  # garbage left by the run before is not this run's cost
        startup.append(asyncio.run(bench_startup()))
        gc.collect()
        bare.append(asyncio.run(bench_bare_startup()))
    first, bare_first = [f for f, _ in startup], [f for f, _ in bare]
    settled, bare_settled = [s for _, s in startup], [s for _, s in bare]
    results["startup_first_frame_ms"] = median_ms(first)
    results["startup_bare_first_frame_ms"] = median_ms(bare_first)
    results["startup_ratio"] = round(statistics.median(first) / statistics.median(bare_first), 2)
    results["startup_settled_ms"] = median_ms(settled)
    results["startup_bare_settled_ms"] = median_ms(bare_settled)
    results["startup_settled_ratio"] = round(
        statistics.median(settled) / statistics.median(bare_settled), 2)
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
        "first_frame_le_2x_bare": results["command_ratio"] <= 2,
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
