"""The paper's table on this machine: a recipe as a unikernel and as a Linux guest, side by side.

Both systems boot on the same QEMU machine with the same forwards and are asked the same
questions by the same clients. Runs are interleaved (unikernel, Linux, unikernel, …) so a busy
neighbour slows both alike; every timed figure is the median of the runs.

- **image bytes** — the unikernel's image file against the Linux kernel plus its initramfs;
- **guest memory** — the least `-m` (MiB) with which the guest still answers a client
  (searched by bisection, once per system; hello: still prints and exits with success);
- **ready** — QEMU's start to the first answer to a real client (DNS query, HTTP GET). Both
  systems write a `ready` record once their socket is open; the clients ask from that moment
  on, so ready = that record's time plus the wait for the first answer (hello: the record);
- **QEMU peak RSS** — the host memory QEMU's process touched (VmHWM), after the load;
- **throughput** — DNS queries/s with 16 in flight (dnsperf), HTTP requests/s with 16
  keep-alive connections (wrk);
- **idle CPU** — host CPU time QEMU used over one second with no requests, in percent of a core.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.baseline.guest import AnswerWatch, LinuxGuest, prepare_guest
from workbench.core.builder.generators.zonefile import parse_zone
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.resolve import Resolution
from workbench.core.run.appliance import Appliance
from workbench.core.run.measure import MeasureCancelled, _Steps  # noqa: F401 (re-exported)
from workbench.core.run.qemu import boot_image_sync
from workbench.i18n import N_, _

SYSTEMS = ("unikernel", "linux")
KEYS = ("image_bytes", "memory_mib", "ready_ms", "rss_mib", "throughput_per_s", "idle_cpu_pct")
LOAD_SECONDS = 3.0
IDLE_SECONDS = 1.0
IN_FLIGHT = 16
# Where the memory search starts and stops (MiB), and how fine it gets.
MEMORY_SEARCH = {"unikernel": (1, 128, 1), "linux": (16, 512, 8)}

# How each measure is shown: key, label, unit, what a ratio above 1 means.
ROWS = (  # the words are shown through _()
    ("image_bytes", N_("image files"), "B", N_("smaller")),
    ("memory_mib", N_("least guest memory"), "MiB", N_("less memory")),
    ("ready_ms", N_("boot to first answer"), "ms", N_("sooner")),
    ("rss_mib", N_("QEMU peak RSS"), "MiB", N_("less host memory")),
    ("throughput_per_s", N_("answers, 16 in flight"), "/s", N_("more answers")),
    ("idle_cpu_pct", N_("idle CPU"), "% of a core", N_("less CPU when idle")),
)

# The paper's own figures (Madhavapeddy et al., ASPLOS 2013) for its DNS appliance, as its
# evaluation states them: unikernel vs Linux.
PAPER = {
    "image_bytes": N_("184 KB (449 KB before dead-code elimination) vs a 450 MB BIND VM"),
    "memory_mib": N_("a fraction of Linux's"),
    "ready_ms": N_("tens of ms vs hundreds of ms"),
    "rss_mib": "",
    "throughput_per_s": N_("on par with or above BIND and NSD"),
    "idle_cpu_pct": "",
}


def figure(value: float | None, unit: str = "") -> str:
    """A measured value as the tables show it: whole numbers from 100 up, one decimal below."""
    if value is None:
        return "—"
    shown = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"
    return f"{shown} {unit}" if unit else shown


@dataclass
class SystemFigures:
    """One system's samples; `to_dict` gives the medians."""

    name: str
    image_bytes: int = 0
    memory_mib: int | None = None
    samples: dict[str, list[float]] = field(
        default_factory=lambda: {k: [] for k in ("ready_ms", "rss_mib", "throughput_per_s",
                                                 "idle_cpu_pct")})

    def median(self, key: str) -> float | None:
        if key == "image_bytes":
            return self.image_bytes
        if key == "memory_mib":
            return self.memory_mib
        values = self.samples.get(key) or []
        return round(statistics.median(values), 3) if values else None

    def to_dict(self) -> dict:
        return {k: self.median(k) for k in KEYS}


@dataclass
class Baseline:
    recipe: str
    application: str
    runs: int
    systems: dict[str, SystemFigures]
    machine: str = "microvm"

    def ratios(self) -> dict[str, float | None]:
        """How many times the unikernel does better: Linux over unikernel for sizes, memory
        and times; unikernel over Linux for throughput."""
        out = {}
        for key in KEYS:
            u, lx = self.systems["unikernel"].median(key), self.systems["linux"].median(key)
            if not u or not lx:
                out[key] = None
            elif key == "throughput_per_s":
                out[key] = round(u / lx, 3)
            else:
                out[key] = round(lx / u, 3)
        return out

    def to_dict(self) -> dict:
        return {"recipe": self.recipe, "application": self.application, "runs": self.runs,
                "machine": self.machine,
                **{name: self.systems[name].to_dict() for name in SYSTEMS},
                "ratios": self.ratios(), "paper": dict(PAPER),
                "samples": {name: self.systems[name].samples for name in SYSTEMS}}


# --------------------------------------------------------------------------- the host's view

def _proc_cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks


def idle_cpu_pct(pid: int, seconds: float = IDLE_SECONDS) -> float:
    """Percent of one host core QEMU used while nobody asked the guest anything."""
    import os

    hz = os.sysconf("SC_CLK_TCK")
    before, t0 = _proc_cpu_ticks(pid), time.monotonic()
    time.sleep(seconds)
    used = (_proc_cpu_ticks(pid) - before) / hz
    return 100.0 * used / (time.monotonic() - t0)


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


# --------------------------------------------------------------------------- load

def _load_tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise WorkbenchError(_("{name} is not installed: the baseline measures throughput with "
                               "it").format(name=name),
                             key="baseline", hint=f"sudo apt-get install {package}")
    return found


def dns_queries(res: Resolution) -> str:
    """dnsperf's input: one question per record of the recipe's zone."""
    path = res.recipe.resolve_path(str(res.options.get("dns", {}).get("zone", "")))
    zone = parse_zone(path.read_text(), path)
    lines = sorted({f"{r.owner} {r.type}" for r in zone.records})
    return "\n".join(lines) + "\n"


def throughput(res: Resolution, proto: str, port: int, seconds: float = LOAD_SECONDS) -> float:
    """Answers per second with IN_FLIGHT requests outstanding."""
    if proto == "udp":
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
            f.write(dns_queries(res))
            f.flush()
            cmd = [_load_tool("dnsperf", "dnsperf"), "-s", "127.0.0.1", "-p", str(port),
                   "-d", f.name, "-l", f"{seconds:g}", "-q", str(IN_FLIGHT), "-c", "1", "-t", "1"]
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30).stdout
        pattern = r"Queries per second:\s+([\d.]+)"
    else:
        cmd = [_load_tool("wrk", "wrk"), "-t1", f"-c{IN_FLIGHT}", f"-d{seconds:g}s",
               f"http://127.0.0.1:{port}/"]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30).stdout
        pattern = r"Requests/sec:\s+([\d.]+)"
    m = re.search(pattern, out)
    return float(m.group(1)) if m else 0.0


# --------------------------------------------------------------------------- one boot of one system

@dataclass(frozen=True)
class Target:
    """What QEMU boots for one system: the image (a unikernel, or Linux's kernel) and flags."""

    name: str
    image: Path
    machine: str
    image_bytes: int
    extra_args: tuple[str, ...] = ()
    memory_mb: int = 128

    @classmethod
    def linux(cls, guest: LinuxGuest) -> "Target":
        return cls("linux", guest.kernel, guest.machine, guest.image_bytes,
                   tuple(guest.qemu_args()), guest.memory_mb)


def _service(res: Resolution) -> tuple[str, int] | None:
    """(proto, guest port) of the recipe's service; None for a program that just runs."""
    opts = res.options.get(res.recipe.application, {})
    if "netdev" not in res.providers:
        return None
    return ("udp" if "zone" in opts else "tcp"), int(opts.get("port", 0))


def session(res: Resolution, target: Target, memory_mb: int, timeout: float,
            full: bool = True) -> dict[str, float] | None:
    """Boot `target` once with `memory_mb`; its figures, or None if it did not serve.

    `full=False` only checks that it serves (the memory search)."""
    service = _service(res)
    if service is None:
        run = boot_image_sync(target.image, machine=target.machine, timeout=timeout,
                              memory_mb=memory_mb, extra_args=list(target.extra_args))
        ok = run.status == "success" and run.ready_ms is not None
        return {"ready_ms": run.ready_ms} if ok else None
    proto, port = service
    app = Appliance(target.image, [service], machine=target.machine, watchdog=timeout + 60,
                    extra_args=list(target.extra_args), memory_mb=memory_mb)
    try:
        try:
            app.start(ready_timeout=timeout)
        except WorkbenchError:
            return None
        seen = time.monotonic()
        watch = AnswerWatch(res, proto, app.port(proto, port), timeout)
        answered = watch.start(seen, app.ready_ms or 0.0).wait(timeout)
        if answered is None or not full:
            return None if answered is None else {"ready_ms": answered}
        pid = app.pid
        figures = {"ready_ms": answered, "idle_cpu_pct": idle_cpu_pct(pid)}
        figures["throughput_per_s"] = throughput(res, proto, app.port(proto, port))
        figures["rss_mib"] = peak_rss_mib(pid)
        return figures
    finally:
        app.stop()


def least_memory(res: Resolution, target: Target, timeout: float) -> int | None:
    """The least guest memory (MiB) with which `target` still serves, by bisection."""
    lo, hi, step = MEMORY_SEARCH[target.name]
    if session(res, target, hi, timeout, full=False) is None:
        return None
    while hi - lo > step:
        mid = max(lo + step, (lo + hi) // 2 // step * step)
        if mid >= hi:
            break
        if session(res, target, mid, timeout, full=False) is not None:
            hi = mid
        else:
            lo = mid
    return hi


# --------------------------------------------------------------------------- the whole table

def measure_baseline(res: Resolution, unikernel: Path, guest: LinuxGuest, runs: int = 3,
                     timeout: float = 120.0, memory_search: bool = True,
                     on_progress=None, cancelled=None) -> Baseline:
    """Both systems, `runs` times each, interleaved; then the memory search for each."""
    if runs < 1:
        raise WorkbenchError(_("the baseline needs at least one run"), key="--runs")
    targets = {"unikernel": Target("unikernel", Path(unikernel), res.recipe.machine,
                                   Path(unikernel).stat().st_size),
               "linux": Target.linux(guest)}
    step = _Steps(runs * len(SYSTEMS) + (len(SYSTEMS) if memory_search else 0),
                  on_progress, cancelled)
    result = Baseline(res.recipe.name, res.recipe.application, runs,
                      {name: SystemFigures(name, t.image_bytes) for name, t in targets.items()},
                      res.recipe.machine)
    for i in range(runs):
        for name, target in targets.items():
            step(_("{system}: boot, idle and load ({run}/{runs})").format(
                system=name, run=i + 1, runs=runs))
            figures = session(res, target, target.memory_mb, timeout)
            if figures is None:
                raise WorkbenchError(_("the {system} guest of {recipe} did not answer within "
                                       "{seconds} s").format(system=name, recipe=res.recipe.name,
                                                             seconds=f"{timeout:g}"),
                                     key="baseline",
                                     hint=_("try a longer --timeout (a busy host slows emulation)"))
            for key, value in figures.items():
                result.systems[name].samples[key].append(value)
    if memory_search:
        for name, target in targets.items():
            step(_("{system}: searching the least guest memory").format(system=name))
            ready_s = (result.systems[name].median("ready_ms") or 1000.0) / 1000.0
            result.systems[name].memory_mib = least_memory(
                res, target, min(timeout, max(10.0, 4 * ready_s)))
    if on_progress:
        on_progress("done", step.total, step.total)
    return result


def measure_recipe(res: Resolution, out: Path | None = None, toolchain: str = "zig",
                   runs: int = 3, kernel: str | None = None, initrd: str | None = None,
                   timeout: float = 120.0, memory_search: bool = True,
                   on_progress=None, cancelled=None) -> Baseline:
    """Build the recipe, prepare its Linux guest and measure both (the CLI's and the UI's
    way in). Progress before the measurement itself is reported with step 0."""
    from workbench.core.builder.pipeline import build  # the build machinery, when it is needed

    def say(what: str) -> None:
        if cancelled and cancelled():
            raise MeasureCancelled(what)
        if on_progress:
            on_progress(what, 0, 1)

    if runs < 1:  # said before anything is fetched or built
        raise WorkbenchError(_("the baseline needs at least one run"), key="--runs")
    guest = prepare_guest(res, kernel, initrd, on_progress=say)
    say(_("building {recipe}").format(recipe=res.recipe.name))
    built = build(res, out, toolchain)
    return measure_baseline(res, built.image, guest, runs=runs, timeout=timeout,
                            memory_search=memory_search, on_progress=on_progress,
                            cancelled=cancelled)
