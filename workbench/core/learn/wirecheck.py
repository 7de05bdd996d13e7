"""What an appliance put on the wire, read back from QEMU's packet dump.

QEMU's `filter-dump` object writes every frame of a network back-end to a pcap file. Grading
uses it where the host's client cannot see a mistake: QEMU's user network accepts a UDP
datagram with checksum 0 ("none computed") and delivers only its payload, so a client that
got its answer cannot tell a correct checksum from none at all. Here every UDP datagram the
guest's server sent (from the port the run forwards) is checked: its checksum must be
present and right.
"""

from __future__ import annotations

import struct
from pathlib import Path

from workbench.i18n import _

CHECKS = ("udp-checksums",)
PCAP_MAGIC = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">"}


def dump_args(pcap: Path, netdev: str = "net0") -> list[str]:
    """QEMU arguments that dump every frame of `netdev` into `pcap`."""
    return ["-object", f"filter-dump,id=wbdump,netdev={netdev},file={pcap}"]


def frames(pcap: Path) -> list[bytes]:
    """The frames of a pcap file (a file cut short mid-record ends the list there)."""
    data = Path(pcap).read_bytes() if Path(pcap).is_file() else b""
    order = PCAP_MAGIC.get(data[:4])
    if order is None:
        return []
    out, pos = [], 24
    while pos + 16 <= len(data):
        incl = struct.unpack(order + "I", data[pos + 8:pos + 12])[0]
        out.append(data[pos + 16:pos + 16 + incl])
        pos += 16 + incl
    return out


def _sum16(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def udp_checksum(src: bytes, dst: bytes, udp: bytes) -> int:
    """The checksum a datagram should carry (its own checksum field taken as zero)."""
    pseudo = src + dst + struct.pack("!BBH", 0, 17, len(udp))
    total = _sum16(pseudo + udp[:6] + b"\0\0" + udp[8:])
    value = ~total & 0xFFFF
    return value or 0xFFFF


def sent_from(frame: bytes, port: int) -> tuple[bytes, bytes, bytes] | None:
    """(source IP, destination IP, UDP datagram) of an IPv4 UDP frame from `port`."""
    if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    if ip[0] >> 4 != 4 or ip[9] != 17 or len(ip) < ihl + 8:
        return None
    total = struct.unpack("!H", ip[2:4])[0]
    udp_len = struct.unpack("!H", ip[ihl + 4:ihl + 6])[0]
    udp = ip[ihl:min(total, len(ip))][:udp_len]
    if struct.unpack("!H", udp[0:2])[0] != port:
        return None
    return ip[12:16], ip[16:20], udp


def udp_checksum_problems(pcap: Path, port: int) -> tuple[list[str], str]:
    """(what is wrong, a listing) for the UDP datagrams the guest sent from `port`."""
    problems: list[str] = []
    lines: list[str] = []
    sent = False  # any datagram from the port at all
    for frame in frames(pcap):
        found = sent_from(frame, port)
        if found is None:
            continue
        src, dst, udp = found
        sent = True
        field = struct.unpack("!H", udp[6:8])[0]
        want = udp_checksum(src, dst, udp)
        to = struct.unpack("!H", udp[2:4])[0]
        verdict = "valid" if field == want else "none (0)" if field == 0 else "wrong"
        lines.append(f"udp {len(udp)} bytes to port {to}: checksum 0x{field:04x} "
                     f"(right: 0x{want:04x}) {verdict}")
        if field != want and len(problems) < 3:
            what = (_("no checksum (0)") if field == 0
                    else _("checksum {value}").format(value=f"0x{field:04x}"))
            problems.append(_("a {size}-byte datagram to port {port} left with {what}; the right "
                              "one is {right}").format(size=len(udp), port=to, what=what,
                                                       right=f"0x{want:04x}"))
    if not sent:
        problems.append(_("the appliance sent no UDP datagram from port {port}").format(port=port))
    return problems, "\n".join(lines)
