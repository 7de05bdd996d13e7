"""Speaking raw Ethernet to an appliance, for tests that must reach below UDP and TCP.

QEMU's port forwards only carry well-formed UDP datagrams and TCP streams: the host's own
stack builds the headers. To send a truncated IP header or a TCP segment with a wrong checksum,
the test has to be the other end of the wire. QEMU's `socket` network back-end does exactly
that: every Ethernet frame the guest sends arrives as one UDP datagram on a host port, and
every datagram sent to QEMU's port is delivered to the guest as one frame.

`RawLink` is that other end: it answers the guest's ARP questions about the gateway and
offers builders for frames (valid ones, and ways to break each field).
"""

from __future__ import annotations

import select
import socket
import struct
import time

GUEST_MAC = bytes.fromhex("525400123456")  # QEMU's default MAC for the first card
HOST_MAC = bytes.fromhex("020000000001")
GUEST_IP = bytes([10, 0, 2, 15])
HOST_IP = bytes([10, 0, 2, 2])


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(payload: bytes, ethertype: int = 0x0800, dst: bytes = GUEST_MAC) -> bytes:
    return dst + HOST_MAC + struct.pack("!H", ethertype) + payload


def ipv4(payload: bytes, proto: int, src: bytes = HOST_IP, dst: bytes = GUEST_IP, ttl: int = 64,
         ident: int = 1, frag: int = 0x4000, bad_checksum: bool = False, options: bytes = b"",
         total: int | None = None, version_ihl: int | None = None) -> bytes:
    ihl = 5 + len(options) // 4
    length = total if total is not None else 20 + len(options) + len(payload)
    vi = version_ihl if version_ihl is not None else (0x40 | ihl)
    h = struct.pack("!BBHHHBBH4s4s", vi, 0, length, ident, frag, ttl, proto, 0, src, dst) + options
    c = checksum(h) ^ (0x5555 if bad_checksum else 0)
    return h[:10] + struct.pack("!H", c) + h[12:] + payload


def pseudo(src: bytes, dst: bytes, proto: int, length: int) -> bytes:
    return src + dst + struct.pack("!BBH", 0, proto, length)


def udp(data: bytes, sport: int, dport: int, bad_checksum: bool = False, length: int | None = None,
        src: bytes = HOST_IP, dst: bytes = GUEST_IP) -> bytes:
    ln = 8 + len(data)
    h = struct.pack("!HHHH", sport, dport, ln if length is None else length, 0)
    c = checksum(pseudo(src, dst, 17, ln) + h + data) or 0xFFFF
    if bad_checksum:
        c ^= 0x00F0
    return h[:6] + struct.pack("!H", c) + data


def tcp(sport: int, dport: int, seq: int, ack: int, flags: str, data: bytes = b"",
        window: int = 65535, options: bytes = b"", bad_checksum: bool = False,
        offset_words: int | None = None, src: bytes = HOST_IP, dst: bytes = GUEST_IP) -> bytes:
    bits = sum({"F": 1, "S": 2, "R": 4, "P": 8, "A": 16, "U": 32}[f] for f in flags)
    words = offset_words if offset_words is not None else 5 + len(options) // 4
    h = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, words << 4,
                    bits, window, 0, 0) + options
    c = checksum(pseudo(src, dst, 6, len(h) + len(data)) + h + data) ^ (0x0F00 if bad_checksum else 0)
    return h[:16] + struct.pack("!H", c) + h[18:] + data


def icmp_echo(ident: int, seq: int, data: bytes = b"ping", bad_checksum: bool = False) -> bytes:
    h = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    c = checksum(h) ^ (0x0101 if bad_checksum else 0)
    return h[:2] + struct.pack("!H", c) + h[4:]


def arp_reply(target_mac: bytes) -> bytes:
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, HOST_MAC, HOST_IP, target_mac, GUEST_IP)


class RawLink:
    """The host end of a QEMU `-netdev socket,udp=...` wire."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.bind(("127.0.0.1", 0))
        self.qemu_port = probe.getsockname()[1]
        probe.close()
        self.arp_answers = 0

    def qemu_args(self) -> list[str]:
        return ["-netdev", f"socket,id=raw0,udp=127.0.0.1:{self.port},"
                           f"localaddr=127.0.0.1:{self.qemu_port}",
                "-device", "virtio-net-device,netdev=raw0"]

    def send(self, frame: bytes) -> None:
        self.sock.sendto(frame, ("127.0.0.1", self.qemu_port))

    def _handle_arp(self, frame: bytes) -> bool:
        if len(frame) >= 42 and frame[12:14] == b"\x08\x06" and frame[20:22] == b"\x00\x01" \
                and frame[38:42] == HOST_IP:
            self.send(eth(arp_reply(frame[6:12]), 0x0806, dst=frame[6:12]))
            self.arp_answers += 1
            return True
        return False

    def frames(self, duration: float):
        """Frames from the guest for `duration` seconds (ARP requests for us are answered)."""
        deadline = time.monotonic() + duration
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                return
            frame, _ = self.sock.recvfrom(65536)
            if not self._handle_arp(frame):
                yield frame

    def drain(self, duration: float = 0.05) -> list[bytes]:
        return list(self.frames(duration))

    def expect(self, match, timeout: float = 3.0) -> bytes | None:
        """The first frame for which match(frame) is true, or None after timeout."""
        for frame in self.frames(timeout):
            if match(frame):
                return frame
        return None

    def close(self) -> None:
        self.sock.close()


def ip_payload(frame: bytes, proto: int) -> bytes | None:
    """The payload of an IPv4 frame of this protocol, or None."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[23] != proto:
        return None
    ihl = (frame[14] & 0x0F) * 4
    total = struct.unpack("!H", frame[16:18])[0]
    return frame[14 + ihl:14 + total]
