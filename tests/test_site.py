"""The site collector (the "http-site" generator) without booting: which files a site serves,
under which URL and type, what it refuses and why, and the C table it generates.

(The web appliance serving them is tested in test_httpd.py.)
"""

from __future__ import annotations

import hashlib
import os

import pytest

from workbench.core.builder.generators import site as S
from workbench.core.model.errors import WorkbenchError


def make_site(root, files: dict[str, bytes | str]):
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode() if isinstance(data, str) else data)
    return root


def refusal(folder) -> WorkbenchError:
    with pytest.raises(WorkbenchError) as e:
        S.collect_site(folder)
    return e.value


def test_files_become_sorted_urls_with_types_and_validators(tmp_path):
    site = make_site(tmp_path / "site", {"index.html": "<h1>hi</h1>", "docs/a.CSS": "b{}",
                                         "docs/x.unknown": "?", "img/logo.svg": "<svg/>",
                                         ".hidden": "no", ".git/config": "no"})
    os.utime(site / "index.html", (784111777, 784111777))
    files = S.collect_site(site)
    assert [f.path for f in files] == ["/docs/a.CSS", "/docs/x.unknown", "/img/logo.svg", "/index.html"]
    by = {f.path: f for f in files}
    assert by["/docs/a.CSS"].content_type == "text/css; charset=utf-8"  # the suffix in any case
    assert by["/docs/x.unknown"].content_type == "application/octet-stream"
    assert by["/img/logo.svg"].content_type == "image/svg+xml"
    index = by["/index.html"]
    assert (index.data, index.origin, index.mtime) == (b"<h1>hi</h1>", "index.html", 784111777)
    assert index.last_modified == "Sun, 06 Nov 1994 08:49:37 GMT"
    assert index.etag == '"' + hashlib.sha256(b"<h1>hi</h1>").hexdigest()[:20] + '"'
    assert S.site_folders(files) == ["/", "/docs/", "/img/"]


def test_content_types_follow_the_suffix():
    assert S.content_type("a.js") == "text/javascript; charset=utf-8"
    assert S.content_type("a.HTM") == "text/html; charset=utf-8"
    assert S.content_type("archive.tar.gz") == S.DEFAULT_TYPE == "application/octet-stream"
    assert S.content_type("README") == S.DEFAULT_TYPE


def test_generated_files_are_deterministic_and_sized(tmp_path):
    site = make_site(tmp_path / "site", {"index.html": "x", "site.toml": (
        '[[generated]]\npath = "files/r.bin"\nbytes = 1000\nseed = "s"\n'
        '[[generated]]\npath = "/t.txt"\nbytes = 0\ntype = "text/x-test"\n')})
    files = {f.path: f for f in S.collect_site(site)}
    assert set(files) == {"/index.html", "/files/r.bin", "/t.txt"}  # site.toml is never served
    r = files["/files/r.bin"]
    assert r.data == S.generated_bytes("s", 1000) == hashlib.shake_256(b"s").digest(1000)
    assert r.content_type == "application/octet-stream" and r.origin == "site.toml: /files/r.bin"
    assert files["/t.txt"].data == b"" and files["/t.txt"].content_type == "text/x-test"
    assert S.generated_bytes("/t.txt", 5) == hashlib.shake_256(b"/t.txt").digest(5)  # seed: the URL
    assert S.site_folders(list(files.values())) == ["/", "/files/"]


@pytest.mark.parametrize("files,words", [
    ({}, ["the site folder has no files to serve", "add an index.html"]),
    ({"my page.html": "x"}, ["'/my page.html' cannot be a URL path of the site", "no spaces"]),
    ({"index.html": "x", "site.toml": '[[generated]]\npath = "index.html"\nbytes = 1\n'},
     ["/index.html is both a file and a generated entry", "remove one of them"]),
    ({"site.toml": '[[generated]]\npath = "a"\nbytes = -1\n'},
     ["bytes = -1 is out of range", "0 to 67108864 (64 MiB)"]),
    ({"site.toml": '[[generated]]\npath = "a"\nbytes = 67108865\n'}, ["bytes = 67108865 is out of range"]),
    ({"site.toml": '[[generated]]\npath = "a b"\nbytes = 1\n'}, ["'/a b' cannot be a URL path"]),
    ({"site.toml": "generated = [1]\n"}, ["generated[0] must be a table [[generated]]"]),
    ({"site.toml": '[[generated]]\npath = "a"\nbytes = 1\ncolour = 1\n'}, ["colour"]),
    ({"site.toml": 'other = 1\n'}, ["other"]),
])
def test_what_a_site_may_not_hold_is_refused_with_the_file(tmp_path, files, words):
    site = make_site(tmp_path / "site", files)
    site.mkdir(exist_ok=True)
    e = refusal(site)
    assert all(w in str(e) for w in words), str(e)
    assert str(site) in str(e)


def test_more_than_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(S, "SITE_LIMIT", 10)
    site = make_site(tmp_path / "site", {"a.txt": "123456", "b.txt": "123456"})
    e = refusal(site)
    assert e.message == "the site holds more than 10 bytes (at 12 bytes with this file)"
    assert e.file == site / "b.txt" and e.hint == S.SITE_LIMIT_WHY
    (site / "b.txt").unlink()
    (site / "site.toml").write_text('[[generated]]\npath = "g"\nbytes = 5\n')
    assert "larger than 10 bytes" in refusal(site).message  # 6 + 5 > 10
    (site / "site.toml").write_text('[[generated]]\npath = "g"\nbytes = 4\n')
    assert [f.path for f in S.collect_site(site)] == ["/a.txt", "/g"]  # 6 + 4: fits exactly
    monkeypatch.setattr(S, "MAX_FILES", 1)
    assert refusal(site).message == "the site has 2 files" and refusal(site).hint == "at most 1"


def test_a_link_out_of_the_site_and_a_missing_folder_are_refused(tmp_path):
    (tmp_path / "secret.txt").write_text("no")
    site = make_site(tmp_path / "site", {"index.html": "x"})
    (site / "s.txt").symlink_to(tmp_path / "secret.txt")
    e = refusal(site)
    assert e.message == f"a link to {tmp_path / 'secret.txt'}, outside the site folder"
    assert "copy the file in" in e.hint
    e = refusal(tmp_path / "nowhere")
    assert e.message == "the site must be a folder of files" and "index.html" in e.hint


def test_the_generated_c_table_and_stale_blobs(tmp_path):
    site = make_site(tmp_path / "site", {"index.html": "<p>", "docs/a.txt": "q"})
    out = tmp_path / "gen"
    out.mkdir()
    (out / "site_7.bin").write_bytes(b"old")
    S.generate(site, out, {})
    assert not (out / "site_7.bin").exists()
    assert (out / "site_0.bin").read_bytes() == b"q" and (out / "site_1.bin").read_bytes() == b"<p>"
    c = (out / "site.c").read_text()
    assert c.startswith("/* Generated by the workbench's http-site generator from site.\n")
    files = S.collect_site(site)
    assert (f'    {{"/docs/a.txt", "text/plain; charset=utf-8", site_blob_0, 1u, {S._c_string(files[0].etag)}, '
            f'"{files[0].last_modified}", {files[0].mtime}}},') in c
    assert f'".incbin \\"{(out / "site_1.bin").resolve()}\\"\\n"' in c
    assert "const uint16_t site_file_count = 2;" in c
    assert 'const char *const site_folders[] = {\n    "/",\n    "/docs/",\n};' in c
    assert "const uint16_t site_folder_count = 2;" in c
    assert S._c_string('a"b\\c') == '"a\\"b\\\\c"'


def _manifest_error(tmp_path, toml: str, files=None) -> WorkbenchError:
    site = make_site(tmp_path / "site", {"index.html": "x", **(files or {}), "site.toml": toml})
    e = refusal(site)
    assert e.file == site / "site.toml", e
    return e


@pytest.mark.parametrize("toml,message,key,line,hint", [
    ('[[generated]]\npath = "a"\nbytes = 70000000\n', "bytes = 70000000 is out of range",
     "generated.bytes", 3, "0 to 67108864 (64 MiB)"),
    ("generated = [1]\n", "generated[0] must be a table [[generated]]", "generated", 1, None),
    ('[[generated]]\nbytes = 1\n', "missing key 'path' (URL path below the site root)",
     "generated", None, None),
    ('[[generated]]\npath = "a"\n', "missing key 'bytes' (size of the generated file)",
     "generated", None, None),
])
def test_manifest_mistakes_name_the_key_and_line(tmp_path, toml, message, key, line, hint):
    e = _manifest_error(tmp_path, toml)
    assert e.message == message and e.key == key
    if line is not None:
        assert e.line == line
    if hint is not None:
        assert e.hint == hint


@pytest.mark.parametrize("path", ["a//b", "a/./b", "a/../b", "a b", "a?b"])
def test_generated_paths_that_are_not_plain_urls_are_refused(tmp_path, path):
    e = _manifest_error(tmp_path, f'[[generated]]\npath = "{path}"\nbytes = 1\n')
    assert e.message == f"'/{path}' cannot be a URL path of the site"
    assert e.hint == "use letters, digits and . _ - ~ in file and folder names (no spaces)"


def test_generated_sizes_at_their_limits(tmp_path, monkeypatch):
    monkeypatch.setattr(S, "SITE_LIMIT", 100)
    e = _manifest_error(tmp_path, '[[generated]]\npath = "g"\nbytes = 96\n', {"a.txt": "12345"})
    assert e.message == "the generated files would make the site larger than 100 bytes"
    assert (e.key, e.hint) == ("generated.bytes", S.SITE_LIMIT_WHY)
    site = tmp_path / "site"
    (site / "site.toml").write_text('[[generated]]\npath = "/g"\nbytes = 94\n')  # 1 + 5 + 94
    files = {f.path: f for f in S.collect_site(site)}
    assert len(files["/g"].data) == 94 and files["/g"].mtime == int((site / "site.toml").stat().st_mtime)
    (site / "a.txt").write_text("1234567890" * 10)  # 1 + 100: the files alone are too many bytes
    assert refusal(site).file == site / "index.html"


def test_the_largest_generated_file_is_allowed(tmp_path, monkeypatch):
    monkeypatch.setattr(S, "generated_bytes", lambda seed, size: bytes(size))
    site = make_site(tmp_path / "site", {"site.toml": '[[generated]]\npath = "big"\nbytes = 67108864\n'})
    assert [len(f.data) for f in S.collect_site(site)] == [64 << 20]


def test_the_manifest_and_hidden_files_are_skipped_not_the_rest(tmp_path):
    site = make_site(tmp_path / "site", {".a": "x", "index.html": "x", "site.toml": "",
                                         "z.txt": "z", ".b/c.txt": "x", "d/.e": "x", "d/f.txt": "f"})
    assert [f.path for f in S.collect_site(site)] == ["/d/f.txt", "/index.html", "/z.txt"]


def test_files_that_are_not_regular_are_refused_as_site_files(tmp_path):
    site = make_site(tmp_path / "site", {"index.html": "x"})
    os.mkfifo(site / "pipe.txt")
    e = refusal(site)
    assert e.message == "the site file is a FIFO (named pipe), not a regular file"
    assert e.file == site / "pipe.txt"
    e = refusal(site / "index.html")  # a file where the folder should be
    assert e.file == site / "index.html" and e.hint == "point the option at a folder holding index.html"
    (site / "pipe.txt").unlink()
    (site / "index.html").unlink()
    (site / "site.toml").write_text('[[generated]]\npath = "index.html"\nbytes = 1\n')
    (site / "index.html").write_text("x")
    e = refusal(site)
    assert e.file == site / "site.toml" and e.hint == "remove one of them"


def test_a_link_inside_the_site_is_served(tmp_path):
    site = make_site(tmp_path / "site", {"index.html": "x"})
    (site / "home.html").symlink_to(site / "index.html")
    assert {f.path: f.data for f in S.collect_site(site)} == {"/home.html": b"x", "/index.html": b"x"}


def test_generated_c_names_its_source_and_each_file(tmp_path):
    files = [S.SiteFile("/a.txt", "text/plain", b"ab", "a.txt", 7)]
    c = S.site_to_c(files, [tmp_path / "b0.bin"], "my*/site")
    assert c.splitlines()[:5] == [
        "/* Generated by the workbench's http-site generator from mysite.",
        " * Do not edit: change the site folder and rebuild. */",
        '#include "site.h"', "",
        "/* Each file's bytes are pulled in by the assembler (.incbin), into read-only data. */"]
    assert "/* a.txt: 2 bytes */\n__asm__(\n" in c
    assert "\".section .rodata.site_blob_0,\\\"a\\\",@progbits\\n\"\n" in c
    assert '    ".balign 16\\n"\n    "site_blob_0:\\n"\n' in c
    assert '    ".byte 0\\n"\n    ".previous\\n");\nextern const uint8_t site_blob_0[];' in c
    assert "\nconst struct site_file site_files[] = {\n" in c
    assert c.endswith("const uint16_t site_folder_count = 1;\n")
    assert '/* Folders: "/docs" is redirected to "/docs/"; a folder without index.html is 403. */' in c
