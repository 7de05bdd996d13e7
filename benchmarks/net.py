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

Baselines measured in the same run: the floor (QEMU booting a kernel that exits at once, as in
benchmarks/boot.py) for boot to ready, and minimal servers on the host itself for the loads — a
Python UDP socket that echoes each query back, and Python's http.server answering the same
paths — so the ratios say what the emulated guest costs next to a host process doing nothing.
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import dns.message  # noqa: E402

from workbench.core.build.pipeline import build_recipe  # noqa: E402
from workbench.core.model.errors import WorkbenchError  # noqa: E402
from workbench.core.run.appliance import Appliance  # noqa: E402

sys.path.insert(0, str(REPO / "benchmarks"))
from boot import build_floor  # noqa: E402


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


class _EchoUDP(threading.Thread):
    """The DNS baseline: answers each datagram with itself, as fast as Python can."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.running = True

    def run(self) -> None:
        while self.running:
            try:
                data, peer = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            self.sock.sendto(data, peer)

    def close(self) -> None:
        self.running = False
        self.join(1)
        self.sock.close()


def _baseline_http_server() -> http.server.ThreadingHTTPServer:
    """The HTTP baseline: Python's http.server with keep-alive, same paths and sizes."""
    index = (REPO / "kernels" / "recipes" / "data" / "site" / "index.html").read_bytes()
    big = bytes(1 << 20)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs (40 ms)

        def do_GET(self):  # noqa: N802 (http.server's naming)
            body = index if self.path == "/index.html" else big
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def baseline_run(floor: Path, seconds: float) -> dict:
    from workbench.core.run.qemu import boot_image_sync

    out = {"floor_ms": boot_image_sync(floor, timeout=10).duration_ms}
    echo = _EchoUDP()
    echo.start()
    try:
        out.update({f"base_dns_{k}": v for k, v in dns_load(echo.port, seconds).items()})
    finally:
        echo.close()
    server = _baseline_http_server()
    try:
        out.update({f"base_http_{k}": v
                    for k, v in http_load(server.server_address[1], seconds).items()})
    finally:
        server.shutdown()
        server.server_close()
    return out


def one_run(images: dict, seconds: float) -> dict:
    out = baseline_run(images["floor"], seconds)
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
            images["floor"] = build_floor(Path(tmp) / "floor", args.toolchain)
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
    m = medians
    rows = [
        ("DNS image, loadable bytes", f"{built['dns'].loadable_bytes:,}", ""),
        ("HTTP image, loadable bytes (1 MiB of it is the site)",
         f"{built['httpd'].loadable_bytes:,}", ""),
        ("DNS boot to ready (floor)", f"{m['dns_ready_ms']:.1f} ms",
         f"{m['floor_ms']:.1f} ms  ×{m['dns_ready_ms'] / m['floor_ms']:.2f}"),
        ("HTTP boot to ready (floor)", f"{m['httpd_ready_ms']:.1f} ms",
         f"{m['floor_ms']:.1f} ms  ×{m['httpd_ready_ms'] / m['floor_ms']:.2f}"),
        ("DNS queries/s, one in flight (host UDP echo)", f"{m['dns_qps']:.0f}",
         f"{m['base_dns_qps']:.0f}  ×{m['dns_qps'] / m['base_dns_qps']:.2f}"),
        ("DNS latency p50 / p99 (host UDP echo)",
         f"{m['dns_p50_ms']:.3f} / {m['dns_p99_ms']:.3f} ms",
         f"{m['base_dns_p50_ms']:.3f} / {m['base_dns_p99_ms']:.3f} ms"),
        ("DNS queries lost", f"{m['dns_lost']:.0f}", ""),
        ("HTTP requests/s, keep-alive (host http.server)", f"{m['http_rps']:.0f}",
         f"{m['base_http_rps']:.0f}  ×{m['http_rps'] / m['base_http_rps']:.2f}"),
        ("HTTP 1 MiB download (host http.server)", f"{m['http_mib_per_s']:.1f} MiB/s",
         f"{m['base_http_mib_per_s']:.1f} MiB/s"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"network appliances — medians of {args.runs} runs ({args.toolchain}, QEMU TCG); "
          "baseline in the last column")
    for name, value, base in rows:
        print(f"  {name:<{width}}  {value:>22}  {base}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
