"""The DNS appliance answers real clients: dnspython and dig, over QEMU's port forward.

One image is built and booted for the whole module; every test talks to it through a free
UDP port on 127.0.0.1. The expected answers come from parsing the same zone file on the host,
so the zone can change without these tests changing.
"""

from __future__ import annotations

import socket
import struct
import subprocess
import time

import dns.edns
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from workbench.core.builder.generators.zonefile import load_zone

from .conftest import RECIPES, appliance_fixture, tool

pytestmark = pytest.mark.qemu

ZONE = load_zone(RECIPES / "data" / "example.zone")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from appliance_fixture("dns", [("udp", 53), ("tcp", 53)], tmp_path_factory)


def ask(server, name, rtype="A", edns=-1, payload=1232, timeout=3.0):
    q = dns.message.make_query(name, rtype, use_edns=edns, payload=payload)
    q.flags &= ~dns.flags.RD  # an authoritative server needs no recursion-desired bit
    last = None
    for _ in range(3):  # UDP: a datagram may be lost; ask again like a real resolver
        try:
            return dns.query.udp(q, "127.0.0.1", port=server.port("udp", 53), timeout=timeout)
        except dns.exception.Timeout as e:
            last = e
    raise last


def rrset_values(resp, rtype):
    return sorted(rd.to_text() for rr in resp.answer if rr.rdtype == dns.rdatatype.from_text(rtype)
                  for rd in rr)


def expected(name, rtype):
    return sorted(_presentation(r) for r in ZONE.lookup(name, rtype))


def _presentation(r):
    if r.type == "MX":
        return f"{r.rdata[0]} {r.rdata[1]}"
    if r.type == "TXT":
        return " ".join('"' + s.decode() + '"' for s in r.rdata)
    return str(r.rdata)


def test_boot_reports_ready_quickly(server):
    assert server.ready_ms is not None
    assert any(r.startswith("netdev ") for r in server.records)
    assert "ready app=dns" in server.records


@pytest.mark.parametrize("name,rtype", [
    ("www.example.org.", "A"),
    ("www.example.org.", "AAAA"),
    ("example.org.", "MX"),
    ("example.org.", "NS"),
    ("info.example.org.", "TXT"),
    ("example.org.", "TXT"),
])
def test_positive_answers_match_the_zone(server, name, rtype):
    resp = ask(server, name, rtype)
    assert resp.rcode() == dns.rcode.NOERROR
    assert resp.flags & dns.flags.AA
    assert rrset_values(resp, rtype) == expected(name, rtype)
    assert rrset_values(resp, rtype), "the zone has data for this question"


def test_cname_is_followed_inside_the_zone(server):
    resp = ask(server, "web.example.org.", "A")
    assert resp.rcode() == dns.rcode.NOERROR
    assert rrset_values(resp, "CNAME") == ["www.example.org."]
    assert rrset_values(resp, "A") == expected("www.example.org.", "A")
    # asking for the CNAME itself returns only the alias
    resp = ask(server, "web.example.org.", "CNAME")
    assert rrset_values(resp, "CNAME") == ["www.example.org."] and not rrset_values(resp, "A")


def test_nxdomain_carries_the_soa(server):
    resp = ask(server, "no-such-name.example.org.", "A")
    assert resp.rcode() == dns.rcode.NXDOMAIN
    assert resp.flags & dns.flags.AA and not resp.answer
    soa = [rr for rr in resp.authority if rr.rdtype == dns.rdatatype.SOA]
    assert len(soa) == 1 and soa[0].name.to_text() == "example.org."
    assert soa[0].ttl == min(ZONE.soa.ttl, ZONE.soa.rdata[-1])  # RFC 2308 negative TTL


@pytest.mark.parametrize("name,rtype", [("www.example.org.", "MX"), ("b.example.org.", "A")])
def test_nodata_for_existing_names_without_that_type(server, name, rtype):
    # b.example.org has no records but a.b.example.org exists: an empty non-terminal
    resp = ask(server, name, rtype)
    assert resp.rcode() == dns.rcode.NOERROR and not resp.answer
    assert [rr.rdtype for rr in resp.authority] == [dns.rdatatype.SOA]


def test_refused_outside_the_zone(server):
    resp = ask(server, "www.example.com.", "A")
    assert resp.rcode() == dns.rcode.REFUSED
    assert not resp.flags & dns.flags.AA and not resp.answer


def test_names_are_case_insensitive_and_echoed_as_asked(server):
    resp = ask(server, "WwW.ExAmPlE.OrG.", "A")
    assert resp.rcode() == dns.rcode.NOERROR
    assert rrset_values(resp, "A") == expected("www.example.org.", "A")
    assert resp.question[0].name.to_text() == "WwW.ExAmPlE.OrG."


def test_edns_is_answered_with_edns_and_plain_with_plain(server):
    with_edns = ask(server, "www.example.org.", "A", edns=0, payload=4096)
    assert with_edns.edns == 0 and with_edns.payload == 1232
    plain = ask(server, "www.example.org.", "A", edns=-1)
    assert plain.edns == -1 and plain.opt is None


def test_unknown_edns_version_gets_badvers(server):
    resp = ask(server, "www.example.org.", "A", edns=1)
    assert resp.rcode() == dns.rcode.BADVERS


def test_answers_use_name_compression(server):
    q = dns.message.make_query("example.org.", "NS")
    wire = dns.query.udp(q, "127.0.0.1", port=server.port("udp", 53), timeout=3).to_wire()
    # the owner of each NS record is a 2-byte pointer to the question name at offset 12
    assert wire.count(b"\xc0\x0c") >= 2
    assert wire.count(b"\x07example\x03org\x00") == 1


@pytest.mark.parametrize("args,status,answer", [
    (["www.example.org", "A"], "NOERROR", "192.0.2.80"),
    (["www.example.org", "AAAA"], "NOERROR", "2001:db8::80"),
    (["example.org", "MX"], "NOERROR", "10 mail.example.org."),
    (["web.example.org", "CNAME"], "NOERROR", "www.example.org."),
    (["info.example.org", "TXT"], "NOERROR", '"Unikernel Workbench"'),
    (["MAIL.Example.ORG", "A"], "NOERROR", "192.0.2.25"),
    (["nothing.example.org", "A"], "NXDOMAIN", None),
    (["www.example.org", "MX"], "NOERROR", None),
    (["example.net", "A"], "REFUSED", None),
    (["www.example.org", "A", "+noedns"], "NOERROR", "192.0.2.80"),
    (["www.example.org", "AAAA", "+tcp"], "NOERROR", "2001:db8::80"),
])
def test_dig(server, args, status, answer):
    proc = subprocess.run(
        [tool("dig"), "@127.0.0.1", "-p", str(server.port("tcp" if "+tcp" in args else "udp", 53)),
         "+tries=3", "+time=2",
         "+norecurse", *args], capture_output=True, text=True, timeout=20)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"status: {status}" in proc.stdout
    short = proc.stdout.split(";; ANSWER SECTION:")
    if answer is None:
        assert len(short) == 1, proc.stdout
    else:
        assert answer in short[1], proc.stdout
    if "+noedns" in args:
        assert "OPT PSEUDOSECTION" not in proc.stdout
    else:
        assert "EDNS: version: 0" in proc.stdout


def test_a_delegation_gets_a_referral_with_glue(server):
    resp = ask(server, "host.sub.example.org", "A", edns=0)
    assert resp.rcode() == dns.rcode.NOERROR and not resp.answer
    assert not resp.flags & dns.flags.AA  # the child zone is not ours to answer for
    ns = [rr for rr in resp.authority if rr.rdtype == dns.rdatatype.NS]
    assert ns and str(ns[0].name) == "sub.example.org."
    glue = [rd.to_text() for rr in resp.additional if rr.rdtype == dns.rdatatype.A for rd in rr]
    assert "192.0.2.153" in glue


def test_a_wildcard_answers_missing_names_and_an_existing_name_blocks_it(server):
    resp = ask(server, "Anything.WILD.example.org", "A")
    assert resp.flags & dns.flags.AA and rrset_values(resp, "A") == ["192.0.2.42"]
    assert str(resp.answer[0].name).lower() == "anything.wild.example.org."
    assert rrset_values(ask(server, "fixed.wild.example.org", "A"), "A") == ["192.0.2.43"]
    nodata = ask(server, "fixed.wild.example.org", "TXT")  # exists: no wildcard for it
    assert nodata.rcode() == dns.rcode.NOERROR and not nodata.answer


def test_a_cname_chain_is_followed_to_the_end(server):
    resp = ask(server, "alias.example.org", "A")
    owners = [str(rr.name) for rr in resp.answer]
    assert owners == ["alias.example.org.", "web.example.org.", "www.example.org."]
    assert rrset_values(resp, "A") == expected("www.example.org", "A")


def test_mx_answers_carry_the_mail_servers_address(server):
    resp = ask(server, "example.org", "MX", edns=0)
    extra = {str(rr.name): [rd.to_text() for rd in rr] for rr in resp.additional
             if rr.rdtype == dns.rdatatype.A}
    assert extra.get("mail.example.org.") == ["192.0.2.25"]


def tcp_exchange(server, wires: list[bytes], timeout=10) -> list[dns.message.Message]:
    """Send several length-prefixed queries on one connection at once; read as many answers."""
    with socket.create_connection(("127.0.0.1", server.port("tcp", 53)), timeout=timeout) as s:
        s.sendall(b"".join(struct.pack("!H", len(w)) + w for w in wires))
        data, answers = b"", []
        while len(answers) < len(wires):
            while len(data) < 2 or len(data) < 2 + struct.unpack("!H", data[:2])[0]:
                chunk = s.recv(65536)
                assert chunk, "the server closed the connection before answering every query"
                data += chunk
            n = struct.unpack("!H", data[:2])[0]
            answers.append(dns.message.from_wire(data[2:2 + n]))
            data = data[2 + n:]
    return answers


def test_several_queries_on_one_tcp_connection_are_answered_in_order(server):
    names = ["www.example.org", "mail.example.org", "nothing.example.org", "alias.example.org"]
    queries = [dns.message.make_query(n, "A") for n in names]
    answers = tcp_exchange(server, [q.to_wire() for q in queries])
    assert [a.id for a in answers] == [q.id for q in queries]
    assert rrset_values(answers[0], "A") == expected("www.example.org", "A")
    assert answers[2].rcode() == dns.rcode.NXDOMAIN


def test_a_large_answer_is_not_cut_over_tcp(server):
    q = dns.message.make_query("example.org", "TXT")
    assert not tcp_exchange(server, [q.to_wire()])[0].flags & dns.flags.TC


def test_an_idle_tcp_connection_is_closed(server):
    """RFC 7766 §6.2.3: the server closes a connection that stays silent (tcp_idle_seconds)."""
    with socket.create_connection(("127.0.0.1", server.port("tcp", 53)), timeout=30) as s:
        start = time.monotonic()
        assert s.recv(1) == b""  # the server's FIN, without a query ever sent
        assert 5 < time.monotonic() - start < 25
