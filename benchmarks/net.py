"""Network appliance benchmark: DNS queries per second and latency, HTTP requests per second,
boot to ready, image size. Medians over several boots; prints a table, or JSON with --json.

    python benchmarks/net.py [--runs 3] [--seconds 2] [--json]

Each run boots the DNS and the web appliance once (real QEMU, user-mode networking, port
forwards on 127.0.0.1) and drives them with real clients from this process: a dnspython-built
query over a plain UDP socket, one query in flight at a time (so latency is the round trip
through QEMU's network back-end and the guest), and keep-alive HTTP/1.1 requests over
http.client, plus one 1 MiB download. QEMU runs with TCG (no KVM), as everywhere in the
workbench, so absolute numbers measure the emulator as much as the guest: compare runs on the
same machine, not numbers across machines.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import dns.message  # noqa: E402

from workbench.core.appliance import Appliance  # noqa: E402
from workbench.core.build import build_recipe  # noqa: E402
from workbench.core.errors import WorkbenchError  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def dns_load(port: int, seconds: float) -> dict:
    wire = dns.message.make_query("www.example.org.", "A").to_wire()
    latencies = []
    lost = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1.0)
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            t = time.perf_counter()
            s.sendto(wire, ("127.0.0.1", port))
            try:
                s.recv(2048)
            except socket.timeout:
                lost += 1
                continue
            latencies.append((time.perf_counter() - t) * 1000)
    return {"qps": len(latencies) / seconds, "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99), "lost": lost}


def http_load(port: int, seconds: float) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    count = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        conn.request("GET", "/index.html")
        conn.getresponse().read()
        count += 1
    t = time.perf_counter()
    conn.request("GET", "/files/random-1m.bin")
    size = len(conn.getresponse().read())
    big_s = time.perf_counter() - t
    conn.close()
    return {"rps": count / seconds, "mib_per_s": size / (1 << 20) / big_s}


def one_run(images: dict, seconds: float) -> dict:
    out = {}
    with Appliance(images["dns"], [("udp", 53)]) as app:
        out["dns_ready_ms"] = app.ready_ms
        out.update({f"dns_{k}": v for k, v in dns_load(app.port("udp", 53), seconds).items()})
    with Appliance(images["httpd"], [("tcp", 80)]) as app:
        out["httpd_ready_ms"] = app.ready_ms
        out.update({f"http_{k}": v for k, v in http_load(app.port("tcp", 80), seconds).items()})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=2.0, help="load duration per measurement")
    ap.add_argument("--toolchain", default="zig", choices=["zig", "gcc"])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="wb-netbench-") as tmp:
            built = {n: build_recipe(n, Path(tmp) / n, args.toolchain) for n in ("dns", "httpd")}
            images = {n: b.image for n, b in built.items()}
            runs = [one_run(images, args.seconds) for _ in range(args.runs)]
    except WorkbenchError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    keys = runs[0].keys()
    medians = {k: statistics.median(r[k] for r in runs if r[k] is not None) for k in keys}
    report = {
        "runs": args.runs, "seconds": args.seconds, "toolchain": args.toolchain,
        "loadable_bytes": {n: b.loadable_bytes for n, b in built.items()},
        "median": medians, "all": runs,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    rows = [
        ("DNS image, loadable bytes", f"{built['dns'].loadable_bytes:,}"),
        ("HTTP image, loadable bytes (1 MiB of it is the site)", f"{built['httpd'].loadable_bytes:,}"),
        ("DNS boot to ready", f"{medians['dns_ready_ms']:.1f} ms"),
        ("HTTP boot to ready", f"{medians['httpd_ready_ms']:.1f} ms"),
        ("DNS queries/s (one in flight)", f"{medians['dns_qps']:.0f}"),
        ("DNS latency p50 / p99", f"{medians['dns_p50_ms']:.3f} / {medians['dns_p99_ms']:.3f} ms"),
        ("DNS queries lost", f"{medians['dns_lost']:.0f}"),
        ("HTTP requests/s (keep-alive, index.html)", f"{medians['http_rps']:.0f}"),
        ("HTTP 1 MiB download", f"{medians['http_mib_per_s']:.1f} MiB/s"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"network appliances — medians of {args.runs} runs ({args.toolchain}, QEMU TCG)")
    for name, value in rows:
        print(f"  {name:<{width}}  {value:>16}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
