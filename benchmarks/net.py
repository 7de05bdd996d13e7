"""Network appliance benchmark: throughput with requests in flight next to real servers, latency,
the CPU an idle appliance costs, a crowd, a burst — interrupts against polling.

    python benchmarks/net.py [--runs 3] [--seconds 5] [--idle-seconds 10] [--net user]
                             [--no-crowd] [--no-linux] [--json]

Each run boots the DNS and the web appliance (real QEMU, TCG, port forwards on 127.0.0.1) built
twice — `virtio-net` with `mode = "interrupt"` (the default) and `mode = "poll"` — and drives them
with the field's own load tools:

- DNS: `dnsperf` with 16 queries in flight (and with 1, for latency), next to NSD on the host,
  response rate limiting off (`rrl-ratelimit: 0`, else it drops most of a load test);
- HTTP: `wrk` with 16 keep-alive connections, next to nginx on the host;
- idle: the QEMU process's CPU time from /proc over `--idle-seconds` with nobody talking to it;
- burst: 400 malformed datagrams, then one good query (answered within 3 s or not), 5 times;
- crowd: 300 HTTP clients at once (each waits up to 30 s): how many were answered, median, worst;
- before and after: the crowd and the burst once more with the forwards' host sockets as the
  back-end opened them (a backlog of one, the default receive buffer; core/run/hostsockets.py);
- the Linux guest: NSD and nginx in a Linux guest on the same QEMU (the baseline's guest), the
  same dnsperf and wrk commands: the goals are DNS ≥ 2× NSD in the guest, HTTP ≥ its nginx.

Host servers are one process each with one worker (the appliance has one virtual CPU), measured in
the same run on the same machine; ratios compare against them. QEMU's software emulation makes
the appliances' absolute numbers a measure of the emulator as much as of the guest: compare
figures from one run, not across machines.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402

from workbench.core.baseline.guest import AnswerWatch, prepare_guest  # noqa: E402
from workbench.core.baseline.measure import Target  # noqa: E402
from workbench.core.builder.pipeline import build_recipe  # noqa: E402
from workbench.core.model.catalogue import load_catalogue  # noqa: E402
from workbench.core.model.errors import WorkbenchError  # noqa: E402
from workbench.core.model.recipe import find_recipe, load_recipe  # noqa: E402
from workbench.core.model.resolve import resolve  # noqa: E402
from workbench.core.run.appliance import Appliance, free_port  # noqa: E402

RECIPES = REPO / "kernels" / "recipes"
MODES = ("interrupt", "poll")
LINUX_READY_S = 180.0  # a Linux guest boots in seconds under emulation; a busy host slows it


# --------------------------------------------------------------------------- images

def recipe_with_mode(name: str, mode: str, folder: Path) -> Path:
    """A copy of a built-in recipe with virtio-net's mode set, its data paths made absolute."""
    text = (RECIPES / f"{name}.toml").read_text()
    text = re.sub(r'= "data/', f'= "{RECIPES}/data/', text)
    text = re.sub(r'^name = "[^"]*"', f'name = "{name}-{mode}"', text, count=1, flags=re.M)
    path = folder / f"{name}-{mode}.toml"
    path.write_text(text + f'\n[options.virtio-net]\nmode = "{mode}"\n')
    return path


def build_images(folder: Path, toolchain: str) -> dict:
    images, sizes = {}, {}
    for name in ("dns", "httpd"):
        for mode in MODES:
            built = build_recipe(str(recipe_with_mode(name, mode, folder)),
                                 folder / f"{name}-{mode}", toolchain)
            images[name, mode] = built.image
            sizes[f"{name}-{mode}"] = built.loadable_bytes
    return {"images": images, "loadable_bytes": sizes}


# --------------------------------------------------------------------------- load tools

def dnsperf(port: int, seconds: float, in_flight: int, folder: Path) -> dict:
    queries = folder / "queries.txt"
    queries.write_text("www.example.org A\nexample.org MX\nmail.example.org A\n")
    out = subprocess.run(
        ["dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", str(queries), "-q", str(in_flight),
         "-l", str(seconds), "-t", "1"],
        capture_output=True, text=True, timeout=seconds + 30).stdout

    def number(label: str) -> float:
        m = re.search(label + r":\s+([0-9.]+)", out)
        return float(m.group(1)) if m else float("nan")

    # dnsperf matches each response to its query by ID; only a NOERROR one is a right answer
    # here (every query asks for a name the zone has), so the rate counts only those
    return {"qps": number("Queries per second") * noerror_share(out), "lost": number("Queries lost"),
            "latency_ms": number(r"Average Latency \(s\)") * 1000}


def noerror_share(dnsperf_output: str) -> float:
    """The share of dnsperf's responses whose rcode was NOERROR ("Response codes: NOERROR 99
    (99.00%), SERVFAIL 1 (1.00%)"); 0 when it reports none."""
    m = re.search(r"Response codes:\s*(.*)", dnsperf_output)
    codes = dict(re.findall(r"([A-Z]+) (\d+)", m.group(1))) if m else {}
    total = sum(int(n) for n in codes.values())
    return int(codes.get("NOERROR", 0)) / total if total else 0.0


def wrk(port: int, seconds: float, connections: int = 16) -> dict:
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds:g}s",
         f"http://127.0.0.1:{port}/index.html"],
        capture_output=True, text=True, timeout=seconds + 30).stdout
    return {"rps": wrk_ok_rate(out), "errors": "; ".join(re.findall(
        r"Non-2xx or 3xx responses: \d+|Socket errors: .*", out))}


def wrk_ok_rate(wrk_output: str) -> float:
    """Answers with a 2xx or 3xx status per second: wrk's request count ("12345 requests in
    5.00s") less its "Non-2xx or 3xx responses", over the time; nan if it printed no count."""
    m = re.search(r"(\d+) requests in ([0-9.]+)(ms|s|m)\b", wrk_output)
    if not m:
        return float("nan")
    seconds = float(m.group(2)) * {"ms": 0.001, "s": 1.0, "m": 60.0}[m.group(3)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk_output)
    return (int(m.group(1)) - (int(bad.group(1)) if bad else 0)) / seconds


# --------------------------------------------------------------------------- host servers

class HostServer:
    """NSD or nginx on the host, on a free port of 127.0.0.1, one worker, stopped on exit."""

    def __init__(self, kind: str, folder: Path):
        self.kind, self.folder, self.port = kind, folder / kind, free_port("both")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        f, p = self.folder, self.port
        if self.kind == "nsd":
            (f / "nsd.conf").write_text(
                f"server:\n  ip-address: 127.0.0.1@{p}\n  port: {p}\n  server-count: 1\n"
                f'  username: ""\n  chroot: ""\n  zonesdir: "{f}"\n  pidfile: "{f}/nsd.pid"\n'
                f'  database: ""\n  zonelistfile: "{f}/zone.list"\n  xfrdfile: "{f}/xfrd.state"\n'
                f'  xfrdir: "{f}"\n  logfile: "{f}/nsd.log"\n  verbosity: 0\n  rrl-ratelimit: 0\n'
                "remote-control:\n  control-enable: no\n"
                f'zone:\n  name: example.org\n  zonefile: "{RECIPES}/data/example.zone"\n')
            return ["nsd", "-d", "-c", str(f / "nsd.conf")]
        for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (f / d).mkdir(exist_ok=True)
        (f / "nginx.conf").write_text(
            f'daemon off;\nmaster_process off;\nworker_processes 1;\npid "{f}/nginx.pid";\n'
            f'error_log "{f}/error.log";\nevents {{ worker_connections 1024; }}\n'
            f"http {{\n  access_log off;\n  client_body_temp_path {f}/body;\n"
            f"  proxy_temp_path {f}/proxy;\n  fastcgi_temp_path {f}/fastcgi;\n"
            f"  uwsgi_temp_path {f}/uwsgi;\n  scgi_temp_path {f}/scgi;\n"
            f"  server {{ listen 127.0.0.1:{p}; root {RECIPES}/data/site; }}\n}}\n")
        return ["nginx", "-c", str(f / "nginx.conf"), "-p", str(f)]

    def __enter__(self) -> "HostServer":
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(300):  # until it answers (at most 3 s)
            try:
                if self.kind == "nginx":
                    urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=0.2).read()
                else:
                    dns.query.udp(dns.message.make_query("example.org", "SOA"), "127.0.0.1",
                                  port=self.port, timeout=0.2)
                return self
            except (OSError, dns.exception.Timeout):
                time.sleep(0.01)
        raise WorkbenchError(f"{self.kind} on the host did not start", file=self.folder)

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()


def linux_guest_figures(seconds: float, folder: Path, net: str | None = None) -> dict:
    """The Linux guest: NSD and nginx in a Linux guest on the same QEMU machine — the baseline's
    guest (core/baseline: Debian's cloud kernel, the built-in recipe's zone or site in an
    initramfs, NSD's rate limiting off, one nginx worker) — booted through the same Appliance
    with the same back-end and loaded with the same dnsperf and wrk commands as the appliances.
    Returns {"dns_qps": ..., "http_rps": ...}."""
    out = {}
    for recipe, key in (("dns", "dns_qps"), ("httpd", "http_rps")):
        res = resolve(load_recipe(find_recipe(recipe)), load_catalogue())
        guest = prepare_guest(res)
        target = Target.linux(guest)
        proto, guest_port = guest.service.proto, guest.service.port
        app = Appliance(target.image, [(proto, guest_port)], machine=target.machine,
                        extra_args=list(target.extra_args), memory_mb=target.memory_mb, net=net)
        try:
            app.start(ready_timeout=LINUX_READY_S)
            port = app.port(proto, guest_port)
            # ready: its socket is open; the first answer is the moment it serves
            if AnswerWatch(res, proto, port, LINUX_READY_S).start(time.monotonic()).wait() is None:
                raise WorkbenchError(f"the Linux guest of {recipe} did not answer within "
                                     f"{LINUX_READY_S:g} s", key="linux guest")
            out[key] = dnsperf(port, seconds, 16, folder)["qps"] if proto == "udp" \
                else wrk(port, seconds)["rps"]
        finally:
            app.stop()
    return out


# --------------------------------------------------------------------------- appliance measures

def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_share(app: Appliance, seconds: float) -> float:
    """The share of one host core QEMU uses while nobody talks to the appliance."""
    time.sleep(0.5)
    before, t0 = cpu_seconds(app.pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(app.pid) - before) / (time.monotonic() - t0)


def burst_answered(port: int, trials: int = 5) -> int:
    answered = 0
    for _ in range(trials):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for i in range(400):
                s.sendto(b"\xff" * (12 + i % 40), ("127.0.0.1", port))
        query = dns.message.make_query("www.example.org", "A")
        try:  # dnspython takes only a reply with the query's ID; it must also be right
            reply = dns.query.udp(query, "127.0.0.1", port=port, timeout=3)
            answered += reply.id == query.id and reply.rcode() == dns.rcode.NOERROR \
                and any(r.rdtype == dns.rdatatype.A for r in reply.answer)
        except (dns.exception.Timeout, dns.exception.FormError):
            pass
        time.sleep(0.5)
    return answered


def crowd(port: int, clients: int = 300) -> dict:
    def one(_):
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as r:
                body = r.read()
                if r.status != 200 or not body:  # only a page counts as an answer
                    return None
            took = time.monotonic() - t0  # the timeout is per socket operation, not in all
            return took if took <= 30 else None
        except OSError:  # refused, reset, timed out, or an error status (HTTPError)
            return None

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        times = [t for t in pool.map(one, range(clients)) if t is not None]
    return {"answered": len(times), "median_s": statistics.median(times) if times else float("nan"),
            "max_s": max(times) if times else float("nan")}


def one_run(images: dict, args, folder: Path) -> dict:
    out = {}
    with HostServer("nsd", folder) as nsd:
        out["nsd_qps"] = dnsperf(nsd.port, args.seconds, 16, folder)["qps"]
    with HostServer("nginx", folder) as nginx:
        out["nginx_rps"] = wrk(nginx.port, args.seconds)["rps"]
    for mode in MODES:
        with Appliance(images["dns", mode], [("udp", 53)], net=args.net) as app:
            port = app.port("udp", 53)
            out[f"dns_{mode}_idle"] = idle_share(app, args.idle_seconds)
            out[f"dns_{mode}_qps16"] = dnsperf(port, args.seconds, 16, folder)["qps"]
            one = dnsperf(port, args.seconds, 1, folder)
            out[f"dns_{mode}_qps1"], out[f"dns_{mode}_latency_ms"] = one["qps"], one["latency_ms"]
            out[f"dns_{mode}_burst"] = burst_answered(port)
        with Appliance(images["httpd", mode], [("tcp", 80)], net=args.net) as app:
            port = app.port("tcp", 80)
            out[f"web_{mode}_idle"] = idle_share(app, args.idle_seconds)
            out[f"web_{mode}_rps16"] = wrk(port, args.seconds)["rps"]
        if args.crowd:  # on a fresh boot: after a wrk run the same crowd fares worse (README)
            with Appliance(images["httpd", mode], [("tcp", 80)], net=args.net) as app:
                c = crowd(app.port("tcp", 80))
                out.update({f"crowd_{mode}_{k}": v for k, v in c.items()})
    if args.crowd:  # before the fix: the forwards' host sockets as the back-end opened them
        narrow = {"net": args.net, "widen_forwards": False}
        with Appliance(images["httpd", "interrupt"], [("tcp", 80)], **narrow) as app:
            out.update({f"crowd_narrow_{k}": v for k, v in crowd(app.port("tcp", 80)).items()})
        with Appliance(images["dns", "interrupt"], [("udp", 53)], **narrow) as app:
            out["dns_narrow_burst"] = burst_answered(app.port("udp", 53))
    if args.linux:
        linux = linux_guest_figures(args.seconds, folder, args.net)
        out.update({f"linux_{k}": v for k, v in linux.items()})
    return out


# --------------------------------------------------------------------------- report

def table(m: dict, sizes: dict) -> list[tuple[str, str, str, str]]:
    rows = [("loadable bytes, DNS / web", f"{sizes['dns-interrupt']:,} / {sizes['httpd-interrupt']:,}",
             f"{sizes['dns-poll']:,} / {sizes['httpd-poll']:,}", "")]

    def pair(label, key, fmt, base=None, base_label="", ratio=True):
        i, p = m[key.format("interrupt")], m[key.format("poll")]
        if base:
            note = f"{base_label} {m[base]:{fmt}}: interrupt ×{i / m[base]:.2f}, poll ×{p / m[base]:.2f}"
        else:
            note = f"interrupt / poll ×{i / p:.2f}" if ratio and p else ""
        rows.append((label, f"{i:{fmt}}", f"{p:{fmt}}", note))

    pair("idle CPU, DNS (share of a core)", "dns_{}_idle", ".1%")
    pair("idle CPU, web (share of a core)", "web_{}_idle", ".1%")
    pair("DNS queries/s, 16 in flight (dnsperf)", "dns_{}_qps16", ",.0f", "nsd_qps", "NSD on the host")
    pair("DNS queries/s, 1 in flight", "dns_{}_qps1", ",.0f")
    pair("DNS latency, 1 in flight (ms)", "dns_{}_latency_ms", ".3f")
    pair("HTTP requests/s, 16 keep-alive (wrk)", "web_{}_rps16", ",.0f", "nginx_rps", "nginx on the host")
    pair("query answered after 400 junk datagrams (of 5)", "dns_{}_burst", ".0f", ratio=False)
    if "crowd_poll_answered" in m:
        rows.append(("300 clients at once: answered in 30 s, median, worst", *(
            f"{m[f'crowd_{k}_answered']:.0f}, {m[f'crowd_{k}_median_s']:.2f} s, "
            f"{m[f'crowd_{k}_max_s']:.1f} s" for k in MODES), ""))
    if "crowd_narrow_answered" in m:  # interrupt mode, host sockets not widened
        rows.append(("  the same, host sockets not widened", "{:.0f}, {:.2f} s, {:.1f} s".format(
            *(m[f"crowd_narrow_{k}"] for k in ("answered", "median_s", "max_s"))), "", ""))
        rows.append(("query after 400 junk datagrams, not widened", f"{m['dns_narrow_burst']:.0f}",
                     "", ""))
    if "linux_dns_qps" in m:  # the goals: DNS >= 2x NSD in the guest, HTTP >= its nginx
        pair("DNS q/s, 16 in flight, against a Linux guest", "dns_{}_qps16", ",.0f",
             "linux_dns_qps", "NSD in the guest (goal ×2)")
        pair("HTTP req/s, 16 keep-alive, against a Linux guest", "web_{}_rps16", ",.0f",
             "linux_http_rps", "nginx in the guest (goal ×1)")
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=5.0, help="load duration per measurement")
    ap.add_argument("--idle-seconds", type=float, default=10.0)
    ap.add_argument("--net", choices=["auto", "user", "passt"], default=None)
    ap.add_argument("--no-crowd", dest="crowd", action="store_false")
    ap.add_argument("--no-linux", dest="linux", action="store_false",
                    help="skip NSD and nginx in a Linux guest (it fetches Debian's kernel once)")
    ap.add_argument("--toolchain", default="zig", choices=["zig", "gcc"])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="wb-netbench-") as tmp:
            built = build_images(Path(tmp), args.toolchain)
            runs = [one_run(built["images"], args, Path(tmp)) for _ in range(args.runs)]
    except WorkbenchError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    medians = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    if args.json:
        print(json.dumps({"runs": runs, "median": medians,
                          "loadable_bytes": built["loadable_bytes"]}, indent=2))
        return 0
    rows = table(medians, built["loadable_bytes"])
    w = [max(len(r[i]) for r in rows) for i in range(3)]
    print(f"network appliances — medians of {args.runs} runs (QEMU TCG, --net "
          f"{args.net or 'auto'}); columns: interrupt, poll, baseline")
    for name, a, b, c in rows:
        print(f"  {name:<{w[0]}}  {a:>{w[1]}}  {b:>{w[2]}}  {c}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
