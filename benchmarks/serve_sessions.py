"""A class on one machine: how responsive `workbench serve` stays with twenty sessions, and what
an idle session costs in memory.

    .venv/bin/python benchmarks/serve_sessions.py [--sessions 20] [--presses 18] [--json]

One real browser (the system's Chromium through Playwright, as tests/test_browser.py drives
it) opens the page and presses the screen keys 1-6 in turn; the latency of a press is from the
page's `keydown` to the arrival, in the page, of the websocket frame that completes the new
screen's own text (both times from the page's clock, so Playwright's own delays do not count).
The other sessions are websocket clients that talk to the server the way the page does
(tests/test_serve*.py). Three phases, in one run:

- baseline: the browser's session alone (after a first round of the six screens, not
  counted: a screen's first visit builds it);
- idle: with SESSIONS-1 more sessions open, each on its first screen;
- busy: those sessions all build and boot `hello` (r) at the start of the phase, as a class
  told "now boot it" would, and then switch to another screen after reading this one for a
  think time drawn from --think (default 5-15 s); they time their own key presses too (from
  sending the key to the frame completing the new screen, on the benchmark's clock).

Memory per idle session: each session is one `workbench tui` process; its RSS, PSS (shared
pages divided among the processes sharing them) and USS (its private pages: what one more
session adds), read from /proc/PID/smaps_rollup after the idle phase, medians over the
sessions; with the CPU the idle sessions used during the idle phase.

Target: key press to screen update median <= 200 ms with twenty sessions. The machine's load
average is reported with each phase: on a shared machine, read the figures against it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, ESCAPES  # noqa: E402
from tests.test_serve_class import _start_server, _stop, _wait_for_page  # noqa: E402

# Each screen's key and text only that screen draws (as tests/test_browser.py checks them).
SCREENS = (("2", r"components, \d+ requirements"), ("3", r"current build:|Pin as A"),
           ("4", r"Monolithic kernel\s+Microkernel\s+Library OS"),
           ("6", r"01 Three ways to build an OS"), ("1", r"Catalogue\s+by layer"),
           ("5", r"type to the guest's serial console|first output"))
TABS = r"1 Assemble\s*2 Graph\s*3 Memory\s*4 Compare\s*5 Run\s*6 Lessons"
# In the page, before its own script: every websocket frame and every key press, timed.
RECORDER = """
window.__frames = []; window.__keys = [];
window.addEventListener('keydown', () => window.__keys.push(performance.now()), true);
const Native = window.WebSocket, decoder = new TextDecoder();
window.WebSocket = function (...args) {
  const ws = new Native(...args);
  ws.addEventListener('message', (e) => window.__frames.push([performance.now(),
      typeof e.data === 'string' ? e.data : decoder.decode(e.data)]));
  return ws;
};
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
"""


def drawn(chunks: list[str]) -> str:
    return ESCAPES.sub(b"", "".join(chunks).encode()).decode()


class Browser:
    """The one real browser tab; `press` gives a key's latency in ms, from the page's clock."""

    def __init__(self, page) -> None:
        self.page = page
        self.session: int | None = None  # its session's process, once known

    async def wait_for(self, pattern: str, since: int, timeout: float) -> float:
        """The page time of the frame that completes `pattern` in what was drawn since frame
        `since`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frames = await self.page.evaluate("m => window.__frames.slice(m)", since)
            for i in range(len(frames)):
                if re.search(pattern, drawn([f[1] for f in frames[:i + 1]])):
                    return frames[i][0]
            await asyncio.sleep(0.02)
        raise SystemExit(f"the page never drew {pattern!r}")

    async def press(self, key: str, pattern: str) -> float:
        since = await self.page.evaluate("window.__frames.length")
        await self.page.keyboard.press(key)
        shown = await self.wait_for(pattern, since, 30)
        pressed = await self.page.evaluate("window.__keys[window.__keys.length - 1]")
        return shown - pressed

    async def measure(self, presses: int) -> list[float]:
        latencies = []
        for i in range(presses):
            key, pattern = SCREENS[i % len(SCREENS)]
            cpu = cpu_seconds(self.session) if self.session else 0.0
            latencies.append(await self.press(key, pattern))
            if os.environ.get("WB_BENCH_TRACE") and self.session:
                print(f"  key {key}: {latencies[-1]:.0f} ms, session CPU "
                      f"{(cpu_seconds(self.session) - cpu) * 1000:.0f} ms", file=sys.stderr)
            await asyncio.sleep(0.3)  # let the screen settle, as a person reads it
        return latencies


class Client:
    """A session driven over the websocket, the way the page drives one."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.chunks: list[str] = []
        self.latencies: list[float] = []
        self.missed = 0  # presses whose screen was not drawn within a minute
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                self.chunks.append(msg.data.decode("utf-8", "replace"))
            elif msg.type == aiohttp.WSMsgType.TEXT:
                self.chunks.append(msg.data)

    async def wait_for(self, pattern: str, since: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not re.search(pattern, drawn(self.chunks[since:])):
            if time.monotonic() > deadline or self.reader.done():
                raise SystemExit(f"a websocket session never drew {pattern!r}")
            await asyncio.sleep(0.02)

    async def press(self, key: str, pattern: str | None = None) -> None:
        since, start = len(self.chunks), time.monotonic()
        await self.ws.send_json(["stdin", key])
        if pattern:
            try:
                await self.wait_for(pattern, since, 60)
            except SystemExit as missed:
                self.missed += 1
                if os.environ.get("WB_BENCH_TRACE"):
                    print(f"{missed}: {' '.join(drawn(self.chunks[since:]).split())[-800:]}",
                          file=sys.stderr)
                return
            self.latencies.append((time.monotonic() - start) * 1000)

    async def browse(self, think: tuple[float, float], rng: random.Random) -> None:
        """Build and boot hello (which shows the Run screen), then switch to another screen
        after each think time, until cancelled."""
        await self.press("r")
        shown = "5"
        while True:
            await asyncio.sleep(rng.uniform(*think))
            key, pattern = rng.choice([s for s in SCREENS if s[0] != shown])
            await self.press(key, pattern)
            shown = key


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (the server's sessions)."""
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(d.name))
    return found


def memory_kib(pid: int) -> dict[str, int]:
    """RSS, PSS and USS of one process, in KiB, from /proc/PID/smaps_rollup."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    return {"rss": fields["Rss"], "pss": fields["Pss"],
            "uss": fields["Private_Clean"] + fields["Private_Dirty"]}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": round(statistics.median(ordered), 1),
            "p90": round(ordered[math.ceil(0.9 * len(ordered)) - 1], 1),  # nearest rank
            "max": round(ordered[-1], 1), "n": len(ordered)}


async def open_clients(url: str, n: int, http: aiohttp.ClientSession) -> list[Client]:
    """`n` sessions, opened together (as a class arriving), each waited for its first screen."""
    async def one() -> Client:
        client = Client(await http.ws_connect(url, max_msg_size=0))
        await client.wait_for(TABS, 0, 300)
        return client
    return list(await asyncio.gather(*(one() for _ in range(n))))


async def run(port: int, server: subprocess.Popen, args) -> dict:
    from playwright.async_api import async_playwright

    result: dict = {"sessions": args.sessions, "cpus": os.cpu_count(), "think_s": args.think,
                    "phases": {}}
    async with async_playwright() as p, aiohttp.ClientSession() as http:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        await page.add_init_script(RECORDER)
        await _wait_for_page(http, f"http://127.0.0.1:{port}/")
        await page.goto(f"http://127.0.0.1:{port}/")
        tab = Browser(page)
        await tab.wait_for(TABS, 0, 60)
        await page.focus(".xterm-helper-textarea")  # the terminal takes the keys

        await tab.measure(len(SCREENS))  # each screen's first visit builds it: not counted
        own = tab.session = children(server.pid)[0]  # the browser's, the only one so far

        async def phase(name: str) -> None:
            """The browser's presses, with the CPU its session spent on them (which a busy
            machine does not inflate, unlike the latency)."""
            cpu = cpu_seconds(own)
            latencies = await tab.measure(args.presses)
            result["phases"][name] = {
                "latency_ms": summary(latencies),
                "session_cpu_ms_per_press": round((cpu_seconds(own) - cpu) * 1000
                                                  / args.presses, 1),
                "load_average": round(os.getloadavg()[0], 2)}

        await phase("baseline")

        clients = await open_clients(f"http://127.0.0.1:{port}/ws?width=120&height=40",
                                     args.sessions - 1, http)
        sessions = children(server.pid)
        before = {pid: cpu_seconds(pid) for pid in sessions}
        start = time.monotonic()
        await phase("idle")
        idle_s = time.monotonic() - start
        cpu = [(cpu_seconds(pid) - before[pid]) / idle_s * 100 for pid in sessions]
        memory = [memory_kib(pid) for pid in sessions]
        result["idle_session"] = {
            "processes": len(sessions),
            **{f"{k}_mib": round(statistics.median(m[k] for m in memory) / 1024, 1)
               for k in ("rss", "pss", "uss")},
            "cpu_percent_of_a_core": round(statistics.median(cpu), 2),
            "server_rss_mib": round(memory_kib(server.pid)["rss"] / 1024, 1)}

        rng = random.Random(13)
        browsing = [asyncio.ensure_future(c.browse(args.think, rng)) for c in clients]
        await phase("busy")
        for task in browsing:
            task.cancel()
        result["phases"]["busy"]["sessions_latency_ms"] = summary(
            [x for c in clients for x in c.latencies] or [0.0])
        result["phases"]["busy"]["sessions_missed"] = sum(c.missed for c in clients)
        result["busy_qemus"] = sum(1 for pid in children_all(server.pid)
                                   if "qemu" in Path(f"/proc/{pid}/comm").read_text())
        for c in clients:
            await c.ws.close()
        await browser.close()
    base = result["phases"]["baseline"]["latency_ms"]["median"]
    for name in ("idle", "busy"):
        p = result["phases"][name]
        p["ratio_to_baseline"] = round(p["latency_ms"]["median"] / base, 2)
    return result


def children_all(pid: int) -> list[int]:
    """Every descendant of `pid`."""
    found, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        found += kids
        todo += kids
    return found


def report(r: dict) -> None:
    print(f"{r['sessions']} sessions of workbench serve on {r['cpus']} cores")
    print("key press to screen update in the browser (ms):")
    for name, p in r["phases"].items():
        lat = p["latency_ms"]
        ratio = f"  x{p['ratio_to_baseline']} of baseline" if "ratio_to_baseline" in p else ""
        print(f"  {name:9} median {lat['median']:6.1f}  p90 {lat['p90']:6.1f}  "
              f"max {lat['max']:6.1f}  (n={lat['n']}, session CPU "
              f"{p['session_cpu_ms_per_press']} ms a press, load {p['load_average']}){ratio}")
    s = r["phases"]["busy"]["sessions_latency_ms"]
    print(f"  busy: the other sessions boot hello at once, then switch screens every "
          f"{r['think_s'][0]:g}-{r['think_s'][1]:g} s")
    print(f"  busy, the websocket sessions' own presses: median {s['median']:.1f}  "
          f"p90 {s['p90']:.1f}  (n={s['n']}, not drawn within a minute: "
          f"{r['phases']['busy']['sessions_missed']}); QEMUs running at the end: "
          f"{r['busy_qemus']}")
    m = r["idle_session"]
    print(f"idle session ({m['processes']} processes): RSS {m['rss_mib']} MiB, "
          f"PSS {m['pss_mib']} MiB, USS {m['uss_mib']} MiB, "
          f"{m['cpu_percent_of_a_core']} % of a core; the server itself {m['server_rss_mib']} MiB")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20, help="sessions in all (default 20)")
    ap.add_argument("--presses", type=int, default=18, help="key presses a phase (default 18)")
    ap.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0), metavar=("MIN", "MAX"),
                    help="seconds a busy session reads a screen before the next (default 5 15)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is missing (WB_SETUP_TESTS=1 scripts/setup.sh installs it)")
    with tempfile.TemporaryDirectory(prefix="wb-serve-sessions-") as tmp:
        server, port = _start_server(Path(tmp), "hello",
                                     env={**os.environ, "WB_HOME": str(Path(tmp) / "home")})
        try:
            result = asyncio.run(run(port, server, args))
        finally:
            _stop(server, Path(tmp))  # Ctrl-C; anything left (none should be) is killed
    print(json.dumps(result, indent=2)) if args.json else report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
