"""The Linux baseline: the recipe's service in a Linux guest, asked the same questions.

Fast tests check the initramfs (reproducible, built from the recipe's own data) and the
messages a learner gets when something is missing. The slow ones fetch Debian's cloud kernel
once per session into a private cache (skipped where apt-get cannot), boot the guests in real
QEMU and ask them with dnspython, dig and curl — the same checks as the unikernels' tests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from functools import partial

import dns.rcode
import pytest

from workbench.core.baseline.cpio import cpio_newc, host_program
from workbench.core.baseline.initramfs import initramfs_files
from workbench.core.baseline.services import service_for
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.recipe import load_recipe
from workbench.core.model.resolve import resolve
from workbench.core.run.appliance import Appliance

from . import test_dns
from .conftest import RECIPES, have, qemu_pids, run_cli
from .test_dns import ask, expected, rrset_values


@pytest.fixture(scope="module", autouse=True)
def private_linux_cache(tmp_path_factory):
    """Kernels, initramfs images and the port helper go to a folder of this module's own,
    never to the learner's cache."""
    before = os.environ.get("WB_LINUX_CACHE")
    cache = tmp_path_factory.mktemp("linux-cache")
    os.environ["WB_LINUX_CACHE"] = str(cache)
    yield cache
    if before is None:
        os.environ.pop("WB_LINUX_CACHE", None)
    else:
        os.environ["WB_LINUX_CACHE"] = before


def resolution(name, catalogue):
    return resolve(load_recipe(RECIPES / f"{name}.toml"), catalogue)


# --------------------------------------------------------------------------- the initramfs

def listing(archive: bytes) -> list[str]:
    out = subprocess.run(["cpio", "-t", "--quiet"], input=archive, capture_output=True,
                         check=True)
    return out.stdout.decode().split()


@pytest.mark.skipif(not have("cpio"), reason="cpio is not installed")
def test_the_dns_initramfs_is_reproducible_and_serves_the_recipes_zone(catalogue):
    res = resolution("dns", catalogue)
    first = initramfs_files(res, None)
    archive = cpio_newc(first)
    assert archive == cpio_newc(initramfs_files(res, None)), "same inputs, same bytes"
    names = listing(archive)
    for path in ("init", "bin/busybox", "bin/port", "usr/sbin/nsd", "etc/nsd/nsd.conf",
                 "etc/nsd/zone", "lib64/ld-linux-x86-64.so.2"):
        assert path in names, path
    assert first["etc/nsd/zone"].data == (RECIPES / "data" / "example.zone").read_bytes()
    assert b"nsd -d" in first["init"].data and b"ready app=dns" in first["init"].data


def test_the_httpd_initramfs_holds_the_recipes_site(catalogue):
    files = initramfs_files(resolution("httpd", catalogue), None)
    site = RECIPES / "data" / "site"
    assert files["site/index.html"].data == (site / "index.html").read_bytes()
    assert len(files["site/files/random-1m.bin"].data) == 1 << 20  # made like the build makes it
    assert "site/site.toml" not in files  # the manifest is not served
    assert b"root /site;" in files["etc/nginx/nginx.conf"].data


def test_hello_prints_the_recipes_greeting_and_exits_with_success(catalogue):
    init = initramfs_files(resolution("hello", catalogue), None)["init"].data.decode()
    assert "echo 'Hello from a unikernel!'" in init and "port exit 16" in init
    assert "insmod" not in init  # no network, no driver


def test_an_application_without_a_linux_guest_is_named(catalogue):
    with pytest.raises(WorkbenchError) as e:
        service_for(resolution("selftest", catalogue))
    assert "selftest" in str(e.value) and "dns" in (e.value.hint or "")


def test_a_missing_host_program_names_its_package(tmp_path):
    with pytest.raises(WorkbenchError) as e:
        host_program(str(tmp_path / "nsd"), "nsd")
    assert e.value.hint == "install it: sudo apt-get install nsd"


# --------------------------------------------------------------------------- clear messages

def test_own_files_that_do_not_exist_are_reported(tmp_path):
    r = run_cli("boot", "hello", "--os", "linux", "--kernel", str(tmp_path / "bzImage"),
                "--initrd", str(tmp_path / "initrd"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "bzImage" in r.stderr and "file not found" in r.stderr


def test_kernel_without_os_linux_is_refused(tmp_path):
    r = run_cli("boot", "hello", "--kernel", str(tmp_path / "bzImage"))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "--os linux" in r.stderr


def test_without_apt_the_message_says_how_to_bring_ones_own(tmp_path):
    """Where apt-get is missing (macOS, another distribution) the learner reads what to do."""
    empty = tmp_path / "bin"
    empty.mkdir()
    r = run_cli("boot", "hello", "--os", "linux",
                env={"PATH": str(empty), "WB_LINUX_CACHE": str(tmp_path / "cache")})
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "apt-get is not available" in r.stderr and "--kernel FILE --initrd FILE" in r.stderr


# --------------------------------------------------------------------------- real guests

@pytest.fixture(scope="module")
def linux_cache(private_linux_cache):
    """The private cache with Debian's kernel in it (fetched once per module)."""
    if not (have("apt-get") and have("dpkg-deb")):
        pytest.skip("apt-get and dpkg-deb are needed to fetch Debian's kernel")
    from workbench.core.baseline.kernel import fetch_kernel

    try:
        fetch_kernel()
    except WorkbenchError as e:
        pytest.skip(f"Debian's kernel could not be fetched here: {e.message}")
    return private_linux_cache


def linux_appliance(name, forwards, catalogue):
    """The guest booted, and ready as the baseline means it: it answered a real client."""
    from workbench.core.baseline.guest import AnswerWatch, prepare_guest

    res = resolution(name, catalogue)
    guest = prepare_guest(res)
    app = Appliance(guest.kernel, forwards, machine=guest.machine,
                    extra_args=guest.qemu_args(), memory_mb=guest.memory_mb)
    app.start(ready_timeout=180)
    proto, port = forwards[0]
    if AnswerWatch(res, proto, app.port(proto, port), 60).start(time.monotonic()).wait() is None:
        app.stop()
        pytest.fail(f"the Linux {name} guest did not answer within 60 s")
    return app


@pytest.fixture(scope="module")
def nsd_guest(linux_cache, catalogue):
    app = linux_appliance("dns", [("udp", 53)], catalogue)
    yield app
    app.stop()


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("name,rtype", [("www.example.org.", "A"), ("www.example.org.", "AAAA"),
                                        ("example.org.", "MX"), ("example.org.", "NS"),
                                        ("info.example.org.", "TXT")])
def test_nsd_in_the_linux_guest_answers_from_the_recipes_zone(nsd_guest, name, rtype):
    resp = ask(nsd_guest, name, rtype)
    assert resp.rcode() == dns.rcode.NOERROR
    assert rrset_values(resp, rtype) == expected(name, rtype)


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("check", [
    test_dns.test_cname_is_followed_inside_the_zone,
    test_dns.test_nxdomain_carries_the_soa,
    test_dns.test_refused_outside_the_zone,
    test_dns.test_names_are_case_insensitive_and_echoed_as_asked,
    partial(test_dns.test_nodata_for_existing_names_without_that_type,
            name="www.example.org.", rtype="MX"),
    partial(test_dns.test_nodata_for_existing_names_without_that_type,
            name="b.example.org.", rtype="A"),
], ids=["cname", "nxdomain", "refused", "case", "nodata-type", "nodata-empty-non-terminal"])
def test_nsd_in_the_linux_guest_passes_the_unikernels_checks(nsd_guest, check):
    check(nsd_guest)


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.skipif(not have("dig"), reason="dig is not installed")
def test_dig_asks_the_linux_guest(nsd_guest):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(nsd_guest.port("udp", 53)),
                          "www.example.org", "A", "+short", "+tries=3"],
                         capture_output=True, text=True, timeout=30).stdout.split()
    assert out == expected("www.example.org.", "A")
    assert ask(nsd_guest, "no-such-name.example.org.", "A").rcode() == dns.rcode.NXDOMAIN


@pytest.mark.qemu
@pytest.mark.slow
def test_nginx_in_the_linux_guest_serves_the_recipes_site(linux_cache, catalogue):
    app = linux_appliance("httpd", [("tcp", 80)], catalogue)
    try:
        url = f"http://127.0.0.1:{app.port('tcp', 80)}/"
        with urllib.request.urlopen(url, timeout=10) as reply:
            assert reply.read() == (RECIPES / "data" / "site" / "index.html").read_bytes()
        if have("curl"):
            out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                  url + "no-such-file"], capture_output=True, text=True,
                                 timeout=30).stdout
            assert out == "404"
    finally:
        result = app.stop()
    assert result is not None and result.status == "stopped"


@pytest.mark.qemu
@pytest.mark.slow
def test_boot_os_linux_runs_hello_like_a_unikernel(linux_cache):
    r = run_cli("boot", "hello", "--os", "linux", "--timeout", "120", "--json", timeout=240)
    data = json.loads(r.stdout)
    assert r.returncode == 0 and data["status"] == "success", r.stderr[-2000:]
    assert "Hello from a unikernel!" in data["console"]
    assert [t["kind"] for t in data["telemetry"]][:2] == ["boot", "ready"]
    assert not qemu_pids(f"{linux_cache}/initramfs/hello-")  # (the DNS guest still serves)


@pytest.mark.qemu
@pytest.mark.slow
def test_baseline_json_has_every_key(linux_cache):
    r = run_cli("baseline", "hello", "--runs", "1", "--json", timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    data = json.loads(r.stdout)
    keys = {"image_bytes", "memory_mib", "ready_ms", "rss_mib", "throughput_per_s",
            "idle_cpu_pct"}
    for system in ("unikernel", "linux"):
        assert set(data[system]) == keys
        assert data[system]["image_bytes"] > 0 and data[system]["ready_ms"] > 0
        assert data[system]["memory_mib"] is not None
    assert set(data["ratios"]) == keys
    assert data["ratios"]["image_bytes"] > 1  # a kernel and an initramfs outweigh hello
    assert not qemu_pids(f"{linux_cache}/initramfs/hello-")


# --------------------------------------------------------------------------- lesson 14

def test_lesson_14_checks_the_learners_own_saved_baseline(tmp_path, monkeypatch):
    from workbench.core.baseline.record import result_path, save_result
    from workbench.core.learn import lessons as L
    from workbench.core.learn.progress import Progress

    monkeypatch.setenv("WB_HOME", str(tmp_path))
    lesson, progress = L.find_lesson("14"), Progress.load(tmp_path / "progress.json")
    _, result = L.check_step(lesson, progress, step_id="dns-baseline")
    assert result.status == "fail" and "workbench baseline dns" in " ".join(result.details)
    ratios = {"image_bytes": 100.0, "memory_mib": 30.0, "ready_ms": 150.0, "rss_mib": 6.0,
              "throughput_per_s": 0.4, "idle_cpu_pct": None}
    save_result({"recipe": "dns", "ratios": ratios})
    assert result_path("dns").is_file()
    _, result = L.check_step(lesson, progress, step_id="dns-baseline")
    assert result.status == "fail" and any("throughput_per_s: 0.4×" in d for d in result.details)
    save_result({"recipe": "dns", "ratios": {**ratios, "throughput_per_s": 2.0}})
    _, result = L.check_step(lesson, progress, step_id="dns-baseline")
    assert result.status == "pass", result


# --------------------------------------------------------------------------- the UI

@pytest.mark.qemu
@pytest.mark.slow
def test_the_compare_screen_measures_vs_linux_and_draws_bars(linux_cache, tmp_path, monkeypatch):
    import io

    from rich.console import Console

    from workbench.core.baseline import measure

    from .pilot import async_test, wait_for
    from .test_tui import SIZE, make_app

    monkeypatch.setenv("WB_HOME", str(tmp_path / "home"))
    # a coarse memory search: the CLI test above runs the fine one
    monkeypatch.setitem(measure.MEMORY_SEARCH, "unikernel", (1, 16, 8))
    monkeypatch.setitem(measure.MEMORY_SEARCH, "linux", (64, 512, 256))

    @async_test
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("4")
            await pilot.pause()
            assert "vs Linux" in [t for t, _, _ in app.command_entries()]
            view = app.query_one("#compare-linux")
            await pilot.press("l")
            await wait_for(pilot, lambda: view.measuring, timeout=10, what="the worker")
            await wait_for(pilot, lambda: not view.measuring, timeout=600, what="the baseline")
            assert view.data is not None and view.data["recipe"] == "hello"
            console = Console(width=120, record=True, file=io.StringIO())
            console.print(view.content)
            text = console.export_text()
            assert "unikernel" in text and "Linux" in text and "█" in text, text
            assert "boot to first answer" in text and "failed" not in text

    run()
    from workbench.core.baseline.record import load_result

    saved = load_result("hello")
    assert saved is not None and saved["ratios"]["image_bytes"] > 1
    assert not qemu_pids(f"{linux_cache}/initramfs/hello-")


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_to_boot_os_linux_leaves_no_qemu(linux_cache, sig):
    from workbench.core.run.appliance import free_port

    from .test_run import _default_signals, running_guest, wait_for

    port = free_port("udp")
    marker = f"hostfwd=udp:127.0.0.1:{port}-"  # this test's QEMU and nobody else's
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "boot", "dns", "--os", "linux",
                             "--forward", f"udp:{port}:53", "--timeout", "120"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_signals)
    assert wait_for(lambda: running_guest(qemu_pids(marker)), 60.0), "QEMU never ran the guest"
    proc.send_signal(sig)
    proc.communicate(timeout=20)
    assert proc.returncode != 0
    assert wait_for(lambda: not qemu_pids(marker), 3.0)
