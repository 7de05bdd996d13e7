"""`workbench serve` in a real browser: the system's Chromium (Debian `chromium`, installed by
the set-up script for the test command), driven by Playwright — no browser is downloaded.
The page loads, its terminal connects, the six tabs appear, keys switch screens, hello boots
and greets, and closing the tab ends the session's QEMU. What the app draws is read from the
websocket frames the page itself receives (the terminal draws on a canvas)."""

from __future__ import annotations

import os
import re
import shutil
import time

import pytest

from workbench.core.learn.material import timeout_scale

from .conftest import qemu_pids
from .test_serve_class import _start_server, _stop

CHROMIUM = "/usr/bin/chromium"
# A browser that talks to nothing but the test's server.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Control sequences between the drawn characters (CSI, OSC, two-byte escapes).
ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """A headless Chromium with a fresh profile; closed (with every process of it) at the end."""
    if not os.path.exists(CHROMIUM):
        if shutil.which("apt-get") is None:
            pytest.skip("no Chromium: this platform has no apt-get to install Debian's chromium")
        pytest.fail(f"{CHROMIUM} is missing: run `WB_SETUP_TESTS=1 bash scripts/setup.sh` "
                    "(or ./workbench.sh test), which installs it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: install the test extra (pip install -e '.[test]')")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM,
            headless=True, args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 900})
        try:
            yield context
        finally:
            context.close()


class Tab:
    """A browser tab showing `workbench serve`; `drawn` is what its terminal was sent."""

    def __init__(self, context, url: str) -> None:
        self.page = context.new_page()
        self.data = bytearray()
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        deadline = time.monotonic() + 20 * timeout_scale()
        while True:  # the server may still be starting
            try:
                self.page.goto(url)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                self.page.wait_for_timeout(200)

    def _frame(self, payload) -> None:
        self.data.extend(payload if isinstance(payload, bytes) else payload.encode())

    def drawn(self, since: int = 0) -> str:
        return ESCAPES.sub(b"", bytes(self.data[since:])).decode("utf-8", "replace")

    def wait_for(self, pattern: str, since: int = 0, timeout: float = 30) -> str:
        """Wait (pumping the browser's events) until the drawing since `since` matches."""
        deadline = time.monotonic() + timeout * timeout_scale()
        while time.monotonic() < deadline:
            text = self.drawn(since)
            if re.search(pattern, text):
                return text
            self.page.wait_for_timeout(100)
        # the tabs' underline is redrawn at every step of its animation: one mark each
        shown = re.sub(r"[━╸╺]{8,}", "━", " ".join(self.drawn(since).split()))
        raise AssertionError(f"the page never showed {pattern!r}; it showed: {shown[-3000:]}")

    def press(self, key: str) -> int:
        """Type a key into the page's terminal; the drawing's offset before it."""
        mark = len(self.data)
        self.page.keyboard.press(key)
        return mark


def _open(chromium, port: int) -> Tab:
    tab = Tab(chromium, f"http://127.0.0.1:{port}/")
    tab.wait_for(r"1 Assemble\s*2 Graph\s*3 Memory\s*4 Compare\s*5 Run\s*6 Lessons", timeout=45)
    tab.page.focus(".xterm-helper-textarea")  # the terminal takes the keys
    return tab


@pytest.mark.qemu
def test_the_page_shows_six_tabs_keys_switch_screens_and_hello_greets(chromium, tmp_path):
    server, port = _start_server(tmp_path, "hello")
    try:
        tab = _open(chromium, port)
        # every address the page used is the server's own (nothing from the internet)
        assert tab.requests and all(u.startswith(f"http://127.0.0.1:{port}/")
                                    for u in tab.requests), tab.requests
        # each key draws its own screen (text no other screen shows)
        for key, shown in (("2", r"components, \d+ requirements"),
                           ("3", r"current build: no image yet"),
                           ("4", r"Monolithic kernel\s+Microkernel\s+Library OS"),
                           ("6", r"01 Three ways to build an OS"),
                           ("1", r"Catalogue\s+by layer"),
                           ("5", r"type to the guest's serial console")):
            tab.wait_for(shown, since=tab.press(key))
        mark = tab.press("r")
        tab.wait_for(r"Hello from a unikernel!", since=mark, timeout=30)
    finally:
        _stop(server, tmp_path)


@pytest.mark.qemu
def test_closing_the_tab_ends_its_qemu_within_two_seconds(chromium, tmp_path):
    server, port = _start_server(tmp_path, "hang")
    try:
        tab = _open(chromium, port)
        tab.press("5")
        deadline = time.monotonic() + 30 * timeout_scale()
        running: list[int] = []
        while not running and time.monotonic() < deadline:
            tab.press("r")
            for _ in range(20):
                tab.page.wait_for_timeout(100)
                running = qemu_pids(mentioning=str(tmp_path))
                if running:
                    break
        assert running, "the page never booted the kernel"
        tab.page.close()
        start = time.monotonic()
        while any(os.path.exists(f"/proc/{pid}") for pid in running) \
                and time.monotonic() - start < 10:
            time.sleep(0.02)
        took = time.monotonic() - start
        print(f"closing the tab ended its QEMU in {took:.2f} s")
        assert not any(os.path.exists(f"/proc/{pid}") for pid in running), \
            f"QEMU {running} outlived its tab"
        assert took <= 2 * timeout_scale(), f"closing the tab took {took:.1f} s to end QEMU"
        assert server.poll() is None, "the server keeps serving other browsers"
    finally:
        _stop(server, tmp_path)
