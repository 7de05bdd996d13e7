"""`workbench serve`: the UI served to browsers for a classroom (the page, and a clean stop)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from workbench.core.appliance import free_port

from .conftest import REPO, qemu_pids


def test_serve_answers_with_the_app_page_and_stops_cleanly():
    port = free_port("tcp")
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "serve", "--port", str(port)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True,
                            # a terminal's SIGINT, even where the suite runs as a background job
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        page = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and page is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    page = r.read().decode()
            except OSError:
                time.sleep(0.2)
        assert page is not None, "the server never answered"
        assert "Unikernel Workbench" in page and "textual" in page.lower()
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise


def _pids_mentioning(text: str, program: bytes) -> list[int]:
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                argv = (d / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if program in argv[0] + b" " + b" ".join(argv[1:3]) and text.encode() in b" ".join(argv):
                pids.append(int(d.name))
    return pids


@pytest.mark.qemu
def test_closing_a_browser_session_stops_its_qemu(tmp_path):
    """A browser tab that boots a kernel and goes away leaves no QEMU behind: the tab's own
    `workbench tui` ends, and its QEMU with it. Driven through textual-serve's websocket,
    the way the browser page talks to it."""
    import asyncio

    import aiohttp

    port = free_port("tcp")
    server = subprocess.Popen([sys.executable, "-m", "workbench", "serve", "--port", str(port),
                               "hang"], cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, start_new_session=True,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

    async def session() -> list[int]:
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 20
            while True:
                try:
                    ws = await http.ws_connect(f"http://127.0.0.1:{port}/ws?width=120&height=40")
                    break
                except aiohttp.ClientError:
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.2)
            # press r (boot) until this session's QEMU runs: a key sent while the app is still
            # starting can arrive before the UI listens
            deadline = time.monotonic() + 60
            running: list[int] = []
            while not running and time.monotonic() < deadline:
                await ws.send_json(["stdin", "r"])
                for _ in range(25):
                    await asyncio.sleep(0.2)
                    running = qemu_pids(mentioning=str(tmp_path))
                    if running:
                        break
            assert running, "the served app never booted the kernel"
            assert _pids_mentioning("workbench tui hang", b"python")
            await ws.close()
            return running

    try:
        running = asyncio.run(session())
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and (qemu_pids(mentioning=str(tmp_path))
                                                or _pids_mentioning("workbench tui hang", b"python")):
            time.sleep(0.2)
        assert not qemu_pids(mentioning=str(tmp_path)), f"QEMU {running} outlived its session"
        assert not _pids_mentioning("workbench tui hang", b"python"), "the session's app is still running"
        assert server.poll() is None, "the server itself keeps serving other browsers"
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            raise
        for pid in qemu_pids(mentioning=str(tmp_path)):
            os.kill(pid, signal.SIGKILL)
