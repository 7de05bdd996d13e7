"""Property tests of the two generators that read what a learner hands in: the zone parser and
the site collector. Whatever the input, the result is a valid zone or site, or the workbench's
own error (WorkbenchError) — never another exception."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.builder.generators.site import MAX_FILES, SITE_LIMIT, collect_site
from workbench.core.builder.generators.zonefile import name_to_wire, parse_zone
from workbench.core.model.errors import WorkbenchError

HEAD = ("$ORIGIN example.org.\n$TTL 3600\n@ IN SOA ns1 admin 1 7200 3600 1209600 300\n"
        "@ IN NS ns1\n")

# pieces a zone line is made of, right and wrong, with the characters that broke it before
TOKENS = st.sampled_from([
    "@", "www", "日本", "*.w", "a.b", "xn--wgv71a", "\\046", "\\999", "\\", "-5", "1²", "3600",
    "1h30m", "IN", "CH", "A", "AAAA", "MX", "TXT", "NS", "CNAME", "SOA", "10.0.0.1", "::1",
    "999.1.2.3", '"text"', '"\\²²²"', '"\\065"', '"', "(", ")", ";c", "$TTL", "$ORIGIN",
    "$INCLUDE", "ns1", ".", "..", "\ufeff", "\t", " "])
LINE = st.lists(st.one_of(TOKENS, st.text(max_size=6)), max_size=8).map(" ".join)


def check_zone(text: str) -> None:
    try:
        zone = parse_zone(text, "z.zone")
    except WorkbenchError:
        return
    assert sum(r.type == "SOA" for r in zone.records) == 1
    for r in zone.records:
        assert r.owner.isascii(), r.owner  # names go on the wire as they are
        assert r.owner.endswith(zone.origin)
        assert len(name_to_wire(r.owner)) <= 255
        assert len(r.rdata_wire()) <= 65535
        assert 0 <= r.ttl <= 2**31 - 1


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, max_size=6))
def test_zone_lines_after_a_valid_head(lines):
    check_zone(HEAD + "\n".join(lines) + "\n")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_a_zone_or_an_error(text):
    check_zone(text)


# --------------------------------------------------------------------------- site collector

NAMES = st.one_of(st.sampled_from(["index.html", "a.css", "sub", "site.toml", ".hidden",
                                   "a b.txt", "日本.txt", "x..y", "-"]),
                  st.text(st.characters(blacklist_characters="/\0"), min_size=1, max_size=12))
KINDS = st.sampled_from(["file", "file", "file", "folder", "fifo", "link-in", "link-out",
                         "link-loop", "site.toml"])
MANIFESTS = st.sampled_from([
    "", "garbage = [", '[[generated]]\npath = "g.bin"\nbytes = 16\n',
    '[[generated]]\npath = "g.bin"\nbytes = 67108864\n[[generated]]\npath = "h.bin"\n'
    "bytes = 67108864\n", '[[generated]]\npath = "../x"\nbytes = 1\n',
    '[[generated]]\npath = "g.bin"\nbytes = -1\n', "generated = 5\n"])


def make(root: Path, outside: Path, entries, manifest: str) -> None:
    for name, kind, data in entries:
        p = root / name
        if p.exists() or p.is_symlink():
            continue
        try:
            if kind == "folder":
                p.mkdir()
                (p / "index.html").write_bytes(data)
            elif kind == "fifo":
                os.mkfifo(p)
            elif kind == "link-in":
                p.symlink_to(root / "index.html")
            elif kind == "link-out":
                p.symlink_to(outside)
            elif kind == "link-loop":
                p.symlink_to(p)
            elif kind == "site.toml":
                manifest_path = root / "site.toml"
                if not (manifest_path.exists() or manifest_path.is_symlink()):
                    manifest_path.write_text(manifest)
            else:
                p.write_bytes(data)
        except (OSError, ValueError):
            continue  # a name the file system itself refuses: not an input


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(NAMES, KINDS, st.binary(max_size=64)), max_size=8), MANIFESTS)
def test_any_folder_is_a_site_or_an_error(entries, manifest):
    with tempfile.TemporaryDirectory() as tmp:
        root, outside = Path(tmp) / "site", Path(tmp) / "secret"
        root.mkdir()
        outside.write_bytes(b"host file")
        make(root, outside, entries, manifest)
        try:
            files = collect_site(root)
        except WorkbenchError:
            return
        assert 0 < len(files) <= MAX_FILES
        assert sum(len(f.data) for f in files) <= SITE_LIMIT
        assert [f.path for f in files] == sorted({f.path for f in files})
        for f in files:
            assert f.path.startswith("/") and "/../" not in f.path + "/"
            if not f.origin.startswith("site.toml"):
                real = Path(os.path.realpath(root / f.origin))
                assert real.is_relative_to(os.path.realpath(root)) and real.is_file()
