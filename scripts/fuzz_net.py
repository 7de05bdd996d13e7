"""A longer fuzzing session against the network appliances (not part of the test suite).

    python scripts/fuzz_net.py [--minutes 5] [--seed N] [--target dns|httpd|raw-dns|raw-httpd|all]

Uses the same junk generators as tests/test_net_robustness.py, with fresh seeds, for as long
as asked. After every batch it checks that the appliance still answers a valid request; the
first batch after which it does not is printed with its seed, so it can be replayed:

    python scripts/fuzz_net.py --target raw-dns --seed 12345 --minutes 0.1
"""

from __future__ import annotations

import argparse
import random
import socket
import struct
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests import rawnet  # noqa: E402
from tests.test_net_robustness import (  # noqa: E402
    dns_frame,
    is_dns_reply,
    is_echo_reply,
    malformed_datagrams,
    malformed_frames,
)
from workbench.core.builder.pipeline import build_recipe  # noqa: E402
from workbench.core.run.appliance import Appliance  # noqa: E402

BATCH = 500


def dns_alive(port: int) -> bool:
    q = struct.pack("!HHHHHH", 0x7777, 0, 1, 0, 0, 0) + b"\x03www\x07example\x03org\x00\x00\x01\x00\x01"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1.0)
        for _ in range(3):
            s.sendto(q, ("127.0.0.1", port))
            try:
                while True:
                    r = s.recv(4096)
                    if r[:2] == b"\x77\x77":
                        return True
            except socket.timeout:
                continue
    return False


def http_alive(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"GET / HTTP/1.0\r\n\r\n")
            return s.recv(12).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def fuzz_dns(app: Appliance, rng: random.Random) -> None:
    port = app.port("udp", 53)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setblocking(False)
        for i, d in enumerate(malformed_datagrams(rng, BATCH)):
            s.sendto(d, ("127.0.0.1", port))
            if i % 50 == 49:
                time.sleep(0.003)


def fuzz_http(app: Appliance, rng: random.Random) -> None:
    port = app.port("tcp", 80)
    for _ in range(BATCH // 25):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
                s.sendall(rng.choice([rng.randbytes(rng.randrange(1, 4000)),
                                      b"GET /" + rng.randbytes(rng.randrange(0, 300)) + b" HTTP/1.1\r\n\r\n",
                                      b"GET / HTTP/1.1\r\nHost: x\r\n" * rng.randrange(1, 200)]))
                if rng.random() < 0.5:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass


def fuzz_raw(link: rawnet.RawLink, rng: random.Random) -> None:
    for i, f in enumerate(malformed_frames(rng, BATCH)):
        link.send(f)
        if i % 64 == 63:
            link.drain(0.002)
    link.drain(0.2)


def raw_alive(link: rawnet.RawLink, web: bool, seq: int) -> bool:
    link.send(rawnet.eth(rawnet.ipv4(rawnet.icmp_echo(3, seq & 0xFFFF), 1)))
    if link.expect(is_echo_reply(seq & 0xFFFF), 2.0) is None:
        return False
    if web:
        return True
    link.send(dns_frame(seq & 0xFFFF))
    return link.expect(is_dns_reply(seq & 0xFFFF), 2.0) is not None


def session(target: str, images: dict, seed: int, minutes: float) -> bool:
    raw = target.startswith("raw-")
    kind = target.removeprefix("raw-")
    link = rawnet.RawLink() if raw else None
    forwards = [] if raw else [("udp", 53)] if kind == "dns" else [("tcp", 80)]
    app = Appliance(images[kind], forwards, extra_args=link.qemu_args() if link else None)
    app.start()
    batches = 0
    try:
        if link:
            link.drain(0.3)
        end = time.monotonic() + minutes * 60
        while time.monotonic() < end:
            batch_seed = seed + batches
            rng = random.Random(batch_seed)
            if raw:
                fuzz_raw(link, rng)
                ok = raw_alive(link, kind == "httpd", batch_seed)
            elif kind == "dns":
                fuzz_dns(app, rng)
                ok = dns_alive(app.port("udp", 53))
            else:
                fuzz_http(app, rng)
                ok = http_alive(app.port("tcp", 80))
            batches += 1
            if not ok:
                print(f"{target}: NOT ANSWERING after batch seed {batch_seed} "
                      f"({batches} batches of {BATCH})")
                return False
        print(f"{target}: still answering after {batches} batches of {BATCH} ({seed=})")
        return True
    finally:
        result = app.stop()
        if link:
            link.close()
        if result is not None and result.panic:
            print(f"{target}: panic {result.panic}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=5.0, help="per target")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--target", default="all",
                    choices=["dns", "httpd", "raw-dns", "raw-httpd", "all"])
    args = ap.parse_args(argv)
    targets = ["dns", "httpd", "raw-dns", "raw-httpd"] if args.target == "all" else [args.target]
    with tempfile.TemporaryDirectory(prefix="wb-fuzz-") as tmp:
        images = {n: build_recipe(n, Path(tmp) / n).image for n in ("dns", "httpd")}
        ok = all([session(t, images, args.seed, args.minutes) for t in targets])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
