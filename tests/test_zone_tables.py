"""The zone's tables as the DNS appliance reads them: the generated C is compiled with the
host's C compiler and linked with a small program that prints every table back, so what is
checked is what the C says, not the generator's own idea of it. And the report (zone.txt)
word for word: each RFC 1034 §4.3.2 case the compiler decides at build time — delegations
and what they occlude, wildcards, empty non-terminals, additional and glue addresses, where
each CNAME chain ends."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from workbench.core.builder.generators.zonefile import parse_zone
from workbench.core.builder.generators.zonetables import (
    ZoneTables,
    generate,
    parent,
    zone_report,
    zone_to_c,
)
from workbench.core.model.errors import WorkbenchError

from .conftest import KERNELS

DUMP = r"""
#include <stdio.h>
#include "zone.h"
static int wire_len(const uint8_t *p) { int n = 0; while (p[n]) n += p[n] + 1; return n + 1; }
static void hex(const uint8_t *p, int n) { for (int i = 0; i < n; i++) printf("%02x", p[i]); }
int main(void) {
    int extras = 0;
    printf("counts %u %u %u\n", zone_node_count, zone_rr_count, zone_soa);
    for (int i = 0; i < zone_node_count; i++) {
        const struct zone_node *n = &zone_nodes[i];
        printf("node "); hex(n->name, wire_len(n->name));
        printf(" %u %u %d %d\n", n->first_rr, n->rr_count, n->cut, n->wildcard);
    }
    for (int i = 0; i < zone_rr_count; i++) {
        const struct zone_rr *r = &zone_rrs[i];
        printf("rr %u %u %u ", r->type, r->ttl, r->rdlength); hex(r->rdata, r->rdlength);
        printf(" %d\n", r->extra);
        if (r->extra + 1 > extras) extras = r->extra + 1;
    }
    for (int i = 0; i < extras; i++) {
        printf("extra "); hex(zone_extras[i].name, wire_len(zone_extras[i].name));
        printf(" %d %u\n", zone_extras[i].node, zone_extras[i].glue);
    }
    return 0;
}
"""
HEAD = "$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\n@ NS ns\n"
ORG = "076578616d706c65036f726700"  # example.org. in wire format
NS = "026e73" + ORG


def zone(body: str, head: str = HEAD):
    return parse_zone(head + textwrap.dedent(body), "t.zone")


def tables_in_c(tmp_path, z) -> list[str]:
    """The tables the generated C holds, printed by a program linked with it."""
    cc = shutil.which("gcc") or shutil.which("cc")
    assert cc, "a C compiler (gcc) is installed by scripts/setup.sh"
    (tmp_path / "zone.c").write_text(zone_to_c(z, "t.zone"))
    (tmp_path / "dump.c").write_text(DUMP)
    out = tmp_path / "dump"
    subprocess.run([cc, "-std=c11", "-Wall", "-Werror", "-I", str(KERNELS / "lib" / "dns"),
                    str(tmp_path / "zone.c"), str(tmp_path / "dump.c"), "-o", str(out)],
                   check=True, capture_output=True, text=True)
    return subprocess.run([str(out)], check=True, capture_output=True, text=True).stdout.splitlines()


def test_the_c_tables_of_a_zone_with_a_delegation_and_additional_targets(tmp_path):
    z = zone("""\
        @ MX 10 ns
        @ MX 20 ns
        ns A 192.0.2.53
        sub NS ns.sub
        ns.sub A 192.0.2.1
        """)
    sub = "03737562" + ORG
    assert tables_in_c(tmp_path, z) == [
        "counts 4 7 0",
        f"node {ORG} 0 4 -1 -1",  # the apex first: SOA, NS, the two MX (one RRset)
        f"node {NS} 4 1 -1 -1",
        f"node {sub} 5 1 2 -1",  # the delegation: its own cut
        f"node 026e73{sub} 6 1 2 -1",  # glue, below it
        "rr 6 60 51 " + NS + "0168" + ORG + "0000000100000002000000030000000400000005 -1",
        f"rr 2 60 16 {NS} 0",
        f"rr 15 60 18 000a{NS} 0",  # both MX name ns: one additional target, shared
        f"rr 15 60 18 0014{NS} 0",
        "rr 1 60 4 c0000235 -1",
        f"rr 2 60 20 026e73{sub} 1",
        "rr 1 60 4 c0000201 -1",
        f"extra {NS} 1 0",
        f"extra 026e73{sub} 3 1",  # glue: sent with referrals, not with MX answers
    ]


def test_the_c_tables_of_wildcards_and_a_soa_written_second(tmp_path):
    z = parse_zone("$ORIGIN w.\n$TTL 9\n@ NS ns.other.\n@ SOA ns.other. h 1 2 3 4 5\n"
                   "*.a TXT \"x\"\n*.a A 192.0.2.9\nb MX 1 any.a\n")
    a = "0161" + "017700"
    assert tables_in_c(tmp_path, z) == [
        "counts 4 5 1",  # the SOA is the apex's second record
        "node 017700 0 2 -1 -1",
        f"node {a} 2 0 -1 2",  # an empty non-terminal whose wildcard child is node 2
        f"node 012a{a} 2 2 -1 -1",
        "node 0162017700 4 1 -1 -1",
        "rr 2 9 10 026e73056f7468657200 -1",  # the target is another zone's: no addresses
        "rr 6 9 35 026e73056f74686572000168017700" + "0000000100000002000000030000000400000005 -1",
        "rr 16 9 2 0178 -1",
        "rr 1 9 4 c0000209 -1",
        f"rr 15 9 11 000103616e79{a} 0",
        f"extra 03616e79{a} 2 0",  # any.a does not exist: the wildcard's addresses go with it
    ]


def test_the_c_of_a_zone_without_additional_targets(tmp_path):
    z = parse_zone("@ 1 SOA a. b. 1 2 3 4 5\n@ NS a.\n", origin="x.")
    c = zone_to_c(z, "")
    assert c.startswith("/* Generated by the workbench's dns-zone generator from a zone.\n"
                        " * Do not edit: change the zone file and rebuild. What the generator "
                        "found:\n *   zone x.: 1 names (0 empty non-terminals), 2 records, 0 "
                        'additional targets\n */\n#include "zone.h"\n\nstatic const uint8_t '
                        "name_0[] = {\n    0x01, 0x78, 0x00,\n}; /* x. */\n")
    assert "const struct zone_extra zone_extras[] = {\n    {0, 0, 0},\n};\n" in c
    assert c.endswith("const uint16_t zone_node_count = 1;\nconst uint16_t zone_rr_count = 2;\n"
                      "const uint16_t zone_soa = 0;\n")
    assert tables_in_c(tmp_path, z) == ["counts 1 2 0", "node 017800 0 2 -1 -1",
                                         "rr 6 1 26 0161000162000000000100000002000000030000000400000005 -1",
                                         "rr 2 1 3 016100 -1"]


def test_bytes_are_written_twelve_to_a_row_and_comments_stay_comments():
    z = zone('t TXT "ends */ here" "' + "y" * 120 + '"\n')
    c = zone_to_c(z, "my */ zone")
    assert "from my * / zone." in c and "ends * / here" in c
    comment = next(ln for ln in c.splitlines() if "line 5: t.example.org." in ln)
    assert comment.endswith("*/") and len(comment.split("/* ", 1)[1]) == len("line 5: ") + 100 + 3
    rows = c.split("static const uint8_t rdata_2[] = {\n", 1)[1].split("\n}", 1)[0].splitlines()
    assert [len(r.split(",")) - 1 for r in rows] == [12] * 11 + [2]  # 13 + 121 = 134 bytes
    assert rows[0] == "    " + ", ".join(f"0x{b:02x}" for b in b"\x0cends */ her") + ","


REPORT_ZONE = """\
    www      A     192.0.2.80
    web      CNAME www
    alias    CNAME web
    far      CNAME www.example.com.
    gone     CNAME nowhere
    deep     CNAME x.sub
    card     CNAME any.wild
    loop1    CNAME loop2
    loop2    CNAME loop1
    @        MX    10 mail
    mail     A     192.0.2.25
    @        MX    20 other.wild
    sub      NS    ns.sub
    ns.sub   A     192.0.2.153
    x.sub    TXT   "hidden"
    a.sub    NS    ns.a.sub
    *.wild   A     192.0.2.42
    e.f.g    A     192.0.2.7
    """


def test_the_report_says_each_finding_and_what_it_makes_the_server_do():
    report = zone_report(ZoneTables(zone(REPORT_ZONE)))
    assert report == [
        "zone example.org.: 20 names (3 empty non-terminals), 20 records, 3 additional targets",
        "empty non-terminal g.example.org.: exists with no records; answers NODATA and blocks "
        "a wildcard above it",
        "empty non-terminal f.g.example.org.: exists with no records; answers NODATA and blocks "
        "a wildcard above it",
        "empty non-terminal wild.example.org.: exists with no records; answers NODATA and "
        "blocks a wildcard above it",
        "delegation sub.example.org.: queries at or below it get a referral (no AA) to "
        "ns.sub.example.org.",
        "wildcard *.wild.example.org.: answers names below wild.example.org. that do not exist, "
        "with the query's name as owner",
        "additional mail.example.org.: address records sent with the NS or MX record naming it",
        "additional other.wild.example.org.: address records sent with the NS or MX record "
        "naming it (from the wildcard *.wild.example.org.)",
        "additional ns.sub.example.org.: glue records sent with the NS or MX record naming it",
        "CNAME chain alias.example.org. -> web.example.org. -> www.example.org.",
        "CNAME chain card.example.org. -> any.wild.example.org.",
        "CNAME chain deep.example.org. -> x.sub.example.org. (below a delegation: a referral "
        "after the chain)",
        "CNAME chain far.example.org. -> www.example.com. (outside the zone: the client's "
        "resolver follows it)",
        "CNAME chain gone.example.org. -> nowhere.example.org. (does not exist: NXDOMAIN after "
        "the chain)",
        "CNAME chain loop1.example.org. -> loop2.example.org. -> loop1.example.org. (a loop: the "
        "answer stops where it repeats)",
        "CNAME chain loop2.example.org. -> loop1.example.org. -> loop2.example.org. (a loop: the "
        "answer stops where it repeats)",
        "CNAME chain web.example.org. -> www.example.org.",
        "occluded line 20: a.sub.example.org. NS is below the delegation sub.example.org. and is "
        "never answered",
        "occluded line 19: x.sub.example.org. TXT is below the delegation sub.example.org. and "
        "is never answered",
    ]


def test_one_empty_non_terminal_is_said_in_the_singular():
    assert zone_report(ZoneTables(zone("a.b A 192.0.2.1\n")))[0] == \
        "zone example.org.: 3 names (1 empty non-terminal), 3 records, 0 additional targets"


def test_delegations_wildcards_and_targets_in_the_tables():
    t = ZoneTables(zone(REPORT_ZONE))
    at = t.index
    sub, asub = at["sub.example.org."], at["a.sub.example.org."]
    assert t.cut[asub] == sub  # the highest cut wins: a.sub is inside sub's delegation
    assert [t.cut[at[n]] for n in ("example.org.", "www.example.org.", "wild.example.org.")] == [-1] * 3
    assert t.wildcard[at["wild.example.org."]] == at["*.wild.example.org."]
    assert t.wildcard[0] == -1 and t.wildcard[at["*.wild.example.org."]] == -1
    assert [(e.target, t.nodes[e.node], e.glue) for e in t.extras] == [
        ("mail.example.org.", "mail.example.org.", False),
        ("other.wild.example.org.", "*.wild.example.org.", False),
        ("ns.sub.example.org.", "ns.sub.example.org.", True)]
    ns_of_asub = t.records[asub][0]
    assert id(ns_of_asub) not in t.extra_of  # ns.a.sub has no address here
    assert [(r.owner, r.type) for r in t.occluded()] == [
        ("a.sub.example.org.", "NS"), ("x.sub.example.org.", "TXT")]
    assert t.closest("q.r.www.example.org.") == "www.example.org."
    assert t.closest("nothing.example.org.") == "example.org."


def test_the_root_zone_has_a_wildcard_at_star_dot():
    t = ZoneTables(parse_zone("$ORIGIN .\n$TTL 5\n@ SOA a.root. b.root. 1 2 3 4 5\n@ NS a.root.\n"
                              "*. TXT \"any\"\norg NS a.org\na.org A 192.0.2.1\n"))
    assert t.nodes == [".", "*.", "org.", "a.org."]
    assert t.wildcard == [1, -1, -1, -1] and t.cut == [-1, -1, 2, 2]
    assert [(e.target, e.node, e.glue) for e in t.extras] == [("a.org.", 3, True)]


@pytest.mark.parametrize("name,up", [("a.b.c.", "b.c."), ("c.", "."), (".", "."),
                                     ("a\\.b.c.", "b.c.")])
def test_parent(name, up):
    assert parent(name) == up


def test_generate_writes_the_c_and_the_report(tmp_path):
    src = tmp_path / "my.zone"
    src.write_text("@ 60 SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n")
    generate(src, tmp_path, {"origin": "example.net"})
    z = parse_zone(src.read_text(), src, "example.net.")
    assert (tmp_path / "zone.c").read_text() == zone_to_c(z, "my.zone")
    assert "from my.zone." in (tmp_path / "zone.c").read_text()
    assert (tmp_path / "zone.txt").read_text() == "\n".join(zone_report(ZoneTables(z))) + "\n"
    assert (tmp_path / "zone.txt").read_text().startswith("zone example.net.: 2 names")
    src.write_text("$ORIGIN example.com.\n@ 60 SOA ns h 1 2 3 4 5\n@ NS ns\n")
    generate(src, tmp_path, {"origin": ""})  # no origin given: the file's own
    assert (tmp_path / "zone.txt").read_text().startswith("zone example.com.: 1 names")


def test_the_apex_as_a_target_and_a_delegation_that_is_not_above_it():
    """The apex is node 0: an MX naming it takes its addresses, a CNAME to it ends there; a
    wildcard's answer is no glue though the node before it in the list is a delegation."""
    t = ZoneTables(zone("""\
        @ A 192.0.2.1
        @ MX 10 @
        a NS ns.elsewhere.
        *.w A 192.0.2.9
        @ MX 20 any.w
        c CNAME @
        """))
    assert t.nodes[1] == "a.example.org." and t.cut[1] == 1
    assert [(e.target, e.node, e.glue) for e in t.extras] == [
        ("example.org.", 0, False), ("any.w.example.org.", t.index["*.w.example.org."], False)]
    assert "CNAME chain c.example.org. -> example.org." in zone_report(t)


def test_a_delegation_to_several_servers_names_them_all():
    report = zone_report(ZoneTables(zone("sub NS ns1.sub\nsub NS ns2.sub\n")))
    assert ("delegation sub.example.org.: queries at or below it get a referral (no AA) to "
            "ns1.sub.example.org., ns2.sub.example.org.") in report


@pytest.mark.parametrize("what,names,per_name", [("names", 65535, 1), ("records", 1, 65534)])
def test_a_zone_too_big_for_the_appliance_is_refused(what, names, per_name):
    """Built as objects (a zone file that big would take long to parse): one more name, or one
    more record, than the appliance's 16-bit counts hold."""
    from workbench.core.builder.generators.zonefile import Record, Zone

    records = [Record("example.org.", 60, "SOA", ("ns.example.org.", "h.example.org.", 1, 2, 3,
                                                    4, 5), 1),
               Record("example.org.", 60, "NS", "ns.example.org.", 2)]
    records += [Record(f"n{i}.example.org.", 60, "TXT", [str(j).encode()], 3)
                for i in range(names) for j in range(per_name)]
    z = Zone("example.org.", records, Path("big.zone"))
    with pytest.raises(WorkbenchError) as info:
        zone_to_c(z)
    assert (info.value.message, info.value.file) == (
        f"the zone has 65,536 {what}; the DNS appliance holds at most 65,535", Path("big.zone"))
