"""The DNS client that grading uses: queries described in an exercise, sent to a running guest.

A query is built by dnspython (names in additional records compressed); its question name may
instead be built by hand, token by token, to send what no well-behaved client would (a reserved
label type, a compression pointer that loops). Each query is sent over UDP to 127.0.0.1 and the
answer is checked for its rcode and for regular expressions on its text.
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass, field

import dns.exception
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

from workbench.i18n import _

_PLACEHOLDER = "q.invalid."  # 11 bytes on the wire; wire_name replaces it


@dataclass
class DnsQuery:
    """One query a `client = "dns"` check sends, and what the answer must be."""
    name: str = ""               # presentation form, e.g. "www.example.org."
    type: str = "A"
    wire_name: str = ""          # instead of name: the question name built by hand (see below)
    additional: list[str] = field(default_factory=list)  # records "NAME TTL CLASS TYPE DATA"
    rcode: str = "NOERROR"
    response: list[str] = field(default_factory=list)    # regexes on the response as text

    def describe(self) -> str:
        return f"{self.wire_name!r} (built by hand)" if self.wire_name else f"{self.name} {self.type}"


def wire_name(text: str) -> bytes:
    """A question name built token by token, to send what no well-behaved client would:
    `www` a label, `a*64` a label of 64 a's (its length byte reads as a reserved label type),
    `@12` a compression pointer to offset 12 (where the question starts), `.` the final zero."""
    out = bytearray()
    for tok in text.split():
        if tok == ".":
            out.append(0)
        elif tok.startswith("@"):
            if not tok[1:].isdigit() or int(tok[1:]) >= 0x4000:
                raise ValueError(f"bad pointer {tok!r} in wire_name: @ and an offset below 16384")
            off = int(tok[1:])
            out += bytes([0xC0 | off >> 8, off & 0xFF])
        else:
            m = re.fullmatch(r"(.+)\*(\d+)", tok)
            label = (m.group(1) * int(m.group(2)) if m else tok).encode("ascii", "replace")
            if len(label) > 255:
                raise ValueError(f"label {tok!r} in wire_name is longer than a length byte can say")
            out.append(len(label))
            out += label
    return bytes(out)


def query_wire(q: DnsQuery, ident: int = 0) -> bytes:
    """The query as bytes, built by dnspython (names in additional records compressed).
    A mistake in the description raises ValueError, worded for the exercise's author."""
    try:
        dns.rcode.from_text(q.rcode)
    except dns.exception.DNSException:
        raise ValueError(f"unknown rcode {q.rcode!r}; for example NOERROR, FORMERR, NXDOMAIN, "
                         "NOTIMP, REFUSED") from None
    try:
        dns.rdatatype.from_text(q.type)
    except dns.exception.DNSException:
        raise ValueError(f"unknown record type {q.type!r}; for example A, AAAA, MX, TXT") from None
    try:
        msg = dns.message.make_query(q.name or _PLACEHOLDER, q.type)
        msg.id = ident
        for text in q.additional:
            parts = text.split(None, 4)
            if len(parts) != 5 or not parts[1].isdigit():
                raise ValueError(f"additional record {text!r}: expected NAME TTL CLASS TYPE DATA")
            name, ttl, rdclass, rdtype, data = parts
            msg.additional.append(dns.rrset.from_text(name, int(ttl), rdclass, rdtype, data))
        wire = msg.to_wire()
    except dns.exception.DNSException as e:
        raise ValueError(str(e) or type(e).__name__) from None
    if q.wire_name:
        skip = len(_PLACEHOLDER) + 1
        wire = wire[:12] + wire_name(q.wire_name) + wire[12 + skip:]
    return wire


def exchange(wire: bytes, port: int, timeout: float, tries: int = 2) -> bytes | None:
    """Send a query to 127.0.0.1:port; the reply with the same ID, or None. UDP may lose a
    datagram, so ask again like a resolver does."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _attempt in range(tries):
            sock.sendto(wire, ("127.0.0.1", port))
            deadline = time.monotonic() + timeout
            while (left := deadline - time.monotonic()) > 0:
                sock.settimeout(left)
                try:
                    data, _sender = sock.recvfrom(65535)
                except OSError:  # timed out (or the port went away)
                    break
                if data[:2] == wire[:2]:
                    return data
    return None


def ask(queries: list[DnsQuery], port: int, timeout: float,
        first_id: int) -> tuple[list[str], str]:
    """Send the queries in order; (problems, what was asked and answered)."""
    problems: list[str] = []
    log: list[str] = []
    for i, q in enumerate(queries, 1):
        what = _("query {number} ({query})").format(number=i, query=q.describe())
        log.append(f";; {what}, expecting {q.rcode.upper()}")
        reply = exchange(query_wire(q, (first_id + i) & 0xFFFF), port, timeout)
        if reply is None:
            problems.append(_("{query}: no answer (the server dropped it, or stopped "
                              "answering)").format(query=what))
            log.append(";; no answer\n")
            continue
        try:
            msg = dns.message.from_wire(reply)
        except dns.exception.DNSException as e:
            got = dns.rcode.to_text(reply[3] & 0xF) if len(reply) >= 4 else _("nothing readable")
            problems.append(_("{query}: answered {got} (expected {rcode}) in a message that is "
                              "not valid DNS: {error}").format(query=what, got=got,
                                                               rcode=q.rcode.upper(), error=e))
            log.append(f";; unreadable answer ({e}): {reply.hex()}\n")
            continue
        text = msg.to_text()
        log.append(text + "\n")
        got = dns.rcode.to_text(msg.rcode())
        if got != q.rcode.upper():
            problems.append(_("{query}: answered {got}, expected {rcode}").format(
                query=what, got=got, rcode=q.rcode.upper()))
        for rx in q.response:
            if not re.search(rx, text, re.M):
                problems.append(_("{query}: no line of the answer matches {pattern}").format(
                    query=what, pattern=repr(rx)))
    return problems, "\n".join(log)
