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

from workbench.core.run.appliance import free_port

from .conftest import REPO, process_pids, qemu_pids


def listening(pid: int) -> list[str]:
    """The sockets process `pid` listens on ('tcp ADDRESS:PORT' in /proc's hex, 'unix PATH'),
    read from /proc: its file descriptors' socket inodes, looked up in the socket tables."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            link = os.readlink(fd)
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[len("socket:["):-1])
    found = []
    for table in ("tcp", "tcp6"):
        for row in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            f = row.split()
            if f[3] == "0A" and f[9] in inodes:  # 0A: LISTEN
                found.append(f"{table} {f[1]}")
    for row in Path(f"/proc/{pid}/net/unix").read_text().splitlines()[1:]:
        f = row.split()
        if len(f) >= 8 and f[3] == "00010000" and f[6] in inodes:  # __SO_ACCEPTCON: listening
            found.append(f"unix {f[7]}")
    return found


async def upgrade_status(http, url: str, origin: str) -> int:
    """The status of a websocket upgrade sent to `url` by a page of `origin` (101: accepted)."""
    async with http.get(url, headers={
            "Origin": origin, "Connection": "Upgrade", "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}) as r:
        return r.status


def served_page(port: int, timeout: float, proc: subprocess.Popen | None = None) -> str | None:
    """The page the server on `port` answers with, asked again until it answers (or `proc`, the
    server, has ended, or `timeout` seconds have passed: then None)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (proc is None or proc.poll() is None):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                return r.read().decode()
        except OSError:
            time.sleep(0.2)
    return None


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
        page = served_page(port, 20)
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


def test_unix_socket_serves_the_page_and_listens_on_no_port(tmp_path):
    """`--unix-socket PATH` (how jupyter-server-proxy runs it): the page is served there, the
    server listens on no TCP port, and a page of another origin still may not open a session
    (with no port of its own, only origins named or forwarded by a proxy are the server's)."""
    import asyncio

    import aiohttp

    path = tmp_path / "wb.sock"
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "serve", "--unix-socket",
                             str(path), "--allow-origin", "https://hub.example"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

    async def scenario() -> None:
        async with aiohttp.ClientSession(connector=aiohttp.UnixConnector(str(path))) as http:
            deadline = time.monotonic() + 20
            while True:
                try:
                    async with http.get("http://localhost/") as r:
                        assert r.status == 200 and "Unikernel Workbench" in await r.text()
                        break
                except aiohttp.ClientConnectionError:
                    assert proc.poll() is None and time.monotonic() < deadline, \
                        "the server never answered on its socket"
                    await asyncio.sleep(0.2)
            for origin, status in (("https://hub.example", 101),
                                   ("http://localhost:8000", 403)):
                assert await upgrade_status(http, "http://localhost/ws", origin) == status, origin

    try:
        asyncio.run(scenario())
        assert listening(proc.pid) == [f"unix {path}"]
    finally:
        stop_server(proc)
