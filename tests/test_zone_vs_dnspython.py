"""The zone compiler against dnspython's master-file parser: the same zone text must give the
same records (owner, TTL, type and the data's wire form), feature by feature of RFC 1035's
format — directives, relative names, omitted owners, TTL units, class and TTL in either order,
parentheses, comments, quoted strings and their escapes.

(A differential test: dnspython is an independent reading of the same RFC.)
"""

from __future__ import annotations

import dns.rdataclass
import dns.zone
import pytest

from workbench.core.builder.generators.zonefile import parse_zone

SOA = ("@ 3600 IN SOA ns1 hostmaster.example.org. ( 2024010101 7200 3600 1209600 300 )\n"
       "@ NS ns1.example.org.\n")
ZONES = {
    "basic": SOA + "@ NS ns1\nns1 A 192.0.2.53\nwww 300 IN A 192.0.2.80\nwww AAAA 2001:db8::80\n",
    "ttl-units": "$TTL 1h\n" + SOA + "a 1w2d3h4m5s A 192.0.2.1\nb IN 90 A 192.0.2.2\nc 2M A 192.0.2.3\n",
    "origin": SOA + "$ORIGIN sub.example.org.\nx A 192.0.2.9\n$ORIGIN example.org.\ny A 192.0.2.10\n",
    "blank-owner": SOA + "mail A 192.0.2.25\n     MX 10 mail\n     TXT \"hi\"\n",
    "case": SOA + "WWW.Example.ORG. A 192.0.2.1\nMiXeD CNAME WWW\n",
    "mx-and-cname": SOA + "@ MX 10 mail.example.org.\n@ MX 20 mx2\nweb CNAME www\n",
    "txt": SOA + 'a TXT "one" "two" three\nb TXT "with \\"quotes\\" and \\\\"\n'
                 'c TXT "\\065\\066C"\nd TXT ""\ne TXT "semi;colon" ; a comment\n',
    "parens": SOA + "n ( A\n  192.0.2.7 ) ; the address\n",
    "wildcard": SOA + "*.w A 192.0.2.99\n*.example.org. TXT \"any\"\n",
    "deep": SOA + "a.b.c.d.e A 192.0.2.1\nx-y_z A 192.0.2.2\n",
    "soa-fields": "@ IN SOA ns1.example.org. h.example.org. 1 2 3 4 5\n@ NS ns1\n",
}


def ours(text: str) -> set:
    zone = parse_zone(text, origin="example.org.")
    return {(r.owner, r.ttl, r.type, r.rdata_wire()) for r in zone.records}


def theirs(text: str) -> set:
    zone = dns.zone.from_text(text, origin="example.org.", relativize=False, check_origin=False,
                              rdclass=dns.rdataclass.IN)
    return {(name.to_text().lower(), ttl, rd.rdtype.name, rd.to_digestable())
            for name, ttl, rd in zone.iterate_rdatas()}


@pytest.mark.parametrize("name", sorted(ZONES))
def test_the_same_records_as_dnspython(name):
    text = ZONES[name]
    mine, reference = ours(text), theirs(text)
    # dnspython lower-cases names inside the data in its canonical form; compare that way
    assert {(o, t, ty, w.lower()) for o, t, ty, w in mine} == \
        {(o, t, ty, w.lower()) for o, t, ty, w in reference}
    assert len(mine) == len(reference)


def test_the_example_zone_is_read_as_dnspython_reads_it():
    from tests.conftest import RECIPES

    text = (RECIPES / "data" / "example.zone").read_text()
    assert ours(text) and {(o, t, ty) for o, t, ty, _ in ours(text)} == \
        {(o, t, ty) for o, t, ty, _ in theirs(text)}
