"""The zone-file parser (RFC 1035 master files) and the C it generates for the DNS appliance."""

from __future__ import annotations

import textwrap

import pytest

from workbench.core.builder.generators.zonefile import load_zone, name_to_wire, parse_zone
from workbench.core.builder.generators.zonetables import ZoneTables, zone_report, zone_to_c
from workbench.core.model.errors import WorkbenchError

from .conftest import RECIPES

HEAD = """\
$ORIGIN example.org.
$TTL 3600
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
  IN NS ns1
ns1 IN A 192.0.2.53
"""


def zone(body: str, head: str = HEAD, origin=None):
    return parse_zone(head + textwrap.dedent(body), "test.zone", origin)


def error_of(text: str, origin=None) -> WorkbenchError:
    with pytest.raises(WorkbenchError) as info:
        parse_zone(textwrap.dedent(text), "bad.zone", origin)
    assert str(info.value.file) == "bad.zone"
    return info.value


def test_the_example_zone_parses():
    z = load_zone(RECIPES / "data" / "example.zone")
    assert z.origin == "example.org."
    assert {r.type for r in z.records} >= {"SOA", "NS", "A", "AAAA", "CNAME", "MX", "TXT"}
    assert "b.example.org." in z.nodes()  # empty non-terminal of a.b.example.org


def test_relative_names_at_sign_and_blank_owner():
    z = zone("""\
        www     IN A    192.0.2.80
                IN AAAA 2001:db8::80
        abs.example.org. IN A 192.0.2.1
        """)
    assert [(r.owner, r.type) for r in z.records[-3:]] == [
        ("www.example.org.", "A"), ("www.example.org.", "AAAA"), ("abs.example.org.", "A")]
    assert z.records[0].owner == "example.org."


def test_ttl_and_class_in_either_order_and_with_units():
    z = zone("""\
        a 300 IN A 192.0.2.1
        b IN 1h30m A 192.0.2.2
        c A 192.0.2.3
        """)
    assert [r.ttl for r in z.records[-3:]] == [300, 5400, 3600]


def test_parentheses_comments_and_quoted_strings():
    z = zone("""\
        txt IN TXT ( "first; not a comment" ; a comment
                     "with \\"quotes\\"" plain \\065BC )
        mx  IN MX ( 10
                    mail ) ; the mail server
        """)
    txt = z.lookup("txt.example.org.", "TXT")[0]
    assert txt.rdata == [b"first; not a comment", b'with "quotes"', b"plain", b"ABC"]
    assert z.lookup("mx.example.org", "MX")[0].rdata == (10, "mail.example.org.")


def test_origin_can_change_and_come_from_the_caller():
    z = zone("""\
        $ORIGIN sub.example.org.
        host IN A 192.0.2.9
        """)
    assert z.records[-1].owner == "host.sub.example.org."
    z2 = parse_zone("@ 60 IN SOA ns h 1 2 3 4 5\n@ 60 IN NS ns\n", "x.zone", origin="example.net")
    assert z2.origin == "example.net." and z2.records[1].rdata == "ns.example.net."


def test_names_are_case_insensitive_and_stored_lower_case():
    z = zone("WWW IN A 192.0.2.1\n")
    assert z.records[-1].owner == "www.example.org."
    assert name_to_wire("WwW.Example.ORG.") == b"\x03www\x07example\x03org\x00"


def test_duplicate_records_are_one():
    z = zone("a IN A 192.0.2.1\na IN A 192.0.2.1\n")
    assert len(z.lookup("a.example.org.", "A")) == 1


def test_soa_without_ttl_uses_its_minimum():
    z = parse_zone("$ORIGIN example.org.\n@ IN SOA ns h 1 2 3 4 77\n@ IN NS ns\n")
    assert z.soa.ttl == 77 and z.records[1].ttl == 77


@pytest.mark.parametrize("text,line,words", [
    ("$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\n@ IN NS ns\nwww IN A 999.1.1.1\n",
     5, ["999.1.1.1", "IPv4"]),
    ("$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\n@ IN NS ns\nwww IN SRV 0 0 80 x\n",
     5, ["SRV", "valid types"]),
    ("$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\n@ IN NS ns\n@ IN MX mail\n",
     5, ["MX", "expected 2"]),
    ("$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\n@ IN NS ns\nx IN TXT \"open\n",
     5, ["never closed"]),
    ("$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h ( 1 2 3\n 4 5\n@ IN NS ns\n", 3,
     ["'('", "never closed"]),
    ("$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\n@ IN NS ns\n"
     "alias IN CNAME www\nalias IN A 192.0.2.1\n", 6, ["CNAME and other"]),
    ("$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\n@ IN NS ns\n"
     "www.example.com. IN A 192.0.2.1\n", 5, ["outside the zone"]),
    ("$TTL 60\nwww IN A 192.0.2.1\n", 2, ["relative name", "$ORIGIN"]),
    ("$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\n@ IN NS ns\n" + "x" * 64 +
     " IN A 192.0.2.1\n", 5, ["63"]),
    ("$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\n@ IN NS ns\nwww CH A 192.0.2.1\n",
     5, ["class CH"]),
    ("$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\n@ IN NS ns\n$INCLUDE other.zone\n",
     5, ["$INCLUDE"]),
    ("$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\n@ IN NS ns\n"
     "@ IN SOA ns h 2 2 3 4 5\n", 5, ["second SOA"]),
    ("$ORIGIN example.org.\n$TTL 6x\n", 2, ["not a TTL"]),
    ("$ORIGIN example.org.\n@ IN SOA ns h 1 2 3 4 5\n", 2, ["no NS"]),
    ("$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\n@ IN NS ns\n*.x IN NS ns.x\n",
     5, ["wildcard cannot delegate", "*.x.example.org."]),
    ("$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\n@ IN NS ns\n  ) \n", 5, ["')'"]),
])
def test_bad_zones_name_the_line_and_what_is_valid(text, line, words):
    e = error_of(text)
    assert e.line == line, str(e)
    for w in words:
        assert w in str(e), str(e)
    assert e.hint, "every zone error says what would be valid"


def test_a_zone_without_soa_is_an_error():
    e = error_of("$ORIGIN example.org.\n$TTL 60\n@ IN NS ns\n")
    assert "SOA" in e.message and "SOA" in e.hint


def test_generated_c_lists_nodes_and_records():
    z = load_zone(RECIPES / "data" / "example.zone")
    c = zone_to_c(z, "example.zone")
    assert "const struct zone_node zone_nodes[]" in c and "const struct zone_rr zone_rrs[]" in c
    assert f"zone_node_count = {len(z.nodes())};" in c
    assert f"zone_rr_count = {len(z.records)};" in c
    # the apex comes first: the server finds the zone's SOA owner at index 0
    assert c.index("/* example.org. */") < c.index("/* www.example.org. */")


def test_a_bad_zone_fails_the_build_with_its_line(tmp_path):
    from workbench.core.builder.pipeline import build_recipe

    bad = tmp_path / "bad.zone"
    bad.write_text(HEAD + "www IN A not-an-address\n")
    recipe = tmp_path / "r.toml"
    recipe.write_text('name = "r"\napplication = "dns"\n[options.dns]\nzone = "bad.zone"\n')
    with pytest.raises(WorkbenchError) as info:
        build_recipe(recipe, tmp_path / "out")
    assert info.value.line == 6 and str(info.value.file) == str(bad)
    missing = tmp_path / "m.toml"
    missing.write_text('name = "m"\napplication = "dns"\n[options.dns]\nzone = "nope.zone"\n')
    with pytest.raises(WorkbenchError) as info:
        build_recipe(missing, tmp_path / "out2")
    assert "nope.zone" in info.value.message and "relative to the recipe" in info.value.hint


TABLES_ZONE = """\
    www      IN A     192.0.2.80
    alias    IN CNAME web
    web      IN CNAME www
    @        IN MX    10 mail
    mail     IN A     192.0.2.25
    lost     IN MX    10 host.sub
    sub      IN NS    ns.sub
    ns.sub   IN A     192.0.2.153
    x.sub    IN TXT   "hidden below the cut"
    *.wild   IN A     192.0.2.42
    *.wild   IN AAAA  2001:db8::42
    fixed.wild IN A   192.0.2.43
    @        IN MX    20 any.wild
    """


def test_tables_mark_delegations_wildcards_and_additional_targets():
    t = ZoneTables(zone(TABLES_ZONE))
    at = t.index
    sub = at["sub.example.org."]
    assert t.cut[sub] == sub and t.cut[at["ns.sub.example.org."]] == sub
    assert t.cut[at["www.example.org."]] == -1 and t.cut[0] == -1  # the apex NS is no cut
    assert t.wildcard[at["wild.example.org."]] == at["*.wild.example.org."]
    assert "wild.example.org." in t.nodes  # an empty non-terminal: it blocks "*.example.org"
    targets = {e.target: e for e in t.extras}
    assert targets["mail.example.org."].node == at["mail.example.org."]
    assert targets["ns.sub.example.org."].glue  # glue: sent with referrals only
    assert targets["any.wild.example.org."].node == at["*.wild.example.org."]
    assert "host.sub.example.org." not in targets  # below the cut and without addresses
    # RRsets are contiguous: the two MX records at the apex sit together
    apex_types = [r.type for r in t.records[0]]
    assert apex_types == sorted(apex_types, key=apex_types.index)


def test_the_report_explains_each_finding():
    report = "\n".join(zone_report(ZoneTables(zone(TABLES_ZONE))))
    assert "delegation sub.example.org.: queries at or below it get a referral" in report
    assert "wildcard *.wild.example.org.: answers names below wild.example.org." in report
    assert "CNAME chain alias.example.org. -> web.example.org. -> www.example.org." in report
    assert "occluded line 14: x.sub.example.org. TXT" in report
    assert "additional any.wild.example.org.: address records" in report and \
        "(from the wildcard *.wild.example.org.)" in report


def test_cname_loops_are_reported():
    report = "\n".join(zone_report(ZoneTables(zone("a IN CNAME b\nb IN CNAME a\n"))))
    assert "a loop" in report
