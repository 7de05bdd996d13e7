"""Every mistake the zone compiler can find, word for word: the message, the line it names and
the hint saying what would be valid (a learner reads these instead of a stack trace), and the
limits of RFC 1035 exactly at their edges (63-byte labels, 255-byte names, 16- and 32-bit
numbers, the largest TTL, 255-byte strings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.builder.generators.zonefile import (
    MAX_TABLE_ENTRIES,
    canonical_key,
    check_table_size,
    load_zone,
    name_to_wire,
    parse_zone,
    split_labels,
)
from workbench.core.model.errors import WorkbenchError

H = "$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\n@ IN NS ns\n"  # line 5 is next
TTL_HINT = ("a TTL is a whole number of seconds from 0 to 2147483647, or with units w d h m s "
            "(1h30m)")
TYPES_HINT = "valid types: A, AAAA, CNAME, MX, NS, SOA, TXT"
DDD = "\\DDD is one byte: exactly three ASCII digits, 000 to 255"
A63, B63, C63 = "a" * 63, "b" * 63, "c" * 63  # three full labels: 192 bytes of a name

CASES = [
    # the lexer: parentheses and quotes
    ("$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h ( 1 2 3\n 4 5\n@ IN NS ns\n",
     "'(' is never closed", 3, "add the matching ')' at the end of the record"),
    (H + "  ) \n", "')' without a matching '('", 5,
     "parentheses group one record over several lines: ( ... )"),
    (H + 'x IN TXT "open\nmore\n', "a quoted string is never closed", 5,
     'close it with a double quote: "like this"'),
    # character strings and their escapes
    (H + 'x IN TXT "a\\300"\n', "escape \\300 is above 255", 5, "\\DDD is one byte, 000 to 255"),
    (H + 'x IN TXT "a\\12x"\n', "escape \\12x is not \\DDD", 5, DDD),
    (H + 'x IN TXT "a\\1"\n', "escape \\1 is not \\DDD", 5, DDD),
    (H + 'x IN TXT "' + "a" * 256 + '"\n', "TXT string of 256 bytes", 5,
     'each string is at most 255 bytes; split it into several quoted strings: "part one" '
     '"part two"'),
    (H + "x IN TXT " + " ".join(['"' + "a" * 255 + '"'] * 257) + "\n",
     "TXT record of 65792 bytes", 5, "a record's data is at most 65535 bytes (its length is 16 "
     "bits); split it into several TXT records"),
    (H + "x IN TXT\n", "TXT record has 0 data fields, expected 1", 5,
     'TXT takes one or more strings of at most 255 bytes, e.g.  @  IN TXT "hello world"'),
    # TTLs
    (H + "x 6x IN A 192.0.2.1\n", "'6x' is not a valid TTL", 5, TTL_HINT),
    (H + "x -5 A 192.0.2.1\n", "'-5' is not a valid TTL", 5, TTL_HINT),
    (H + "$TTL 6x\n", "'6x' is not a TTL", 5,
     "a TTL is seconds (3600) or with units w d h m s (1h30m)"),
    (H + "$TTL 2147483648\n", "TTL 2147483648 is too large", 5, "the largest TTL is 2147483647"),
    (H + "$TTL 3551w\n", "TTL 2147644800 is too large", 5, "the largest TTL is 2147483647"),
    ("$ORIGIN example.org.\n@ IN NS ns\n", "record has no TTL and there is no $TTL before it", 2,
     "put  $TTL 3600  at the top of the file"),
    # names
    (H + '"www" IN A 192.0.2.1\n', "owner name 'www' must not be quoted", 5,
     "write names without quotes: www.example.org."),
    (H + 'www IN CNAME "web"\n', "CNAME target 'web' must not be quoted", 5,
     "write names without quotes: www.example.org."),
    ("@ 60 IN SOA ns h 1 2 3 4 5\n", "'@' used but no origin is known", 1,
     "put  $ORIGIN example.org.  at the top of the file"),
    ("$TTL 60\nwww IN A 192.0.2.1\n", "relative name 'www' but no origin is known", 2,
     "put  $ORIGIN example.org.  at the top of the file, or end the name with a dot"),
    (H + "a\\300 IN A 192.0.2.1\n", "bad owner name 'a\\300': escape \\300 is above 255 (one byte)",
     5, "in a name, \\. is a dot inside a label and \\DDD one byte (000 to 255)"),
    (H + "a..b IN A 192.0.2.1\n", "owner name 'a..b' has an empty label (two dots in a row)", 5,
     "labels are separated by single dots: www.example.org."),
    (H + "x" * 64 + " IN A 192.0.2.1\n", "label 'xxxxxxxxxxxxxxxxxxxx...' in owner name '"
     + "x" * 64 + "' is 64 bytes long", 5, "a label is at most 63 bytes"),
    (H + "@ IN MX 10 " + "m" * 64 + "\n", "label 'mmmmmmmmmmmmmmmmmmmm...' in mail server '"
     + "m" * 64 + "' is 64 bytes long", 5, "a label is at most 63 bytes"),
    (H + f"{A63}.{B63}.{C63}.{'d' * 50} IN A 192.0.2.1\n",  # 3 * 64 + 51 + 13 = 256 bytes
     f"owner name '{A63}.{B63}.{C63}.{'d' * 50}' is longer than 255 bytes", 5,
     "a whole name is at most 255 bytes in wire format"),
    (H + "☃ IN A 192.0.2.1\n", "owner name '☃' is not a valid internationalised name (Codepoint "
     "U+2603 at position 1 of '☃' not allowed)", 5,
     "write it in its ASCII form (xn--…) or with letters and digits IDNA allows"),
    # numbers
    (H + "@ IN MX x mail\n", "MX preference 'x' is not a number from 0 to 65535", 5,
     "write it in decimal digits, e.g. 10"),
    (H + "@ IN MX 65536 mail\n", "MX preference '65536' is not a number from 0 to 65535", 5,
     "write it in decimal digits, e.g. 10"),
    (H + "@ IN MX ١ mail\n", "MX preference '١' is not a number from 0 to 65535", 5,
     "write it in decimal digits, e.g. 10"),
    (H + "@ IN SOA ns h 4294967296 2 3 4 5\n",
     "SOA serial '4294967296' is not a number from 0 to 4294967295", 5,
     "write it in decimal digits, e.g. 10"),
    # directives
    (H + "$ORIGIN a b.\n", "$ORIGIN takes one name", 5, "e.g.  $ORIGIN example.org."),
    ("$ORIGIN example\n", "the first $ORIGIN must be an absolute name (ending with a dot)", 1,
     "e.g.  $ORIGIN example.org."),
    (H + "$TTL\n", "$TTL takes one value", 5, "e.g.  $TTL 3600  or  $TTL 1h"),
    (H + "$TTL 1 2\n", "$TTL takes one value", 5, "e.g.  $TTL 3600  or  $TTL 1h"),
    (H + "$GENERATE 1-2 x A 1.2.3.4\n", "$GENERATE is not supported", 5,
     "put every record in this one file"),
    (H + "$include other.zone\n", "$INCLUDE is not supported", 5, "put every record in this one file"),
    (H + "$FOO x\n", "unknown directive '$FOO'", 5, "valid: $ORIGIN, $TTL"),
    # records
    ("  IN A 192.0.2.1\n", "this record starts with a blank, which means 'same owner as the "
     "record before', but there is no record before", 1, "start the line with the owner name (or @)"),
    (H + "www HS A 192.0.2.1\n", "class HS is not supported", 5, "use class IN (or leave it out)"),
    (H + "www cs A 192.0.2.1\n", "class CS is not supported", 5, "use class IN (or leave it out)"),
    (H + "www 60 IN\n", "record has no type", 5, TYPES_HINT),
    (H + "www IN SRV 0 0 80 x\n", "unsupported record type 'SRV'", 5, TYPES_HINT),
    (H + "www IN A 1.2.3.4 5.6.7.8\n", "A record has 2 data fields, expected 1", 5,
     "A takes an IPv4 address, e.g.  www  IN A 192.0.2.10"),
    (H + "www IN MX 10\n", "MX record has 1 data field, expected 2", 5,
     "MX takes a preference and a mail server name, e.g.  @  IN MX 10 mail"),
    (H + "www IN A\n  999.1.1.1\n", "A record has 0 data fields, expected 1", 5,
     "A takes an IPv4 address, e.g.  www  IN A 192.0.2.10"),
    (H + "www IN A ( \n 999.1.1.1 )\n", "'999.1.1.1' is not an IPv4 address", 6,
     "A takes an IPv4 address, e.g.  www  IN A 192.0.2.10"),
    (H + "www IN AAAA 2001:db8::zz\n", "'2001:db8::zz' is not an IPv6 address", 5,
     "AAAA takes an IPv6 address, e.g.  www  IN AAAA 2001:db8::10"),
    (H + "www IN SOA ns h 1 2 3 4\n", "SOA record has 6 data fields, expected 7", 5,
     "SOA takes mname rname serial refresh retry expire minimum, e.g.  @ IN SOA ns1 hostmaster "
     "2024010101 7200 3600 1209600 300"),
    # the zone as a whole
    ("$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns h 1 2 3 4 5\nx IN NS ns\n",
     "the zone apex example.org. has no NS record", 3,
     "add the zone's name servers, e.g.  @  IN NS ns1"),
    (H + "@ IN SOA ns h 2 2 3 4 5\n", "a second SOA record (a zone has exactly one)", 5,
     "the first one is on line 3"),
    (H + "www.example.com. IN A 192.0.2.1\n", "www.example.com. is outside the zone example.org.",
     5, "every owner name must end with example.org."),
    (H + "wwwexample.org. IN A 192.0.2.1\n", "wwwexample.org. is outside the zone example.org.",
     5, "every owner name must end with example.org."),
    (H + "*.x IN NS ns.x\n", "a wildcard cannot delegate: NS record at *.x.example.org.", 5,
     "name the child zone: sub IN NS ns.sub (RFC 4592 §4.2: wildcard NS records have no defined "
     "meaning)"),
    (H + "alias IN A 192.0.2.1\nalias IN CNAME www\n", "alias.example.org. has a CNAME and other "
     "records", 6, "a name with a CNAME (line 6) can have no other data (RFC 1034 §3.6.2); give "
     "the other records another name"),
    (H + "b IN CNAME www\n\nb IN CNAME web\n", "b.example.org. has a CNAME and other records", 7,
     "a name with a CNAME (line 5) can have no other data (RFC 1034 §3.6.2); give the other "
     "records another name"),
]


@pytest.mark.parametrize("text,message,line,hint", CASES, ids=[c[1][:40] for c in CASES])
def test_each_mistake_word_for_word(text, message, line, hint):
    with pytest.raises(WorkbenchError) as info:
        parse_zone(text, "t.zone")
    e = info.value
    assert (e.message, e.line, e.hint, e.file) == (message, line, hint, Path("t.zone"))


def test_a_zone_without_soa_names_the_file_and_the_form():
    with pytest.raises(WorkbenchError) as info:
        parse_zone("$ORIGIN example.org.\n$TTL 60\n@ IN NS ns\n", "t.zone")
    assert (info.value.message, info.value.line, info.value.file) == (
        "the zone has no SOA record", None, Path("t.zone"))
    assert info.value.hint == ("a zone starts with exactly one SOA record at its apex, e.g. "
                               "@ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300")


def test_limits_hold_exactly_at_their_edges():
    z = parse_zone(H + f"{A63}.{B63}.{C63}.{'d' * 49} 2147483647 IN A 192.0.2.1\n"
                   "@ IN MX 65535 mail\n$TTL 1w1d1h1m1s\nt TXT \"" + "a" * 255 + '"\n', "t.zone")
    long_name, mx, txt = z.records[-3:]
    assert len(name_to_wire(long_name.owner)) == 255 and long_name.ttl == 2**31 - 1
    assert mx.rdata == (65535, "mail.example.org.") and txt.ttl == 694861
    assert txt.rdata == [b"a" * 255]
    soa = parse_zone("$ORIGIN example.org.\n@ IN SOA ns h 4294967295 0 0 0 0\n@ NS ns\n").soa
    assert soa.rdata[2] == 2**32 - 1 and soa.ttl == 0


def test_the_table_limits_of_the_appliance():
    check_table_size("names", MAX_TABLE_ENTRIES, None)  # the largest that fits: no error
    with pytest.raises(WorkbenchError) as info:
        check_table_size("records", MAX_TABLE_ENTRIES + 1, Path("big.zone"))
    e = info.value
    assert (e.message, e.file, e.line) == (
        "the zone has 65,536 records; the DNS appliance holds at most 65,535", Path("big.zone"), None)
    assert e.hint == ("its tables count them in 16 bits (kernels/lib/dns/zone.h): split the zone, "
                      "or delegate part of it to other servers")


def test_zone_files_that_cannot_be_read(tmp_path):
    with pytest.raises(WorkbenchError) as info:
        load_zone(tmp_path / "none.zone")
    assert (info.value.message, info.value.file) == ("zone file not found", tmp_path / "none.zone")
    bad = tmp_path / "latin1.zone"
    bad.write_bytes(H.encode() + b"caf\xe9 IN A 192.0.2.1\n")
    with pytest.raises(WorkbenchError) as info:
        load_zone(bad)
    assert (info.value.message, info.value.file) == (
        "zone file is not UTF-8 text (invalid continuation byte)", bad)
    bom = tmp_path / "bom.zone"
    bom.write_bytes(b"\xef\xbb\xbf" + H.encode())
    z = load_zone(str(bom), origin="EXAMPLE.org")
    assert z.origin == "example.org." and z.path == bom and len(z.records) == 2


def test_names_with_escapes_and_international_names():
    assert split_labels("a\\.b.example.org.") == [b"a.b", b"example", b"org"]
    assert split_labels("\\065b\\067.x") == [b"AbC", b"x"]
    assert split_labels("\\255\\000.") == [b"\xff\x00"]
    assert split_labels("\\12.x") == [b"12", b"x"]  # not three digits: the digit itself
    assert split_labels("a\\\\b.") == [b"a\\b"] and split_labels("") == []
    with pytest.raises(ValueError, match=r"^escape \\256 is above 255 \(one byte\)$"):
        split_labels("\\256.")
    with pytest.raises(ValueError, match="^a name cannot end with a backslash$"):
        split_labels("abc\\")
    assert name_to_wire(".") == b"\0" and name_to_wire("\\065B.") == b"\x02ab\0"
    assert canonical_key("WWW.Example.ORG.") == [b"org", b"example", b"www"]
    z = parse_zone(H + "日本 IN A 192.0.2.1\na\\.b IN A 192.0.2.2\nA\\066C.example.org. IN A 192.0.2.3\n")
    assert [r.owner for r in z.records[-3:]] == [
        "xn--wgv71a.example.org.", "a\\.b.example.org.", "a\\066c.example.org."]
    assert z.records[-2].rdata_wire() == bytes([192, 0, 2, 2])
    assert name_to_wire(z.records[-2].owner) == b"\x03a.b\x07example\x03org\0"
    # a name ending in an escaped dot is relative: the origin follows
    assert parse_zone(H + "dot\\. IN A 192.0.2.4\n").records[-1].owner == "dot\\..example.org."


def test_the_root_zone_and_an_origin_of_dot():
    z = parse_zone("$ORIGIN .\n$TTL 60\n@ IN SOA a.root. b.root. 1 2 3 4 5\n@ NS a.root.\n"
                   "org NS a0.org\n*. TXT \"any\"\n")
    assert z.origin == "." and [r.owner for r in z.records] == [".", ".", "org.", "*."]
    assert z.records[2].rdata == "a0.org." and z.nodes() == [".", "*.", "org."]


def test_records_in_their_wire_and_presentation_forms():
    z = parse_zone(H + 'mx MX 10 mail\nt TXT "say \\"hi\\"" x\nv6 AAAA 2001:db8::1\n'
                   "c CNAME www\n")
    soa, ns, mx, txt, v6, cname = z.records
    assert soa.rdata_wire() == (b"\x02ns\x07example\x03org\0\x01h\x07example\x03org\0"
                                + b"".join(n.to_bytes(4, "big") for n in (1, 2, 3, 4, 5)))
    assert mx.rdata_wire() == b"\x00\x0a\x04mail\x07example\x03org\0"
    assert txt.rdata_wire() == b'\x08say "hi"\x01x' and len(v6.rdata_wire()) == 16
    assert [r.presentation() for r in z.records] == [
        "example.org. 60 IN SOA ns.example.org. h.example.org. 1 2 3 4 5",
        "example.org. 60 IN NS ns.example.org.",
        "mx.example.org. 60 IN MX 10 mail.example.org.",
        't.example.org. 60 IN TXT "say \\"hi\\"" "x"',
        "v6.example.org. 60 IN AAAA 2001:db8::1",
        "c.example.org. 60 IN CNAME www.example.org.",
    ]


def test_lines_are_counted_inside_quotes_and_parentheses():
    z = parse_zone(H + 'a TXT "one\ntwo" ; a comment with "quotes" and ( parens\n'
                   'b TXT "x\\\ny"\nc ( A\n ; inside\n 192.0.2.3 )\nd A 192.0.2.4\n')
    assert [(r.owner.split(".")[0], r.line) for r in z.records[2:]] == [
        ("a", 5), ("b", 7), ("c", 9), ("d", 12)]
    assert z.records[2].rdata == [b"one\ntwo"] and z.records[3].rdata == [b"x\ny"]


def test_owners_ttls_and_classes_carry_over():
    z = parse_zone("$ORIGIN example.org.\n@ 300 IN SOA ns h 1 2 3 4 5\n NS ns\n"
                   "a IN 20 A 192.0.2.1\n\tTXT \"same owner, last TTL\"\n"
                   "$origin sub.example.org.\nb A 192.0.2.2\n")
    assert [(r.owner, r.ttl, r.type) for r in z.records] == [
        ("example.org.", 300, "SOA"), ("example.org.", 300, "NS"), ("a.example.org.", 20, "A"),
        ("a.example.org.", 20, "TXT"), ("b.sub.example.org.", 20, "A")]
    # a word starting with $ after a blank is no directive: it is taken as the record's type
    with pytest.raises(WorkbenchError, match="unsupported record type '\\$TTL'"):
        parse_zone(H + "a A 192.0.2.1\n  $TTL 5\n")


def test_the_nodes_in_canonical_order_with_empty_non_terminals():
    """RFC 4034 §6.1 order (labels compared from the right, a parent before its children), the
    apex first; names between an owner and the apex exist (empty non-terminals), a name only
    named in data (ns, the NS target) does not."""
    z = parse_zone(H + "z A 192.0.2.1\nb.a A 192.0.2.2\nA A 192.0.2.3\nx.y.z.w A 192.0.2.4\n"
                   "*.q A 192.0.2.5\n")
    assert z.nodes() == ["example.org.", "a.example.org.", "b.a.example.org.", "q.example.org.",
                         "*.q.example.org.", "w.example.org.", "z.w.example.org.",
                         "y.z.w.example.org.", "x.y.z.w.example.org.", "z.example.org."]


def test_a_last_comment_without_a_line_end_and_nested_parentheses():
    z = parse_zone(H + "a ( ( A ) 192.0.2.1 ) ; the end, no line end after it")
    assert z.records[-1].rdata == "192.0.2.1" and z.records[-1].line == 5


def test_a_zone_file_that_is_no_regular_file(tmp_path):
    import os

    os.mkfifo(tmp_path / "f.zone")
    with pytest.raises(WorkbenchError) as info:
        load_zone(tmp_path / "f.zone")
    assert (info.value.message, info.value.file) == (
        "the zone file is a FIFO (named pipe), not a regular file", tmp_path / "f.zone")
