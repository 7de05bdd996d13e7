"""The abuse corpus: hostile and absurd input, each case with what the user must be told.

Every case runs the real `workbench` command in a scratch folder and checks what a user sees:
the message (file, key or line, what would be valid), a non-zero exit where it is an error, no
Python traceback, and that nothing was written outside the folder the command may write to.
Cases are kept fast: big inputs are sparse files, and refusals happen before anything boots.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
from pathlib import Path

import pytest

from .conftest import KERNELS, run_cli


def tree(root: Path) -> set[str]:
    """Every path under `root`, relative, so a test can see what a command added."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


# a build or boot that succeeded is noted for lesson steps about what the learner did
LEARNER_RECORD = {"home/workspace", "home/workspace/.workbench-last.json"}


def run_abuse(tmp_path: Path, *args: str, may_write: tuple[str, ...] = (), env: dict | None = None,
              timeout: float = 120):
    """Run `workbench ARGS` in `tmp_path` (its home there too); fail on a traceback or on any
    file written outside the folders named in `may_write` (relative to `tmp_path`)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    before = tree(tmp_path)
    r = run_cli(*args, env={"WB_HOME": str(home), **(env or {})}, cwd=tmp_path, timeout=timeout)
    text = r.stdout + r.stderr
    assert "Traceback" not in text, text
    added = {p for p in tree(tmp_path) - before - LEARNER_RECORD
             if not any(p == w or p.startswith(w.rstrip("/") + "/") for w in may_write)}
    assert not added, f"written outside {may_write}: {sorted(added)}\n{text}"
    r.text = text
    return r


# --------------------------------------------------------------------------- 7. learner state

@pytest.mark.parametrize("content, problem", [
    ({"exercises": {"bump": {"best": "ten", "attempts": 1}}},
     "exercise 'bump': 'best' is \"ten\", expected a whole number"),
    ({"exercises": {"bump": {"best": 3, "attempts": None}}},
     "exercise 'bump': 'attempts' is null, expected a whole number"),
    ({"lessons": []}, "'lessons' is not an object of objects"),
    ({"exercises": {"bump": {"workspaces": 5}}},
     "exercise 'bump': 'workspaces' is 5, expected a list of folders"),
    ({"lessons": {"01-hello-unikernel": {"done": "all"}}},
     "lesson '01-hello-unikernel': 'done' is \"all\", expected a list of step names"),
])
def test_progress_with_wrong_types_is_moved_aside(tmp_path, content, problem):
    progress = tmp_path / "home" / "progress.json"
    progress.parent.mkdir()
    progress.write_text(json.dumps(content))
    r = run_abuse(tmp_path, "lessons", may_write=("home",))
    assert r.returncode == 0, r.text
    assert f"the progress file {progress} was damaged ({problem})" in r.stderr
    aside = [p for p in progress.parent.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and json.loads(aside[0].read_text()) == content


def _broken_bump(tmp_path: Path) -> Path:
    """A workspace holding the bump exercise with a C syntax error: grading it builds, fails
    to compile and scores 0 quickly, without booting anything."""
    ws = tmp_path / "ws"
    r = run_cli("exercise", "start", "bump", "--workspace", str(ws),
                env={"WB_HOME": str(tmp_path / "home")})
    assert r.returncode == 0, r.stderr
    (ws / "alloc-bump" / "bump.c").write_text("this is not C\n")
    return ws


def test_read_only_progress_still_prints_the_score(tmp_path):
    (tmp_path / "home").mkdir()
    ws = _broken_bump(tmp_path)
    progress = tmp_path / "home" / "progress.json"  # where `exercise start` noted the workspace
    before = progress.read_text()
    progress.chmod(stat.S_IRUSR | stat.S_IRGRP)
    r = run_abuse(tmp_path, "grade", "bump", "--workspace", str(ws), may_write=("ws", "home"))
    assert r.returncode == 1, r.text
    assert "score: 0/10" in r.stdout, r.stdout
    assert (f"warning: the score was not recorded: {progress}: progress could not be saved: "
            f"the progress file {progress} is read-only") in r.stderr
    assert progress.read_text() == before


def test_progress_fifo_is_refused_not_read(tmp_path):
    progress = tmp_path / "home" / "progress.json"
    progress.parent.mkdir()
    os.mkfifo(progress)
    r = run_abuse(tmp_path, "lessons", may_write=("home",), timeout=60)
    assert r.returncode == 0, r.text
    assert f"the progress file was not read: {progress} is a FIFO (named pipe), not a regular file" \
        in r.stderr
    r = run_abuse(tmp_path, "lesson", "lang", "ja", may_write=("home",), timeout=60)
    assert r.returncode == 2, r.text
    assert f"error: {progress}: progress could not be saved: {progress} is a FIFO" in r.stderr
    assert stat.S_ISFIFO(os.stat(progress).st_mode)


def test_grade_while_the_workspace_is_rewritten(tmp_path):
    (tmp_path / "home").mkdir()
    ws = _broken_bump(tmp_path)
    comp = ws / "alloc-bump"
    files = {p: p.read_bytes() for p in comp.rglob("*") if p.is_file()}
    stop = threading.Event()

    def rewrite():  # what an editor that saves by delete-and-create does, as fast as it can
        while not stop.is_set():
            for p, data in files.items():
                p.unlink(missing_ok=True)
                p.write_bytes(data)

    writer = threading.Thread(target=rewrite)
    writer.start()
    try:
        for _ in range(3):
            r = run_abuse(tmp_path, "grade", "bump", "--workspace", str(ws),
                          may_write=("ws", "home"))
            # a score (of whatever the workspace held when it was read) or a clear error
            assert r.returncode in (0, 1, 2), r.text
            assert "score:" in r.stdout or "error: " in r.stderr, r.text
            assert "Error" not in r.stderr.replace("BuildError", ""), r.text
    finally:
        stop.set()
        writer.join()


# --------------------------------------------------------------------------- 8. command line

def test_graph_output_that_is_a_folder(tmp_path):
    (tmp_path / "out").mkdir()
    r = run_abuse(tmp_path, "graph", "hello", "-o", "out", "--format", "svg")
    assert r.returncode == 2, r.text
    assert "error: out [--output]: out is a folder; name a file to write" in r.stderr
    assert "hint: for example out/graph.svg" in r.stderr


@pytest.mark.parametrize("make, kind", [
    (lambda p: os.mkfifo(p), "a FIFO (named pipe)"),
    (None, "a device"),
])
def test_graph_output_that_is_not_a_regular_file(tmp_path, make, kind):
    target = tmp_path / "pipe" if make else Path("/dev/full")
    if make:
        make(target)
    r = run_abuse(tmp_path, "graph", "hello", "-o", str(target), "--format", "dot", timeout=60)
    assert r.returncode == 2, r.text
    assert f"{target} is {kind}, not a regular file; name a regular file to write" in r.stderr


def test_graph_why_names_an_unknown_component(tmp_path):
    r = run_abuse(tmp_path, "graph", "hello", "-o", "g.dot", "--why", "serial-16551")
    assert r.returncode == 2, r.text
    assert "error: [--why]: 'serial-16551' is not a component of this recipe" in r.stderr
    assert "hint: did you mean serial-16550?" in r.stderr
    assert not (tmp_path / "g.dot").exists()


def test_boot_of_a_file_that_is_not_a_kernel(tmp_path):
    junk = tmp_path / "junk.elf"
    junk.write_bytes(b"not a kernel\n" * 100)
    r = run_abuse(tmp_path, "boot", str(junk), timeout=120)
    assert r.returncode == 1, r.text
    assert "--- error" in r.stderr
    assert "error: qemu: invalid kernel header" in r.stderr  # QEMU's own words


def test_boot_with_a_forward_port_in_use(tmp_path):
    import socket

    r = run_abuse(tmp_path, "build", "hello", "--out", "out", may_write=("out",))
    assert r.returncode == 0, r.text
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as busy:
        busy.bind(("127.0.0.1", 0))
        port = busy.getsockname()[1]
        r = run_abuse(tmp_path, "boot", "out/hello.elf", "--forward", f"udp:{port}:53",
                      "--timeout", "60", may_write=("out",), timeout=120)
    assert r.returncode == 1, r.text
    assert f"Could not set up host forwarding rule 'udp:127.0.0.1:{port}-:53'" in r.stderr


# --------------------------------------------------------------------------- 9. components

@pytest.mark.parametrize("source, message", [
    ("../../outside/big.c", "'../../outside/big.c' is outside the component folder"),
    ("link.c", "'link.c' is outside the component folder"),
])
def test_manifest_source_outside_its_folder(tmp_path, source, message):
    outside = tmp_path / "outside"
    outside.mkdir()
    with open(outside / "big.c", "wb") as f:  # 1 GiB, sparse
        f.truncate(1 << 30)
    comp = tmp_path / "ws" / "hello"
    shutil.copytree(KERNELS / "lib" / "hello", comp)
    (comp / "link.c").symlink_to(outside / "big.c")
    manifest = comp / "component.toml"
    manifest.write_text(manifest.read_text().replace('sources = ["hello.c"]',
                                                     f'sources = ["hello.c", "{source}"]'))
    r = run_abuse(tmp_path, "--workspace", "ws", "build", "hello", "--out", "out", timeout=60)
    assert r.returncode == 2, r.text
    line = next(no for no, text in enumerate(manifest.read_text().splitlines(), 1)
                if text.startswith("sources ="))
    assert f"error: ws/hello/component.toml:{line} [sources]: {message} ws/hello" in r.stderr, \
        r.stderr
    assert "hint: sources are files inside the component's own folder" in r.stderr


# --------------------------------------------------------------------------- 10. browser mode

def test_serve_refuses_websockets_from_other_origins(tmp_path):
    import asyncio
    import signal
    import subprocess
    import sys

    import aiohttp

    from workbench.core.run.appliance import free_port

    from .test_serve import served_page, stop_server

    port = free_port("tcp")
    proxy = "https://workbench.school.example"
    server = subprocess.Popen([sys.executable, "-m", "workbench", "serve", "--port", str(port),
                               "--allow-origin", proxy], cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, start_new_session=True, text=True,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

    async def upgrade(origin: str) -> int:
        headers = {"Origin": origin}
        async with aiohttp.ClientSession() as http:
            try:
                ws = await http.ws_connect(f"http://127.0.0.1:{port}/ws?width=80&height=24",
                                           headers=headers)
            except aiohttp.WSServerHandshakeError as e:
                return e.status
            await ws.receive(timeout=60)  # the session's workbench has started
            await ws.close()
            return 101

    codes = {}
    try:
        served_page(port, 60, server)
        codes = {o: asyncio.run(upgrade(o)) for o in (
            "http://evil.example", f"http://evil.example:{port}", "null",
            f"http://127.0.0.1:{port}", f"http://localhost:{port}", proxy)}
    finally:
        stop_server(server)
        log = server.stdout.read()
    assert codes == {"http://evil.example": 403, f"http://evil.example:{port}": 403, "null": 403,
                     f"http://127.0.0.1:{port}": 101, f"http://localhost:{port}": 101,
                     proxy: 101}, log
    assert "refused a websocket from origin http://evil.example (not this server's own; " \
           "allow it with --allow-origin)" in log
    assert "Traceback" not in log, log[log.find("Traceback"):][:3000]


# --------------------------------------------------------------------------- 4. recipes

RULE = ("hint: a recipe name is one file name: 1–64 letters, digits, '.', '_' or '-', "
        "starting with a letter or digit (no '/', no spaces)")


@pytest.mark.parametrize("name", ["../../x", "ABSOLUTE/x", "", "two\nlines", ".hidden", "a b"])
def test_recipe_name_is_one_safe_file_name(tmp_path, name):
    if name.startswith("ABSOLUTE"):
        name = str(tmp_path / "elsewhere" / "x")
    (tmp_path / "deep" / "er").mkdir(parents=True)
    recipe = tmp_path / "deep" / "er" / "mine.toml"
    recipe.write_text(f'name = {json.dumps(name)}\napplication = "hello"\n')
    r = run_abuse(tmp_path / "deep" / "er", "build", "mine.toml", "--out", "out")
    assert r.returncode == 2, r.text
    assert f"error: mine.toml:1 [name]: {name!r} cannot be a recipe name: it names the image " \
           "file" in r.stderr
    assert RULE in r.stderr
    assert tree(tmp_path) == {"deep", "deep/er", "deep/er/mine.toml", "deep/er/home"}


@pytest.mark.parametrize("out, message", [
    ("afile", "error: afile [--out]: afile is a regular file, not a folder\n"
              "  hint: name a folder for the build's files"),
    ("/dev/full/x", "error: /dev/full/x: Not a directory"),
])
def test_build_out_that_cannot_be_a_folder(tmp_path, out, message):
    (tmp_path / "afile").write_text("mine\n")
    r = run_abuse(tmp_path, "build", "hello", "--out", out)
    assert r.returncode == 2, r.text
    assert message in r.stderr
    assert (tmp_path / "afile").read_text() == "mine\n"


def test_option_value_the_c_code_cannot_hold(tmp_path):
    (tmp_path / "mine.toml").write_text(
        'name = "mine"\napplication = "dns"\n\n[options.dns]\nzone = "z.zone"\n\n'
        '[options.net-ipv4]\naddress = "999.1.2.3"\n')
    (tmp_path / "z.zone").write_text("$ORIGIN example.org.\n@ 3600 IN A 10.0.0.1\n")
    r = run_abuse(tmp_path, "build", "mine.toml", "--out", "out")
    assert r.returncode == 2, r.text
    assert ("error: mine.toml:8 [options.net-ipv4.address]: option 'address' of net-ipv4: "
            "'999.1.2.3' is not an IPv4 address; expected an IPv4 address: four numbers from 0 "
            'to 255, e.g. "10.0.2.15"') in r.stderr


# --------------------------------------------------------------------------- 6. builds at once

def test_builds_at_once_all_succeed(tmp_path):
    """Two builds of one recipe into one folder, and a third into another, all at once, with an
    empty object cache: all succeed, and a fourth build then finds every object cached."""
    import subprocess
    import sys

    env = {**os.environ, "WB_HOME": str(tmp_path / "home"), "WB_CACHE": str(tmp_path / "cache")}
    outs = ["out/a", "out/a", "out/b"]
    procs = [subprocess.Popen([sys.executable, "-m", "workbench", "build", "selftest", "--out", o,
                               "--json"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for o in outs]
    results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in procs]
    for code, out, err in results:
        assert code == 0 and "Traceback" not in err, err
        assert json.loads(out)["image"].endswith("selftest.elf")
    again = json.loads(run_cli("build", "selftest", "--out", "out/c", "--json", cwd=tmp_path,
                               env=env).stdout)
    assert again["compiled"] == 0 and again["cached"] > 0
    leftovers = [p for p in tree(tmp_path) if p.endswith((".tmp.o", ".part"))]
    assert not leftovers


# --------------------------------------------------------------------------- 5. memory

def test_recipe_that_cannot_fit_the_machine_memory(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<p>hi</p>\n")
    (tmp_path / "big.toml").write_text(
        'name = "big"\napplication = "httpd"\n\n[options.httpd]\nsite = "site"\n\n'
        '[options.net-tcp]\nconnections = 256\nsend_buffer = 1048576\n')
    r = run_abuse(tmp_path, "build", "big.toml", "--out", "out", may_write=("out",))
    assert r.returncode == 2, r.text
    assert "error: big.toml [options.net-tcp]: the image needs 25" in r.stderr
    assert "MiB of memory (it ends at address 0x" in r.stderr
    assert "but machine 'microvm' has 128.0 MiB" in r.stderr
    assert "  net-tcp: 25" in r.stderr
    assert ("hint: make net-tcp's memory smaller in [options.net-tcp]: connections = 256, "
            "send_buffer = 1048576") in r.stderr
    assert not (tmp_path / "out" / "big.elf").exists()  # nothing left to boot by mistake


# --------------------------------------------------------------------------- 1. site folder

SECRET = b"root:$6$not-for-the-web$:19000:0:99999:7:::\n"


def _site_recipe(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>hi</p>\n")
    (tmp_path / "web.toml").write_text(
        'name = "web"\napplication = "httpd"\n\n[options.httpd]\nsite = "site"\n')
    return site


def _nothing_leaked(tmp_path: Path) -> None:
    for p in (tmp_path / "out").rglob("*") if (tmp_path / "out").exists() else ():
        if p.is_file() and not p.is_symlink():
            assert SECRET not in p.read_bytes(), f"the host file reached {p}"


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_site_symlink_out_of_the_site(tmp_path, kind):
    site = _site_recipe(tmp_path)
    host = tmp_path / "host"
    host.mkdir()
    (host / "shadow").write_bytes(SECRET)
    link = site / ("shadow.txt" if kind == "file" else "etc")
    link.symlink_to(host / "shadow" if kind == "file" else host)
    r = run_abuse(tmp_path, "build", "web.toml", "--out", "out", may_write=("out",))
    assert r.returncode == 2, r.text
    assert f"error: site/{link.name}: a link to " \
           f"{host / 'shadow' if kind == 'file' else host}, outside the site folder" in r.stderr
    assert "hint: the site serves only regular files inside its folder" in r.stderr
    _nothing_leaked(tmp_path)


def test_site_link_to_a_folder_inside_the_site_is_refused(tmp_path):
    site = _site_recipe(tmp_path)
    (site / "docs").mkdir()
    (site / "docs" / "a.txt").write_text("a\n")
    (site / "mirror").symlink_to("docs")
    r = run_abuse(tmp_path, "build", "web.toml", "--out", "out", may_write=("out",))
    assert r.returncode == 2, r.text
    assert "error: site/mirror: the site file is a folder, not a regular file" in r.stderr


def test_site_fifo_is_refused(tmp_path):
    site = _site_recipe(tmp_path)
    os.mkfifo(site / "pipe.txt")
    r = run_abuse(tmp_path, "build", "web.toml", "--out", "out", may_write=("out",), timeout=60)
    assert r.returncode == 2, r.text
    assert "error: site/pipe.txt: the site file is a FIFO (named pipe), not a regular file" \
        in r.stderr


def test_site_file_bigger_than_the_guest_allows(tmp_path):
    site = _site_recipe(tmp_path)
    with open(site / "huge.bin", "wb") as f:  # 1 GiB, sparse
        f.truncate(1 << 30)
    r = run_abuse(tmp_path, "build", "web.toml", "--out", "out", may_write=("out",), timeout=60)
    assert r.returncode == 2, r.text
    assert ("error: site/huge.bin: the site file is 1,073,741,824 bytes "
            "(1024.0 MiB); the limit is 67,108,864 bytes (64.0 MiB)") in r.stderr
    assert "hint: the limit is half of the guest's 128 MiB of memory; the rest is the " \
           "server's" in r.stderr


def test_site_manifest_asking_for_too_many_generated_bytes(tmp_path):
    site = _site_recipe(tmp_path)
    (site / "site.toml").write_text("".join(
        f'[[generated]]\npath = "f{i}.bin"\nbytes = 67108864\n\n' for i in range(100)))
    r = run_abuse(tmp_path, "build", "web.toml", "--out", "out", may_write=("out",), timeout=60)
    assert r.returncode == 2, r.text
    assert "error: site/site.toml:3 [generated.bytes]: the generated files would make the site " \
           "larger than 67,108,864 bytes (64.0 MiB)" in r.stderr, r.stderr


# --------------------------------------------------------------------------- 2. zone file

ZONE_HEAD = ("$ORIGIN example.org.\n$TTL 3600\n@ IN SOA ns1 admin 1 7200 3600 1209600 300\n"
             "@ IN NS ns1\nns1 IN A 10.0.0.1\n")


def _dns_recipe(tmp_path: Path, zone: str) -> None:
    (tmp_path / "dns.toml").write_text(
        f'name = "dns"\napplication = "dns"\n\n[options.dns]\nzone = {json.dumps(zone)}\n')


@pytest.mark.parametrize("zone, message", [
    ("/dev/zero", "error: /dev/zero: the zone file is a device, not a regular file\n"
                  "  hint: name a regular file of at most 16,777,216 bytes (16.0 MiB)"),
    ("pipe.zone", "error: pipe.zone: the zone file is a FIFO (named pipe), not a regular file"),
    ("huge.zone", "error: huge.zone: the zone file is 1,073,741,824 bytes (1024.0 MiB); the "
                  "limit is 16,777,216 bytes (16.0 MiB)"),
])
def test_zone_file_that_is_not_a_small_regular_file(tmp_path, zone, message):
    if zone == "pipe.zone":
        os.mkfifo(tmp_path / zone)
    elif zone == "huge.zone":
        with open(tmp_path / zone, "wb") as f:  # 1 GiB, sparse
            f.truncate(1 << 30)
    _dns_recipe(tmp_path, zone)
    r = run_abuse(tmp_path, "build", "dns.toml", "--out", "out", may_write=("out",), timeout=30)
    assert r.returncode == 2, r.text
    assert message in r.stderr, r.stderr


@pytest.mark.parametrize("line, message", [
    ("@ IN MX 1² mail", ":6: MX preference '1²' is not a number from 0 to 65535"),
    ('@ IN TXT "\\²²²"', ":6: escape \\²²² is not \\DDD"),
    ("www -5 IN A 10.0.0.2", ":6: '-5' is not a valid TTL\n  hint: a TTL is a whole number of "
                             "seconds from 0 to 2147483647"),
    ("@ IN TXT " + " ".join(['"' + "a" * 255 + '"'] * 300),
     ":6: TXT record of 76800 bytes\n  hint: a record's data is at most 65535 bytes"),
    ("a\u200db IN A 10.0.0.2", ":6: owner name 'a\u200db' is not a valid internationalised name"),
])
def test_zone_line_errors(tmp_path, line, message):
    (tmp_path / "bad.zone").write_text(ZONE_HEAD + line + "\n")
    _dns_recipe(tmp_path, "bad.zone")
    r = run_abuse(tmp_path, "build", "dns.toml", "--out", "out", may_write=("out",))
    assert r.returncode == 2, r.text
    assert f"error: bad.zone{message}" in r.stderr, r.stderr


def test_zone_with_a_byte_order_mark_and_an_international_name(tmp_path):
    from workbench.core.builder.generators.zonefile import load_zone, name_to_wire

    (tmp_path / "ok.zone").write_bytes(("\ufeff" + ZONE_HEAD + "日本 IN A 10.0.0.7\n").encode())
    zone = load_zone(tmp_path / "ok.zone")
    (record,) = [r for r in zone.records if r.rdata == "10.0.0.7"]
    assert record.owner == "xn--wgv71a.example.org."
    assert name_to_wire(record.owner) == b"\x0axn--wgv71a\x07example\x03org\x00"


# --------------------------------------------------------------------------- 3. silent data loss

def test_zone_larger_than_the_appliance_tables(tmp_path):
    names = "".join(f"h{i} IN A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}\n" for i in range(70000))
    (tmp_path / "big.zone").write_text(ZONE_HEAD + names)
    _dns_recipe(tmp_path, "big.zone")
    r = run_abuse(tmp_path, "build", "dns.toml", "--out", "out", may_write=("out",), timeout=300)
    assert r.returncode == 2, r.text
    assert "error: big.zone: the zone has 70,002 names; the DNS appliance holds at most 65,535" \
        in r.stderr, r.stderr
    assert "hint: its tables count them in 16 bits" in r.stderr
    assert not (tmp_path / "out" / "dns.elf").exists()
