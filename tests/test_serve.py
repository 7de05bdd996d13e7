"""`workbench serve`: the UI served to browsers for a classroom (the page, and a clean stop)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from workbench.core.run.appliance import free_port

from .conftest import REPO, process_pids, qemu_pids


def stop_server(proc: subprocess.Popen) -> None:
    """A terminal's Ctrl-C to the server's process group; a kill if it does not end."""
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise


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
        stop_server(proc)


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
            assert process_pids("workbench tui hang")
            await ws.close()
            return running

    try:
        running = asyncio.run(session())
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and (qemu_pids(mentioning=str(tmp_path))
                                                or process_pids("workbench tui hang")):
            time.sleep(0.2)
        assert not qemu_pids(mentioning=str(tmp_path)), f"QEMU {running} outlived its session"
        assert not process_pids("workbench tui hang"), "the session's app is still running"
        assert server.poll() is None, "the server itself keeps serving other browsers"
    finally:
        stop_server(server)
        for pid in qemu_pids(mentioning=str(tmp_path)):
            os.kill(pid, signal.SIGKILL)
