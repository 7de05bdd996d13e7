"""The appliances under load, as a classroom loads them: clients that hold connections and send
nothing or a byte a second, a crowd arriving at once, a burst of junk, and nobody at all.

Smaller than `benchmarks/net.py`, and with generous bounds: these tests say that the server
stays reachable and cheap, the benchmark says how fast it is.
"""

from __future__ import annotations

import concurrent.futures
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import dns.exception
import dns.message
import dns.query
import pytest

from workbench.core.builder.pipeline import build_recipe
from workbench.core.run.appliance import Appliance
from workbench.core.run.hostsockets import widen
from workbench.core.run.passt import passt_path
from workbench.core.run.qemu import Forward

from .conftest import appliance_fixture, process_pids

pytestmark = pytest.mark.qemu


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    yield from appliance_fixture("httpd", [("tcp", 80)], tmp_path_factory)


# Both network back-ends where installed. TCP goes through user networking only: the passt
# Debian 12 ships crashes on the first forwarded TCP connection (see core/run/passt.py).
NETS = ["user"] + (["passt"] if passt_path() else [])


@pytest.fixture(scope="module")
def dns_image(tmp_path_factory):
    return build_recipe("dns", tmp_path_factory.mktemp("dns-load")).image


@pytest.fixture(scope="module", params=NETS)
def dns_server(request, dns_image):
    app = Appliance(dns_image, [("udp", 53)], net=request.param).start()
    try:
        yield app
    finally:
        app.stop()


def get(app, path="/", timeout=10.0) -> int:
    url = f"http://127.0.0.1:{app.port('tcp', 80)}{path}"
    with urllib.request.urlopen(url, timeout=timeout) as r:
        r.read()
        return r.status


def connect(app, timeout=10.0) -> socket.socket:
    return socket.create_connection(("127.0.0.1", app.port("tcp", 80)), timeout=timeout)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc/PID/stat."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the file)
    return ticks / os.sysconf("SC_CLK_TCK")


def qemu_pid(app) -> int:
    pids = process_pids(str(app.image), "qemu-system-x86_64")
    assert len(pids) == 1, pids
    return pids[0]


# --------------------------------------------------------------------------- lock-out

def test_idle_and_slowloris_clients_do_not_lock_others_out(web):
    idle = [connect(web) for _ in range(20)]
    slow = [connect(web) for _ in range(6)]
    stop = threading.Event()

    def trickle(s: socket.socket) -> None:
        request = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000
        for byte in request:
            if stop.wait(1.0):
                return
            try:
                s.send(bytes([byte]))
            except OSError:
                return  # the server gave up on us: that is the point

    threads = [threading.Thread(target=trickle, args=(s,), daemon=True) for s in slow]
    for t in threads:
        t.start()
    try:
        time.sleep(1.5)  # every hostile connection is established and silent by now
        t0 = time.monotonic()
        assert get(web, timeout=10) == 200
        assert time.monotonic() - t0 < 2.0
    finally:
        stop.set()
        for s in idle + slow:
            s.close()
        for t in threads:
            t.join(5)


def test_fifty_clients_at_once_are_all_answered(web):
    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(lambda _: get(web, timeout=30), range(50)))
    assert statuses == [200] * 50


def test_a_crowd_of_300_is_answered_within_30_s(web):
    """User networking listens on a forwarded port with a backlog of one: without the widened
    backlog (core/run/hostsockets.py) the kernel drops most of a crowd's SYNs and the clients
    wait for their retries (1, 3, 7, 15 s ...): 103 and 209 of 300 answered within 30 s on this
    machine under load. Widened, all were answered, the slowest after 0.07 s."""
    assert any("listen backlog" in note for note in web.network_notes), web.network_notes

    def one(_) -> float:
        t0 = time.monotonic()
        assert get(web, timeout=30) == 200
        return time.monotonic() - t0

    with concurrent.futures.ThreadPoolExecutor(300) as pool:
        times = sorted(pool.map(one, range(300)))
    assert len(times) == 300 and times[-1] < 30, f"median {times[150]:.2f} s, worst {times[-1]:.1f} s"


# --------------------------------------------------------------------------- the host sockets

HOLDER = """
import socket, sys
t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(1)  # as libslirp listens
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
print(t.getsockname()[1], u.getsockname()[1], flush=True)
for line in sys.stdin:  # "count": read what the UDP socket holds, say how many
    u.setblocking(False)
    n = 0
    while True:
        try:
            u.recv(100)
        except BlockingIOError:
            break
        n += 1
    print(n, flush=True)
"""


def test_widening_lifts_the_backlog_and_the_receive_buffer_of_another_process():
    """hostsockets.widen on a process that never accepts and reads only when asked, as a busy
    back-end: before, a third connection waits for a SYN retry and a burst of 1,000 datagrams
    overflows the receive buffer; after, 50 connections complete at once and 1,000 datagrams
    are all kept."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    conns: list[socket.socket] = []

    def connect_all(n: int) -> int:  # connections completed, each given less than a SYN retry
        for _ in range(n):
            try:
                conns.append(socket.create_connection(("127.0.0.1", tcp), timeout=0.9))
            except OSError:
                return len(conns)
        return len(conns)

    def kept(n: int) -> int:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for i in range(n):
                s.sendto(b"x" * 40, ("127.0.0.1", udp))
        holder.stdin.write("count\n")
        holder.stdin.flush()
        return int(holder.stdout.readline())

    try:
        tcp, udp = map(int, holder.stdout.readline().split())
        assert connect_all(10) < 10 and kept(1000) < 1000  # as the back-end opened them
        for c in conns:
            c.close()
        conns.clear()
        notes = widen(holder.pid, [Forward("tcp", tcp, 80), Forward("udp", udp, 53)])
        assert len(notes) == 2 and "listen backlog" in notes[0] and "receive buffer" in notes[1]
        assert connect_all(50) == 50 and kept(1000) == 1000
    finally:
        for c in conns:
            c.close()
        holder.kill()
        holder.wait()


# --------------------------------------------------------------------------- bursts

def host_udp_drops() -> int:
    """Datagrams this host dropped because a socket's receive buffer was full (all sockets)."""
    lines = [ln.split() for ln in open("/proc/net/snmp") if ln.startswith("Udp:")]
    return int(lines[1][lines[0].index("RcvbufErrors")])


def test_query_after_a_burst_of_junk_is_answered(dns_server):
    """Neither the guest's receive ring, nor its transmit path, nor QEMU's queue, nor the host
    socket in front of the back-end loses the query. That socket held about 256 datagrams, and a
    burst sent faster than the back-end read it overflowed there (Udp RcvbufErrors in
    /proc/net/snmp rose by the number lost); the run widens it (core/run/hostsockets.py)."""
    assert any("receive buffer" in note for note in dns_server.network_notes), \
        dns_server.network_notes
    port = dns_server.port("udp", 53)
    drops = host_udp_drops()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(400):
            s.sendto(b"\xff" * (12 + i % 40), ("127.0.0.1", port))
    q = dns.message.make_query("www.example.org", "A")
    try:
        r = dns.query.udp(q, "127.0.0.1", port=port, timeout=3)
    except dns.exception.Timeout:
        pytest.fail(f"no answer within 3 s ({dns_server.net} networking); the host dropped "
                    f"{host_udp_drops() - drops} datagrams meanwhile (all sockets)")
    assert r.answer


# --------------------------------------------------------------------------- idle cost

def idle_share(app) -> float:
    """The share of one host core QEMU used over 5 s while nobody talked to the appliance."""
    pid = qemu_pid(app)
    time.sleep(1.0)  # let earlier tests' connections finish and close
    before, t0 = cpu_seconds(pid), time.monotonic()
    time.sleep(5.0)
    return (cpu_seconds(pid) - before) / (time.monotonic() - t0)


def test_an_idle_dns_appliance_costs_almost_no_cpu(dns_server):
    share = idle_share(dns_server)
    assert share < 0.10, f"QEMU used {share:.0%} of a core while the appliance was idle"


def test_an_idle_web_appliance_costs_almost_no_cpu(web):
    share = idle_share(web)
    assert share < 0.10, f"QEMU used {share:.0%} of a core while the appliance was idle"
