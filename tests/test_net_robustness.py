"""Thousands of malformed messages, then the appliances must still answer correctly.

Two ways in:
- through the forwarded ports, as any client on the host could: malformed DNS datagrams
  (truncated headers, wrong counts, compression-pointer loops, oversized labels, random bytes)
  and broken HTTP streams (garbage, truncated requests, oversized headers, resets);
- as raw Ethernet frames through QEMU's socket network back-end (see rawnet.py), which reaches
  the layers a port forward cannot: runts, truncated or lying IP headers, bad checksums at
  every layer, fragments, malformed TCP headers. Frames that fail a check must get no answer.

Every stream of junk is generated from a fixed seed, so a failure can be replayed.
"""

from __future__ import annotations

import hashlib
import random
import socket
import struct
import time

import dns.message
import dns.query
import dns.rcode
import pytest

from workbench.core.builder.generators.site import collect_site
from workbench.core.builder.pipeline import build_recipe
from workbench.core.run.appliance import Appliance

from . import rawnet
from .conftest import RECIPES

pytestmark = pytest.mark.qemu

DNS_PORT = 53
BIG = "/files/random-1m.bin"


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    out = tmp_path_factory.mktemp("robust")
    return {name: build_recipe(name, out / name).image for name in ("dns", "httpd")}


@pytest.fixture(scope="module")
def dns_server(images):
    app = Appliance(images["dns"], [("udp", DNS_PORT)]).start()
    try:
        yield app
    finally:
        app.stop()


@pytest.fixture(scope="module")
def web_server(images):
    app = Appliance(images["httpd"], [("tcp", 80)]).start()
    try:
        yield app
    finally:
        app.stop()


# --------------------------------------------------------------------------- DNS datagrams

def query(name=b"\x03www\x07example\x03org\x00", qtype=1, ident=0x1234, flags=0, counts=(1, 0, 0, 0),
          tail=b""):
    return struct.pack("!HHHHHH", ident, flags, *counts) + name + struct.pack("!HH", qtype, 1) + tail


def malformed_datagrams(rng: random.Random, n: int) -> list[bytes]:
    valid = query()
    makers = [
        lambda: rng.randbytes(rng.randrange(0, 600)),                       # random bytes
        lambda: valid[:rng.randrange(0, len(valid))],                       # truncated
        lambda: query(counts=(rng.choice([0, 2, 65535]), rng.randrange(65536), 0, 0)),
        lambda: query(name=b"\xc0\x0c"),                                    # points at itself
        lambda: query(name=b"\x01a\xc0\x0e"),                               # points forwards
        lambda: query(name=b"\x01a\xc0\x0c"),                               # loop via label
        lambda: query(name=b"\xc0" + bytes([rng.randrange(256)])),          # anywhere
        lambda: query(name=bytes([rng.randrange(64, 192)]) + b"x" * 70 + b"\x00"),  # bad label
        lambda: query(name=b"\x3f" + b"a" * 63 + b"\x3f" + b"b" * 63 + b"\x3f" + b"c" * 63
                      + b"\x3f" + b"d" * 63 + b"\x00"),                     # 257-byte name
        lambda: query(counts=(1, 0, 0, rng.randrange(1, 5)),                # lying ARCOUNT
                      tail=rng.randbytes(rng.randrange(0, 30))),
        lambda: query(counts=(1, 0, 0, 2), tail=(b"\x00\x00\x29\x04\xd0" + b"\x00" * 6) * 2),
        lambda: query(flags=0x8000),                                        # a response
        lambda: bytes(b ^ (1 << rng.randrange(8)) if rng.random() < 0.05 else b for b in valid),
    ]
    return [rng.choice(makers)() for _ in range(n)]


def exchange(port: int, data: bytes, timeout: float = 2.0) -> bytes | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        for _ in range(3):
            s.sendto(data, ("127.0.0.1", port))
            try:
                return s.recv(4096)
            except socket.timeout:
                continue
    return None


@pytest.mark.parametrize("name,what", [
    (b"\xc0\x0c", "pointer to itself"),
    (b"\x01a\xc0\x0c", "pointer loop"),
    (b"\x01a\xc0\x10", "forward pointer"),
    (b"\x40" + b"x" * 64 + b"\x00", "64-byte label"),
    (b"\x3f" + b"a" * 63 + b"\x3f" + b"b" * 63 + b"\x3f" + b"c" * 63 + b"\x3f" + b"d" * 63 + b"\x00",
     "name over 255 bytes"),
    (b"\x03www\x07exam", "truncated name"),
])
def test_malformed_names_get_formerr(dns_server, name, what):
    reply = exchange(dns_server.port("udp", DNS_PORT), query(name=name, ident=0xBEEF))
    assert reply is not None, what
    ident, flags, qd = struct.unpack("!HHH", reply[:6])
    assert ident == 0xBEEF and flags & 0x8000 and flags & 0xF == dns.rcode.FORMERR, what
    assert qd == 0


def test_responses_and_runts_get_no_answer(dns_server):
    """No answer to each — and a valid query right after it is answered, so the silence was
    the server's choice, not a dead server."""
    port = dns_server.port("udp", DNS_PORT)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        for n, data in enumerate((query(flags=0x8000), b"\x12\x34\x01", b"")):
            s.sendto(data, ("127.0.0.1", port))
            with pytest.raises(socket.timeout):
                s.recv(4096)
            s.sendto(query(ident=0x7100 + n), ("127.0.0.1", port))
            s.settimeout(3)
            ident, flags = struct.unpack("!HH", s.recv(4096)[:4])
            assert ident == 0x7100 + n and flags & 0x8000 and flags & 0xF == dns.rcode.NOERROR
            s.settimeout(0.5)


def test_dns_survives_a_flood_of_junk(dns_server):
    port = dns_server.port("udp", DNS_PORT)
    junk = malformed_datagrams(random.Random(53), 3000)
    replies = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setblocking(False)
        for i, d in enumerate(junk):
            s.sendto(d, ("127.0.0.1", port))
            if i % 50 == 49:
                time.sleep(0.003)  # a fast client, not a socket-buffer overflow on the host
            try:
                while True:
                    replies.append(s.recv(4096))
            except BlockingIOError:
                pass
        # then a valid query of its own ID: the server answers in order, so once its answer is
        # here every junk reply is too (or, if it is lost, the line stays quiet for 3 s)
        marker = query(ident=0x5EED, qtype=16)
        s.sendto(marker, ("127.0.0.1", port))
        s.settimeout(3)
        try:
            while (r := s.recv(4096))[:2] != marker[:2] or r[12:len(marker)] != marker[12:]:
                replies.append(r)
        except socket.timeout:
            pass
    assert replies, "malformed queries with a header still get FORMERR answers"
    for r in replies:  # whatever came back is a well-formed response header
        assert len(r) >= 12 and r[2] & 0x80
    q = dns.message.make_query("www.example.org.", "A")
    resp = dns.query.udp(q, "127.0.0.1", port=port, timeout=3)
    assert resp.rcode() == dns.rcode.NOERROR and resp.answer[0][0].to_text() == "192.0.2.80"


# --------------------------------------------------------------------------- HTTP streams

def http_exchange(port: int, data: bytes, timeout: float = 10.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
        return out


@pytest.mark.parametrize("request_bytes,status", [
    (b"GET / HTTP/9.9\r\n\r\n", b"505"),
    (b"GET noslash HTTP/1.1\r\nHost: x\r\n\r\n", b"400"),
    (b"GET / HTTP/1.1\r\n\r\n", b"400"),  # HTTP/1.1 without Host
    (b"GET /%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", b"400"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n", b"400"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 5000 + b"\r\n\r\n", b"431"),
    (b"get / HTTP/1.1\r\nHost: x\r\n\r\n", b"400"),
])
def test_bad_requests_get_the_right_status(web_server, request_bytes, status):
    reply = http_exchange(web_server.port("tcp", 80), request_bytes)
    assert reply.startswith(b"HTTP/1.1 " + status), reply[:80]


def test_pipelined_requests_are_answered_in_order(web_server):
    site = {f.path: f.data for f in collect_site(RECIPES / "data" / "site")}
    reply = http_exchange(web_server.port("tcp", 80),
                          b"GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n"
                          b"HEAD /logo.png HTTP/1.1\r\nHost: x\r\n\r\n"
                          b"GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    first, rest = reply.split(b"\r\n\r\n", 1)
    assert first.startswith(b"HTTP/1.1 200") and rest.startswith(site["/style.css"])
    assert rest.count(b"HTTP/1.1 ") == 2 and b"HTTP/1.1 404" in rest


def test_httpd_survives_broken_streams(web_server):
    port = web_server.port("tcp", 80)
    rng = random.Random(80)
    valid = b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"
    for i in range(60):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        kind = i % 5
        try:
            if kind == 0:
                s.sendall(rng.randbytes(rng.randrange(1, 3000)))
            elif kind == 1:
                s.sendall(valid[:rng.randrange(1, len(valid))])
            elif kind == 2:
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" + rng.randbytes(rng.randrange(1, 500)))
            elif kind == 3:
                s.sendall(b"GET " + BIG.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n")
                s.recv(1000)  # leave in the middle of a 1 MiB response
            else:
                s.sendall(valid)
            if rng.random() < 0.5:  # abort with RST instead of FIN
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass  # the server may have answered and closed first: that is fine
        finally:
            s.close()
    site = {f.path: f.data for f in collect_site(RECIPES / "data" / "site")}
    deadline = time.monotonic() + 20
    while True:  # the slots of aborted connections come back as their timers run out
        try:
            body = http_exchange(port, b"GET " + BIG.encode() + b" HTTP/1.0\r\n\r\n", timeout=20)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    head, data = body.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200")
    assert hashlib.sha256(data).digest() == hashlib.sha256(site[BIG]).digest()


# --------------------------------------------------------------------------- raw frames

@pytest.fixture(scope="module")
def raw_dns(images):
    link = rawnet.RawLink()
    app = Appliance(images["dns"], [], extra_args=link.qemu_args()).start()
    try:
        link.drain(0.3)  # answers the gateway ARP request the stack sends at start
        yield link
    finally:
        app.stop()
        link.close()


@pytest.fixture(scope="module")
def raw_web(images):
    link = rawnet.RawLink()
    app = Appliance(images["httpd"], [], extra_args=link.qemu_args()).start()
    try:
        link.drain(0.3)
        yield link
    finally:
        app.stop()
        link.close()


def dns_frame(ident: int, bad_udp=False, bad_ip=False) -> bytes:
    u = rawnet.udp(query(ident=ident), 40000, DNS_PORT, bad_checksum=bad_udp)
    return rawnet.eth(rawnet.ipv4(u, 17, bad_checksum=bad_ip, ident=ident))


def is_dns_reply(ident: int):
    def match(frame):
        p = rawnet.ip_payload(frame, 17)
        return p is not None and len(p) >= 10 and struct.unpack("!H", p[8:10])[0] == ident
    return match


def is_echo_reply(seq: int):
    def match(frame):
        p = rawnet.ip_payload(frame, 1)
        return p is not None and len(p) >= 8 and p[0] == 0 and struct.unpack("!H", p[6:8])[0] == seq
    return match


def test_raw_ping_and_query_are_answered(raw_dns):
    raw_dns.send(rawnet.eth(rawnet.ipv4(rawnet.icmp_echo(7, 1, b"hello"), 1)))
    reply = raw_dns.expect(is_echo_reply(1))
    assert reply is not None and rawnet.ip_payload(reply, 1)[8:] == b"hello"
    raw_dns.send(dns_frame(0x4242))
    reply = raw_dns.expect(is_dns_reply(0x4242))
    msg = dns.message.from_wire(rawnet.ip_payload(reply, 17)[8:])
    assert msg.answer[0][0].to_text() == "192.0.2.80"


def echo_frame(seq: int, **ipv4) -> bytes:
    return rawnet.eth(rawnet.ipv4(rawnet.icmp_echo(7, seq), 1, **ipv4))


@pytest.mark.parametrize("frame,what,match,valid,valid_match", [
    (dns_frame(0x5001, bad_udp=True), "UDP checksum", is_dns_reply(0x5001),
     dns_frame(0x5101), is_dns_reply(0x5101)),
    (dns_frame(0x5002, bad_ip=True), "IP header checksum", is_dns_reply(0x5002),
     dns_frame(0x5102), is_dns_reply(0x5102)),
    (rawnet.eth(rawnet.ipv4(rawnet.icmp_echo(7, 2, bad_checksum=True), 1)), "ICMP checksum",
     is_echo_reply(2), echo_frame(102), is_echo_reply(102)),
    (echo_frame(3, frag=0x2000), "a fragment", is_echo_reply(3),
     echo_frame(103), is_echo_reply(103)),
    (echo_frame(4, dst=bytes([10, 0, 2, 99])), "another host's packet", is_echo_reply(4),
     echo_frame(104), is_echo_reply(104)),
    (rawnet.eth(rawnet.ipv4(rawnet.icmp_echo(7, 5), 1), dst=bytes.fromhex("020000000099")),
     "another MAC", is_echo_reply(5), echo_frame(105), is_echo_reply(105)),
])
def test_frames_failing_a_check_get_no_answer(raw_dns, frame, what, match, valid, valid_match):
    """No answer to the frame — and the same request made valid is answered right after it,
    so the silence was the check's doing, not a dead guest."""
    raw_dns.send(frame)
    assert raw_dns.expect(match, timeout=0.4) is None, what
    raw_dns.send(valid)
    assert raw_dns.expect(valid_match) is not None, f"the valid twin of: {what}"


def malformed_frames(rng: random.Random, n: int) -> list[bytes]:
    good_udp = rawnet.udp(query(), 40001, DNS_PORT)
    good_ip = rawnet.ipv4(good_udp, 17)
    makers = [
        # runts (never empty: QEMU's socket back-end takes a 0-byte datagram as end-of-file)
        lambda: rng.randbytes(rng.randrange(1, 14)),
        lambda: rawnet.eth(rng.randbytes(rng.randrange(0, 100)), rng.randrange(65536)),
        lambda: rawnet.eth(rng.randbytes(rng.randrange(0, 40)), 0x0806),         # junk ARP
        lambda: rawnet.eth(good_ip[:rng.randrange(0, len(good_ip))]),            # cut IP
        lambda: rawnet.eth(rawnet.ipv4(good_udp, 17, total=rng.randrange(0, 2000))),
        lambda: rawnet.eth(rawnet.ipv4(good_udp, 17, version_ihl=rng.randrange(256))),
        lambda: rawnet.eth(rawnet.ipv4(good_udp, 17, frag=rng.randrange(1, 0x4000))),
        lambda: rawnet.eth(rawnet.ipv4(good_udp, rng.choice([1, 6, 17, 2, 255]))),
        lambda: rawnet.eth(rawnet.ipv4(rawnet.udp(query(), 40001, DNS_PORT,
                                                  length=rng.randrange(65536)), 17)),
        lambda: rawnet.eth(rawnet.ipv4(rng.randbytes(rng.randrange(0, 30)), rng.choice([1, 6, 17]))),
        lambda: rawnet.eth(rawnet.ipv4(rawnet.icmp_echo(1, 1, rng.randbytes(rng.randrange(0, 1400))),
                                       1, bad_checksum=rng.random() < 0.5)),
        lambda: rawnet.eth(rawnet.ipv4(rawnet.tcp(rng.randrange(65536), 80, rng.randrange(2**32),
                                                  rng.randrange(2**32),
                                                  rng.choice(["S", "A", "R", "F", "SF", "SR", "FPA", ""]),
                                                  offset_words=rng.choice([None, 0, 4, 15]),
                                                  data=rng.randbytes(rng.randrange(0, 50))), 6)),
        lambda: rawnet.eth(rawnet.ipv4(rawnet.udp(malformed_datagrams(rng, 1)[0], 40001,
                                                  DNS_PORT), 17)),
    ]
    return [f for f in (rng.choice(makers)() for _ in range(n)) if f]


def test_raw_dns_survives_malformed_frames(raw_dns):
    for i, frame in enumerate(malformed_frames(random.Random(1035), 2500)):
        raw_dns.send(frame)
        if i % 64 == 63:
            raw_dns.drain(0.002)  # let the guest keep up; replies to junk are discarded
    raw_dns.drain(0.3)
    raw_dns.send(rawnet.eth(rawnet.ipv4(rawnet.icmp_echo(9, 77), 1)))
    assert raw_dns.expect(is_echo_reply(77)) is not None
    raw_dns.send(dns_frame(0x6006))
    assert raw_dns.expect(is_dns_reply(0x6006)) is not None


def tcp_reply(sport: int):
    def match(frame):
        p = rawnet.ip_payload(frame, 6)
        return p is not None and len(p) >= 20 and struct.unpack("!H", p[2:4])[0] == sport
    return match


def parse_tcp(frame: bytes):
    p = rawnet.ip_payload(frame, 6)
    _, _, seq, ack, off, flags, win = struct.unpack("!HHIIBBH", p[:16])
    return seq, ack, flags, p[(off >> 4) * 4:]


def handshake(link, sport: int, isn: int = 1000):
    link.send(rawnet.eth(rawnet.ipv4(rawnet.tcp(sport, 80, isn, 0, "S",
                                                options=b"\x02\x04\x05\xb4"), 6)))
    synack = link.expect(tcp_reply(sport))
    assert synack is not None, "SYN-ACK"
    seq, ack, flags, _ = parse_tcp(synack)
    assert flags & 0x12 == 0x12 and ack == isn + 1
    link.send(rawnet.eth(rawnet.ipv4(rawnet.tcp(sport, 80, isn + 1, seq + 1, "A"), 6)))
    return seq + 1


def test_raw_tcp_closed_port_gets_rst_and_bad_checksum_nothing(raw_web):
    raw_web.send(rawnet.eth(rawnet.ipv4(rawnet.tcp(41000, 81, 5, 0, "S"), 6)))
    rst = raw_web.expect(tcp_reply(41000))
    assert rst is not None and parse_tcp(rst)[2] & 0x04 and parse_tcp(rst)[1] == 6
    raw_web.send(rawnet.eth(rawnet.ipv4(rawnet.tcp(41001, 80, 5, 0, "S", bad_checksum=True), 6)))
    assert raw_web.expect(tcp_reply(41001), timeout=0.4) is None
    # the same SYN with a right checksum opens the connection: the silence was the checksum's
    their = handshake(raw_web, 41001, 5)
    raw_web.send(rawnet.eth(rawnet.ipv4(rawnet.tcp(41001, 80, 6, their, "R"), 6)))


def test_raw_tcp_out_of_order_data_is_not_delivered_early(raw_web):
    our = 2000
    their = handshake(raw_web, 41002, our)
    req = b"GET /style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    # the second half first: it must be dropped and our first byte re-asked for
    raw_web.send(rawnet.eth(rawnet.ipv4(rawnet.tcp(41002, 80, our + 1 + 10, their, "PA", req[10:]), 6)))
    dup = raw_web.expect(tcp_reply(41002))
    assert dup is not None and parse_tcp(dup)[1] == our + 1 and not parse_tcp(dup)[3]
    raw_web.send(rawnet.eth(rawnet.ipv4(rawnet.tcp(41002, 80, our + 1, their, "PA", req), 6)))
    data = b""
    for frame in raw_web.frames(3.0):
        if tcp_reply(41002)(frame):
            seq, ack, flags, payload = parse_tcp(frame)
            data += payload
            if flags & 0x01:
                break
    assert data.startswith(b"HTTP/1.1 200 OK") and b"Connection: close" in data


def test_raw_tcp_survives_malformed_segments(raw_web):
    rng = random.Random(793)
    for i in range(2000):
        flags = rng.choice(["S", "A", "R", "F", "SA", "SF", "SR", "FPA", "PA", "", "URSF"])
        seg = rawnet.tcp(rng.choice([41100, 41101, rng.randrange(65536)]), rng.choice([80, 80, 81]),
                         rng.randrange(2**32), rng.randrange(2**32), flags,
                         data=rng.randbytes(rng.choice([0, 0, 10, 1400])),
                         window=rng.randrange(65536),
                         options=rng.choice([b"", b"\x02\x04\x00\x00", b"\x02\x00\x00\x00",
                                             b"\x01\x01\x01\x00", b"\x02\x04\xff\xff"]),
                         offset_words=rng.choice([None, None, 0, 3, 15]),
                         bad_checksum=rng.random() < 0.2)
        raw_web.send(rawnet.eth(rawnet.ipv4(seg, 6)))
        if i % 64 == 63:
            raw_web.drain(0.002)
    raw_web.drain(0.3)
    handshake(raw_web, 41200, 9000)  # still accepts and completes a fresh connection
