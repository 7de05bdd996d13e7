"""The DNS appliance answers as NSD does, on the same zone: a differential test.

NSD (Debian's nsd) serves the zone file the image was built from, on a loopback port, as a
process of its own started from a configuration in a temporary folder (no privileges dropped,
no chroot, response rate limiting off). Both servers get the same queries: names from the zone
and near it (below existing names, below wildcards and delegations, outside the zone), every
record type, random letter case, with and without EDNS and with small buffers so answers are
truncated. For each query: rcode, AA, TC and the answer section must agree; so must the
authority section of negative answers and referrals, and the glue of referrals. Otherwise the
additional section may be shorter than NSD's (NSD also adds the apex's NS records and their
addresses to positive answers, which the appliance leaves out) but never different.

Two zones: the fixed one in kernels/recipes/data/example.zone, and one made up here at random.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import time
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from workbench.core.builder.generators.zonefile import load_zone
from workbench.core.builder.generators.zonetables import ZoneTables, parent
from workbench.core.run.appliance import free_port

from .conftest import RECIPES, tool
from .reference import stop_process, with_appliance

NSD = shutil.which("nsd") or "/usr/sbin/nsd"
pytestmark = pytest.mark.qemu


@pytest.fixture(autouse=True)
def _nsd_installed():
    tool("nsd")  # the set-up installs it: a failure, not a skip, when it is missing

QUERIES = 300
QTYPES = ["A", "AAAA", "NS", "CNAME", "SOA", "MX", "TXT", "ANY", "DS", "PTR", "SRV"]

NSD_CONF = """server:
  ip-address: 127.0.0.1@{port}
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "{tmp}"
  database: ""
  zonelistfile: "{tmp}/zone.list"
  xfrdfile: "{tmp}/xfrd.state"
  xfrdir: "{tmp}"
  pidfile: "{tmp}/nsd.pid"
  logfile: "{tmp}/nsd.log"
  server-count: 1
  verbosity: 1
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: "{origin}"
  zonefile: "{zonefile}"
"""


class Nsd:
    def __init__(self, zonefile: Path, origin: str, tmp: Path):
        self.port = free_port("both")  # NSD listens on UDP and TCP
        conf = tmp / "nsd.conf"
        conf.write_text(NSD_CONF.format(port=self.port, tmp=tmp, origin=origin, zonefile=zonefile))
        self.proc = subprocess.Popen([NSD, "-d", "-c", str(conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        q = dns.message.make_query(origin, "SOA")
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nsd did not start: " + self.proc.stderr.read().decode()
                                   + (tmp / "nsd.log").read_text(errors="replace"))
            try:
                if dns.query.udp(q, "127.0.0.1", port=self.port, timeout=0.5).answer:
                    return
            except (dns.exception.Timeout, OSError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("nsd did not answer")

    def stop(self) -> None:
        stop_process(self.proc)


def both(recipe: Path, zonefile: Path, tmp_path_factory):
    """Boot the appliance built from recipe and start NSD on the same zone; stop both after."""
    zone = load_zone(zonefile)
    nsd = Nsd(zonefile, zone.origin, tmp_path_factory.mktemp("nsd"))
    for app in with_appliance(recipe, [("udp", 53), ("tcp", 53)], nsd, tmp_path_factory):
        yield {"ours": (app.port("udp", 53), app.port("tcp", 53)),
               "nsd": (nsd.port, nsd.port), "zone": zone}


# ---- the queries ----

def names_near(zone, rng: random.Random) -> list[str]:
    """Names of the zone, names just below and beside them, and names outside it."""
    tables = ZoneTables(zone)
    out = list(tables.nodes)
    for n in tables.nodes:
        base = n[2:] if n.startswith("*.") else n
        out += [f"{rng.choice(['x', 'zz', 'no-such', 'a1'])}.{base}", f"deep.er.{base}"]
    out += ["example.com.", "org.", ".", "outside-" + zone.origin, "a.b.c." + parent(zone.origin)]
    return out


def random_case(name: str, rng: random.Random) -> str:
    return "".join(c.upper() if rng.random() < 0.5 else c for c in name)


def make_query(name: str, qtype: str, rng: random.Random) -> dns.message.Message:
    edns = rng.choice([-1, 0, 0])
    payload = rng.choice([512, 700, 1232, 4096])
    q = dns.message.make_query(random_case(name, rng), qtype, use_edns=edns, payload=payload)
    q.flags &= ~dns.flags.RD
    return q


def ask(q: dns.message.Message, port: int, tcp: bool) -> dns.message.Message:
    for _ in range(3):  # a UDP datagram may be lost; ask again like a resolver
        try:
            if tcp:
                return dns.query.tcp(q, "127.0.0.1", port=port, timeout=5)
            return dns.query.udp(q, "127.0.0.1", port=port, timeout=3, ignore_trailing=True)
        except dns.exception.Timeout:
            continue
    raise AssertionError(f"no answer to {q.question[0]} on port {port}")


def section(rrsets) -> list[str]:
    return sorted(line.lower() for rrset in rrsets for line in rrset.to_text().splitlines())


def difference(a: dns.message.Message, b: dns.message.Message) -> str | None:
    """What differs between our response a and NSD's b, in what the issue says must agree."""
    flags = dns.flags.AA | dns.flags.TC
    if a.rcode() != b.rcode() or (a.flags & flags) != (b.flags & flags):
        return f"rcode/flags {dns.rcode.to_text(a.rcode())} {a.flags:#x} vs " \
               f"{dns.rcode.to_text(b.rcode())} {b.flags:#x}"
    if section(a.answer) != section(b.answer):
        return f"answer {section(a.answer)} vs {section(b.answer)}"
    negative_or_referral = not a.answer or a.rcode() != dns.rcode.NOERROR or not (a.flags & dns.flags.AA)
    if negative_or_referral and section(a.authority) != section(b.authority):
        return f"authority {section(a.authority)} vs {section(b.authority)}"
    ours, theirs = section(a.additional), section(b.additional)
    if (a.answer or a.authority) and not (a.flags & dns.flags.AA) and a.authority:
        if ours != theirs:  # a referral's glue
            return f"glue {ours} vs {theirs}"
    elif not set(ours) <= set(theirs):
        return f"additional {ours} not within {theirs}"
    return None


def compare(servers: dict, seed: int, tcp: bool = False) -> dict:
    rng = random.Random(seed)
    names = names_near(servers["zone"], rng)
    differences, kinds = [], {}
    for i in range(QUERIES):
        name = names[i] if i < len(names) else rng.choice(names)
        q = make_query(name, rng.choice(QTYPES), rng)
        a = ask(q, servers["ours"][tcp], tcp)
        b = ask(q, servers["nsd"][tcp], tcp)
        kind = dns.rcode.to_text(b.rcode()) + ("" if b.flags & dns.flags.AA else " no-AA") + \
            (" TC" if b.flags & dns.flags.TC else "")
        kinds[kind] = kinds.get(kind, 0) + 1
        if (d := difference(a, b)) is not None:
            differences.append(f"{q.question[0]} edns={q.edns}/{q.payload}: {d}")
    assert not differences, f"{len(differences)} of {QUERIES} differ:\n" + "\n".join(differences[:10])
    return kinds


# ---- the fixed zone ----

@pytest.fixture(scope="module")
def fixed(tmp_path_factory):
    yield from both(RECIPES / "dns.toml", RECIPES / "data" / "example.zone", tmp_path_factory)


def test_fixed_zone_over_udp_answers_as_nsd(fixed):
    kinds = compare(fixed, seed=1034)
    assert {"NXDOMAIN", "NOERROR", "NOERROR no-AA", "REFUSED no-AA"} <= set(kinds), kinds


def test_fixed_zone_over_tcp_answers_as_nsd(fixed):
    kinds = compare(fixed, seed=7766, tcp=True)
    assert not any("TC" in k for k in kinds), kinds  # over TCP nothing is cut at 512 bytes


# ---- a zone made up here ----

LABELS = ["a", "b", "c", "www", "mail", "ns", "x1", "deep", "svc", "k-9"]


def random_zone(origin: str, rng: random.Random) -> str:
    """A zone with chains, loops, wildcards, delegations with glue and big RRsets."""
    lines = [f"$ORIGIN {origin}", "$TTL 300",
             "@ IN SOA ns1 host 7 3600 600 86400 120", "@ IN NS ns1", "@ IN NS ns2.elsewhere.net.",
             "ns1 IN A 192.0.2.1", "ns1 IN AAAA 2001:db8::1"]
    owners: list[str] = ["@", "ns1"]
    cnames: set[str] = set()

    def name(depth: int) -> str:
        return ".".join(rng.choice(LABELS) for _ in range(depth))

    for i in range(rng.randrange(25, 40)):
        owner = rng.choice([name(rng.randrange(1, 4)), "*." + name(rng.randrange(0, 2)).strip(".")])
        owner = owner.rstrip(".") or "*"
        kind = rng.choice(["A", "A", "AAAA", "TXT", "MX", "CNAME", "NS", "TXTBIG"])
        if owner in cnames or (kind == "CNAME" and owner in owners):
            continue
        if kind == "NS" and (owner.startswith("*") or owner in owners):
            continue
        if kind == "CNAME":
            target = rng.choice(owners + [name(2), "out.elsewhere.net.", "*.x"])
            lines.append(f"{owner} IN CNAME {target.replace('*', 'w' + str(i)) if target == '*.x' else target}")
            cnames.add(owner)
        elif kind == "NS":
            lines += [f"{owner} IN NS ns.{owner}", f"{owner} IN NS ns1", f"ns.{owner} IN A 192.0.2.{i}"]
        elif kind == "MX":
            lines.append(f"{owner} IN MX {i} {rng.choice(owners + ['mx.elsewhere.net.'])}")
        elif kind == "TXTBIG":
            lines += [f'{owner} IN TXT "{i}-{j} {"t" * 120}"' for j in range(rng.randrange(3, 12))]
        elif kind == "TXT":
            lines.append(f'{owner} IN TXT "record {i}"')
        elif kind == "A":
            lines.append(f"{owner} IN A 198.51.100.{i}")
        else:
            lines.append(f"{owner} IN AAAA 2001:db8::{i:x}")
        owners.append(owner)
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def made_up(tmp_path_factory):
    rng = random.Random(4592)
    folder = tmp_path_factory.mktemp("random-zone")
    (folder / "random.zone").write_text(random_zone("rnd.example.", rng))
    recipe = folder / "dns-random.toml"
    recipe.write_text('name = "dns-random"\nsummary = "a random zone"\napplication = "dns"\n'
                      'layout = "libos"\nmachine = "microvm"\n\n[options.dns]\nzone = "random.zone"\n')
    yield from both(recipe, folder / "random.zone", tmp_path_factory)


def test_random_zone_over_udp_answers_as_nsd(made_up):
    kinds = compare(made_up, seed=2308)
    assert {"NXDOMAIN", "NOERROR"} <= set(kinds), kinds


def test_random_zone_over_tcp_answers_as_nsd(made_up):
    kinds = compare(made_up, seed=1035, tcp=True)
    assert {"NXDOMAIN", "NOERROR"} <= set(kinds), kinds


def test_a_truncated_answer_is_had_in_full_over_tcp(made_up):
    """What UDP cuts (TC) arrives whole over TCP, from both servers alike."""
    zone, cut = made_up["zone"], 0
    for owner in sorted({r.owner for r in zone.records if r.type == "TXT"}):
        q = dns.message.make_query(owner, "TXT")
        small = ask(q, made_up["ours"][0], tcp=False)
        if small.flags & dns.flags.TC:
            cut += 1
            full = ask(q, made_up["ours"][1], tcp=True)
            assert not full.flags & dns.flags.TC
            assert section(full.answer) == section(ask(q, made_up["nsd"][1], tcp=True).answer)
            assert len(full.to_wire()) > 512
    assert cut, "the random zone should hold an RRset too big for 512 bytes"
