"""The web-server appliance answers real clients: urllib, http.client and curl.

One image is built and booted for the whole module. Expected bodies come from the same site
folder the image was built from (and the generated 1 MiB file from its seed), so the site can
change without these tests changing.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import http.client
import socket
import subprocess
import urllib.error
import urllib.request

import pytest

from workbench.core.builder.generators.site import collect_site

from .conftest import RECIPES, appliance_fixture, tool

pytestmark = pytest.mark.qemu

SITE = {f.path: f for f in collect_site(RECIPES / "data" / "site")}
BIG = "/files/random-1m.bin"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from appliance_fixture("httpd", [("tcp", 80)], tmp_path_factory)


def url(server, path):
    return f"http://127.0.0.1:{server.port('tcp', 80)}{path}"


def get(server, path, method="GET", timeout=10):
    req = urllib.request.Request(url(server, path), method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_site_has_what_the_tests_need():
    assert {"/index.html", "/style.css", "/logo.png", BIG} <= set(SITE)
    assert len(SITE[BIG].data) >= 1024 * 1024


@pytest.mark.parametrize("path,ctype", [
    ("/index.html", "text/html"), ("/style.css", "text/css"), ("/logo.png", "image/png"),
    ("/docs/index.html", "text/html"),
])
def test_get_returns_the_file_with_type_and_length(server, path, ctype):
    status, headers, body = get(server, path)
    assert status == 200
    assert body == SITE[path].data
    assert headers["Content-Type"].startswith(ctype)
    assert int(headers["Content-Length"]) == len(body)


def test_folder_serves_its_index(server):
    assert get(server, "/")[2] == SITE["/index.html"].data
    assert get(server, "/docs/?query=ignored")[2] == SITE["/docs/index.html"].data


def test_head_has_headers_and_no_body(server):
    status, headers, body = get(server, "/logo.png", method="HEAD")
    assert status == 200 and body == b""
    assert int(headers["Content-Length"]) == len(SITE["/logo.png"].data)


def test_missing_file_is_404(server):
    status, headers, body = get(server, "/no/such/file.html")
    assert status == 404 and b"404" in body
    assert get(server, "/docs/../../etc/passwd")[0] == 400  # climbing above the site is refused


def test_paths_are_decoded_and_normalised(server):
    assert get(server, "/docs/os/../os/unikernel.txt")[2] == SITE["/docs/os/unikernel.txt"].data
    assert get(server, "/%64ocs//./index.html")[2] == SITE["/docs/index.html"].data


def raw(server, request: bytes) -> bytes:
    """Send request bytes as they are; everything the server sends until it closes."""
    with socket.create_connection(("127.0.0.1", server.port("tcp", 80)), timeout=10) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(4096):
            data += chunk
    return data


def test_folder_without_its_slash_is_redirected(server):
    data = raw(server, b"GET /docs?x=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 301 ") and b"\r\nLocation: /docs/?x=1\r\n" in data
    assert get(server, "/docs")[2] == SITE["/docs/index.html"].data  # urllib follows it


def ranged(server, path, value, **headers):
    req = urllib.request.Request(url(server, path), headers={"Range": value, **headers})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.mark.parametrize("value,first,last", [("bytes=0-99", 0, 99), ("bytes=1000-", 1000, None),
                                              ("bytes=-100", -100, None), ("bytes=5-5", 5, 5)])
def test_byte_ranges(server, value, first, last):
    data = SITE[BIG].data
    status, headers, body = ranged(server, BIG, value)
    want = data[first:] if last is None else data[first:last + 1]
    assert status == 206 and body == want
    start = first % len(data)
    assert headers["Content-Range"] == f"bytes {start}-{start + len(want) - 1}/{len(data)}"


def test_unsatisfiable_range_is_416_and_several_get_the_whole_file(server):
    size = len(SITE["/style.css"].data)
    status, headers, _ = ranged(server, "/style.css", f"bytes={size}-")
    assert status == 416 and headers["Content-Range"] == f"bytes */{size}"
    status, _, body = ranged(server, "/style.css", "bytes=0-1,4-5")
    assert status == 200 and body == SITE["/style.css"].data


def test_validators_give_304(server):
    status, headers, _ = get(server, "/style.css")
    assert headers["ETag"] == SITE["/style.css"].etag and headers["Accept-Ranges"] == "bytes"
    assert headers["Last-Modified"] == SITE["/style.css"].last_modified
    for name, value in (("If-None-Match", headers["ETag"]),
                        ("If-Modified-Since", headers["Last-Modified"])):
        req = urllib.request.Request(url(server, "/style.css"), headers={name: value})
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=10)
        assert e.value.code == 304 and e.value.read() == b""
    req = urllib.request.Request(url(server, "/style.css"), headers={"If-None-Match": '"other"'})
    assert urllib.request.urlopen(req, timeout=10).status == 200


def test_other_methods_are_405_with_allow(server):
    for method in ("POST", "PUT", "DELETE"):
        status, headers, _ = get(server, "/index.html", method=method)
        assert status == 405
        assert headers["Allow"] == "GET, HEAD"


def test_malformed_request_is_400(server):
    assert raw(server, b"THIS IS NOT HTTP\r\n\r\n").startswith(b"HTTP/1.1 400 ")


def test_keep_alive_reuses_one_connection(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port("tcp", 80), timeout=10)
    try:
        conn.request("GET", "/index.html")
        r1 = conn.getresponse()
        assert r1.status == 200 and r1.read() == SITE["/index.html"].data
        sock = conn.sock
        conn.request("GET", "/style.css")
        r2 = conn.getresponse()
        assert r2.status == 200 and r2.read() == SITE["/style.css"].data
        assert conn.sock is sock, "the second request must travel on the same connection"
        conn.request("GET", "/missing")
        r3 = conn.getresponse()
        assert r3.status == 404 and r3.read() and conn.sock is sock
    finally:
        conn.close()


def test_http10_closes_unless_asked_to_keep_alive(server):
    for request, expect in ((b"GET /style.css HTTP/1.0\r\n\r\n", b"Connection: close"),
                            (b"GET /style.css HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
                             b"Connection: keep-alive")):
        with socket.create_connection(("127.0.0.1", server.port("tcp", 80)), timeout=10) as s:
            s.sendall(request)
            data = b""
            while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < len(SITE["/style.css"].data):
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        assert data.startswith(b"HTTP/1.1 200 OK") and expect in data


def test_one_mebibyte_arrives_intact(server):
    status, headers, body = get(server, BIG, timeout=60)
    assert status == 200 and len(body) == len(SITE[BIG].data)
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(SITE[BIG].data).hexdigest()


def test_several_clients_at_once(server):
    paths = ["/index.html", "/style.css", "/logo.png", BIG, "/docs/index.html", "/nope"] * 2

    def fetch(path):
        status, _, body = get(server, path, timeout=60)
        return path, status, hashlib.sha256(body).hexdigest()

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(paths)) as pool:
        results = list(pool.map(fetch, paths))
    for path, status, digest in results:
        if path in SITE:
            assert status == 200 and digest == hashlib.sha256(SITE[path].data).hexdigest(), path
        else:
            assert status == 404


class TestCurl:
    def curl(self, server, *args):
        proc = subprocess.run([tool("curl"), "-sS", "--max-time", "30", *args], capture_output=True,
                              timeout=60)
        assert proc.returncode == 0, proc.stderr.decode()
        return proc.stdout

    def test_get(self, server):
        assert self.curl(server, url(server, "/style.css")) == SITE["/style.css"].data

    def test_head(self, server):
        out = self.curl(server, "-I", url(server, "/index.html")).decode()
        assert out.startswith("HTTP/1.1 200 OK")
        assert f"Content-Length: {len(SITE['/index.html'].data)}" in out

    def test_status_codes(self, server):
        fmt = ["-o", "/dev/null", "-w", "%{http_code}"]
        assert self.curl(server, *fmt, url(server, "/missing")) == b"404"
        assert self.curl(server, *fmt, "-X", "POST", "-d", "a=1", url(server, "/")) == b"405"

    def test_big_file(self, server):
        body = self.curl(server, url(server, BIG))
        assert hashlib.sha256(body).digest() == hashlib.sha256(SITE[BIG].data).digest()

    def test_resume_with_range(self, server):
        assert self.curl(server, "-r", "0-40", url(server, "/docs/os/unikernel.txt")) == \
            SITE["/docs/os/unikernel.txt"].data[:41]

    def test_keep_alive_across_two_urls(self, server):
        out = subprocess.run(["curl", "-sv", "--max-time", "30", url(server, "/style.css"),
                              url(server, "/logo.png"), "-o", "/dev/null", "-o", "/dev/null"],
                             capture_output=True, text=True, timeout=60).stderr
        assert "Re-using existing connection" in out or "Reusing existing connection" in out
