"""The web appliance answers as nginx does, on the same site: a differential test.

nginx (Debian's nginx-light) serves a copy of the site from a temporary folder — the files the
image was built from, with the same modification times — on a loopback port, as a single
unprivileged-style process. Both servers get the same requests: random paths (files, folders
with and without their slash, missing names, dot segments, %XX escapes, query strings), GET and
HEAD, byte ranges of every form, and conditional requests carrying each server's own
validators. Statuses, media types, lengths, ranges, bodies, redirects and 304s must agree.

Two sites: the fixed one in kernels/recipes/data/site, and one made up at random here.

Configuration choices that make nginx the RFC-conforming reference the appliance follows:
`max_ranges 1` (several ranges answered with the whole file), `if_modified_since before`
(RFC 9110 §13.1.3, not nginx's exact-match default), `absolute_redirect off` (a relative
Location). Media types are compared without parameters, and nginx's table still says
application/javascript where RFC 9239 made it text/javascript.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import time
from email.utils import formatdate
from pathlib import Path

import pytest

from workbench.core.builder.generators.site import collect_site
from workbench.core.run.appliance import free_port

from .conftest import RECIPES, tool
from .reference import stop_process, with_appliance

pytestmark = pytest.mark.qemu


@pytest.fixture(autouse=True)
def _nginx_installed():
    tool("nginx")  # the set-up installs it: a failure, not a skip, when it is missing


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REQUESTS = 400
SAME_MEANING = {"application/javascript": "text/javascript"}


# ---- the two servers ----

def materialise(site: Path, into: Path) -> None:
    """The files the appliance serves, written out for nginx with the same times."""
    for f in collect_site(site):
        dest = into / f.path.lstrip("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(f.data)
        os.utime(dest, (f.mtime, f.mtime))


NGINX_CONF = """
daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        absolute_redirect off;
        if_modified_since before;
        max_ranges 1;
        server_tokens off;
    }}
}}
"""


class Nginx:
    def __init__(self, site: Path, tmp: Path):
        self.root = tmp / "root"
        materialise(site, self.root)
        self.port = free_port("tcp")
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=self.port, root=self.root))
        self.proc = subprocess.Popen([NGINX, "-e", str(tmp / "error.log"), "-p", str(tmp), "-c", str(conf)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("nginx did not start: "
                                       + self.proc.stderr.read().decode()) from None
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not open its port")

    def stop(self) -> None:
        stop_process(self.proc)


def exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """One request on its own connection: status, headers (lower-case names), body."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


def both(site: Path, recipe: Path, tmp_path_factory):
    """Boot the appliance built from recipe and start nginx on the same site; stop both after."""
    nginx = Nginx(site, tmp_path_factory.mktemp("nginx"))
    for app in with_appliance(recipe, [("tcp", 80)], nginx, tmp_path_factory):
        yield app.port("tcp", 80), nginx.port


# ---- the requests ----

def paths_near(files: list[str], rng: random.Random) -> list[str]:
    """Paths a client might send: real ones, spelled differently, and some that are not there."""
    folders = sorted({p.rsplit("/", 1)[0] for p in files if p.count("/") > 1})
    out = list(files) + ["/", "/missing.html", "/no/such/folder/", "/../etc/passwd", "/docs/../..",
                         "//index.html", "/./", "/%2e%2e/x", "/index.html/", "/index.html?x=1"]
    out += [d for d in folders] + [d + "/" for d in folders] + [d + "?q=1" for d in folders]
    for p in files:
        parts = p.split("/")
        if len(parts) > 2:
            out.append("/".join(parts[:-1]) + "/../" + parts[-2] + "/" + parts[-1])
            out.append(parts[0] + "/" + parts[1] + "/./" + "/".join(parts[2:]))
        out.append("".join(f"%{ord(c):02X}" if c.isalpha() and rng.random() < 0.3 else c for c in p))
        out.append(p + "x")
        out.append(p.upper())
    return out


def random_range(size: int, rng: random.Random) -> str:
    a, b = sorted(rng.randrange(0, size + 20) for _ in range(2))
    forms = [f"bytes={a}-{b}", f"bytes={a}-", f"bytes=-{rng.randrange(0, size + 20)}",
             f"bytes={size + rng.randrange(0, 5)}-", f"bytes={b}-{a}", f"bytes=0-0,{a}-{b}",
             f"bytes={size + 3}-{size + 9},{a}-{b}", "bytes=x-1", f"BYTES= {a} - {b} ",
             f"items={a}-{b}", "bytes=-0", f"bytes={a}-{b},"]
    return rng.choice(forms)


def random_request(path: str, size: int, lm: str, rng: random.Random) -> tuple[str, list[str]]:
    """A method and header lines; $ETAG stands for the server's own tag of the file."""
    method = rng.choice(["GET", "GET", "GET", "HEAD"])
    lines = []
    kind = rng.randrange(6)
    if kind == 1:
        lines.append("Range: " + random_range(size, rng))
    elif kind == 2:
        lines.append("If-None-Match: " + rng.choice(['$ETAG', 'W/$ETAG', '"other"', '*',
                                                     '"other", $ETAG', '"a", "b"']))
    elif kind == 3:
        dates = [lm, "yesterday", formatdate(0, usegmt=True), formatdate(time.time() + 86400, usegmt=True)]
        lines.append("If-Modified-Since: " + rng.choice(dates))
    elif kind == 4:
        lines.append("Range: " + random_range(size, rng))
        lines.append("If-Range: " + rng.choice(["$ETAG", '"other"', lm, formatdate(0, usegmt=True)]))
    return method, lines


def request_bytes(method: str, target: str, lines: list[str], etag: str) -> bytes:
    head = [f"{method} {target} HTTP/1.1", "Host: localhost", "Connection: close"]
    head += [line.replace("$ETAG", etag) for line in lines]
    return ("\r\n".join(head) + "\r\n\r\n").encode()


def media_type(value: str | None) -> str | None:
    if value is None:
        return None
    t = value.split(";")[0].strip().lower()
    return SAME_MEANING.get(t, t)


def summary(status: int, headers: dict[str, str], body: bytes) -> dict:
    """What must agree. Bodies of error pages differ (each server words its own)."""
    out = {"status": status}
    if status in (200, 206):
        out |= {"type": media_type(headers.get("content-type")), "length": headers.get("content-length"),
                "range": headers.get("content-range"), "body": body,
                "last-modified": headers.get("last-modified"), "etag": "etag" in headers,
                "accept-ranges": headers.get("accept-ranges")}
    elif status == 301:
        out["location"] = headers.get("location")
    elif status == 416:
        out["range"] = headers.get("content-range")
    elif status == 304:
        out |= {"body": body, "etag": "etag" in headers, "last-modified": headers.get("last-modified")}
    return out


def etag_of(port: int, path: str) -> str:
    status, headers, _ = exchange(port, request_bytes("HEAD", path, [], ""))
    return headers.get("etag", '"none"')


def compare(ours: int, theirs: int, site: Path, seed: int) -> int:
    rng = random.Random(seed)
    files = {f.path: f for f in collect_site(site)}
    paths = paths_near(sorted(files), rng)
    tags = {p: (etag_of(ours, p), etag_of(theirs, p)) for p in files}
    differences = []
    for i in range(REQUESTS):
        target = paths[i] if i < len(paths) else rng.choice(paths)
        f = files.get(target.split("?")[0]) or rng.choice(list(files.values()))
        method, lines = random_request(target, len(f.data), f.last_modified, rng)
        tag_ours, tag_theirs = tags.get(f.path, ('"none"', '"none"'))
        a = summary(*exchange(ours, request_bytes(method, target, lines, tag_ours)))
        b = summary(*exchange(theirs, request_bytes(method, target, lines, tag_theirs)))
        if a != b:
            differences.append((method, target, lines, {k: (a.get(k), b.get(k)) for k in a.keys() | b.keys()
                                                        if a.get(k) != b.get(k)}))
    assert not differences, f"{len(differences)} of {REQUESTS} differ, first: " + "\n".join(
        repr(d)[:400] for d in differences[:8])
    return REQUESTS


# ---- the fixed site ----

@pytest.fixture(scope="module")
def fixed(tmp_path_factory):
    yield from both(RECIPES / "data" / "site", RECIPES / "httpd.toml", tmp_path_factory)


def test_fixed_site_answers_as_nginx(fixed):
    ours, theirs = fixed
    assert compare(ours, theirs, RECIPES / "data" / "site", seed=9110) == REQUESTS


@pytest.mark.parametrize("target,status", [("/docs", 301), ("/docs/os/../os/unikernel.txt", 200),
                                            ("/files/", 403), ("/../x", 400)])
def test_the_behaviours_the_issue_names(fixed, target, status):
    ours, theirs = fixed
    req = request_bytes("GET", target, [], "")
    assert exchange(ours, req)[0] == exchange(theirs, req)[0] == status


# ---- a site made up here ----

# the media types the appliance promises to name as the standard table does
STANDARD_TYPES = [".html", ".css", ".js", ".json", ".svg", ".png", ".jpg", ".ico", ".wasm", ".txt"]
NAMES = ["a", "b", "img", "docs", "x-1", "z_z", "deep", "v2"]


def random_site(root: Path, rng: random.Random) -> None:
    exts = STANDARD_TYPES
    root.mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>random</title>\n")
    for i in range(rng.randrange(12, 24)):
        folder = root.joinpath(*rng.sample(NAMES, rng.randrange(0, 3)))
        folder.mkdir(parents=True, exist_ok=True)
        name = rng.choice(["index.html", f"f{i}{rng.choice(exts)}", f"file-{i}.dat", f"N{i}.TXT"])
        size = rng.choice([0, 1, 17, 512, rng.randrange(1, 70000)])
        (folder / name).write_bytes(bytes(rng.randrange(256) for _ in range(size)))
        os.utime(folder / name, (1_600_000_000 + rng.randrange(10**8),) * 2)


@pytest.fixture(scope="module")
def made_up(tmp_path_factory):
    rng = random.Random(4592)
    folder = tmp_path_factory.mktemp("random-site")
    random_site(folder / "site", rng)
    recipe = folder / "httpd-random.toml"
    recipe.write_text('name = "httpd-random"\nsummary = "a random site"\napplication = "httpd"\n'
                      'layout = "libos"\nmachine = "microvm"\n\n[options.httpd]\nsite = "site"\n')
    for ports in both(folder / "site", recipe, tmp_path_factory):
        yield ports, folder / "site"


def test_random_site_answers_as_nginx(made_up):
    (ours, theirs), site = made_up
    assert compare(ours, theirs, site, seed=7233) == REQUESTS
