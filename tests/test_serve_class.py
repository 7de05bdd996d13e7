"""`workbench serve` for a class: behind a reverse proxy under a path, one folder per browser
session, Ctrl-C ending every session and its QEMU at once, lesson figures and a favicon
served, nothing fetched from the internet. The proxy is a real one (aiohttp, HTTP and
websockets, setting X-Forwarded-*), the sessions are driven through textual-serve's
websocket the way the page drives it, and they boot real kernels in QEMU."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import aiohttp
import pytest
from aiohttp import web

from workbench.core.learn.material import timeout_scale
from workbench.core.run.appliance import free_port

from .conftest import REPO, qemu_pids
from .test_serve import stop_server, upgrade_status

PREFIX = "/class/workbench"


def _start_server(cwd: Path, *args: str, env: dict | None = None) -> tuple[subprocess.Popen, int]:
    port = free_port("tcp")
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "serve", "--port", str(port),
                             *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True,
                            # a terminal's SIGINT, even where the suite runs as a background job
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    return proc, port


def _kill(proc: subprocess.Popen, folder: Path) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    for pid in qemu_pids(mentioning=str(folder)):
        os.kill(pid, signal.SIGKILL)


def _stop(proc: subprocess.Popen, folder: Path) -> None:
    """Ctrl-C in the server's terminal; whatever is left (the server, QEMUs) is killed."""
    try:
        stop_server(proc)
    finally:
        _kill(proc, folder)


async def _proxy(upstream: str, port: int | None = None) -> tuple[web.AppRunner, int]:
    """A reverse proxy serving the workbench at http://127.0.0.1:PORT/class/workbench/, as a
    school's front end would: the prefix is taken off, X-Forwarded-* say where it was."""
    session = aiohttp.ClientSession()

    async def forward(request: web.Request) -> web.StreamResponse:
        path = request.path_qs[len(PREFIX):] or "/"
        headers = {"X-Forwarded-Host": request.host, "X-Forwarded-Proto": "http",
                   "X-Forwarded-Prefix": PREFIX}
        if request.headers.get("Upgrade", "").lower() == "websocket":
            if "Origin" in request.headers:
                headers["Origin"] = request.headers["Origin"]
            client = web.WebSocketResponse()
            await client.prepare(request)
            async with session.ws_connect(upstream + path, headers=headers) as server:
                async def up():
                    async for msg in client:
                        await server.send_str(msg.data)
                task = asyncio.ensure_future(up())
                async for msg in server:
                    if msg.type == aiohttp.WSMsgType.BINARY:
                        await client.send_bytes(msg.data)
                    elif msg.type == aiohttp.WSMsgType.TEXT:
                        await client.send_str(msg.data)
                task.cancel()
            await client.close()
            return client
        try:
            async with session.get(upstream + path, headers=headers) as r:
                return web.Response(status=r.status, body=await r.read(),
                                    headers={"Content-Type": r.headers.get("Content-Type", "")})
        except aiohttp.ClientError:  # the workbench is still starting
            return web.Response(status=502)

    app = web.Application()
    app.router.add_route("GET", PREFIX + "/{tail:.*}", forward)
    app.on_cleanup.append(lambda app: session.close())
    runner = web.AppRunner(app)
    await runner.setup()
    port = port or free_port("tcp")
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, port


async def _wait_for_page(http: aiohttp.ClientSession, url: str) -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            async with http.get(url) as r:
                if r.status == 200:
                    return await r.text()
        except aiohttp.ClientError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} never answered")
        await asyncio.sleep(0.2)


async def _boot_in_session(ws, folder: Path, known: set[int]) -> int:
    """Press r (boot) until a new QEMU of this server runs; its pid."""
    deadline = time.monotonic() + 60 * timeout_scale()
    while time.monotonic() < deadline:
        await ws.send_json(["stdin", "r"])
        for _ in range(25):
            await asyncio.sleep(0.2)
            new = set(qemu_pids(mentioning=str(folder))) - known
            if new:
                return new.pop()
    raise AssertionError("the served app never booted the kernel")


@pytest.mark.qemu
def test_behind_a_proxy_sessions_apart_and_ctrl_c_ends_them_all(tmp_path):
    server, port = _start_server(tmp_path, "hang")
    sessions = tmp_path / "build" / "sessions"

    async def scenario() -> tuple[list[int], float]:
        runner, proxy_port = await _proxy(f"http://127.0.0.1:{port}")
        base = f"http://127.0.0.1:{proxy_port}{PREFIX}"
        try:
            async with aiohttp.ClientSession() as http:
                page = await _wait_for_page(http, base + "/")
                # every address in the page is the proxy's; nothing from the internet
                assert "googleapis" not in page and f":{port}" not in page
                urls = re.findall(r' (?:href|src)="([^"{]+)"', page)
                urls += re.findall(r'url\("([^"]+)"\)', page)
                ws_url = re.search(r'data-session-websocket-url="([^"]+)"', page).group(1)
                assert ws_url == f"ws://127.0.0.1:{proxy_port}{PREFIX}/ws"
                assert any(u.endswith("textual.js") for u in urls)
                assert any(u.endswith(".ttf") for u in urls), "the font comes with the page"
                for url in urls:
                    assert url.startswith(base + "/"), url
                    async with http.get(url) as r:
                        assert r.status == 200, url
                for path, kind in (("/favicon.ico", "image/svg+xml"),
                                   ("/assets/three-designs.svg", "image/svg+xml"),
                                   ("/lessons/02-hello-unikernel/assets/hello-graph.svg",
                                    "image/svg+xml")):
                    async with http.get(base + path) as r:
                        assert r.status == 200 and r.content_type == kind, path
                async with http.get(base + "/assets/..%2Fsteps.toml") as r:
                    assert r.status == 404

                # two browser sessions through the proxy, each booting its own kernel
                origin = {"Origin": f"http://127.0.0.1:{proxy_port}"}
                qemus: list[int] = []
                sockets = []
                for _ in range(2):
                    ws = await http.ws_connect(ws_url + "?width=120&height=40", headers=origin)
                    sockets.append(ws)
                    qemus.append(await _boot_in_session(ws, sessions, set(qemus)))
                # Ctrl-C in the server's terminal
                os.killpg(server.pid, signal.SIGINT)
                start = time.monotonic()
                await asyncio.get_running_loop().run_in_executor(None, server.wait, 30)
                while any(os.path.exists(f"/proc/{pid}") for pid in qemus):
                    if time.monotonic() - start > 10:
                        break
                    await asyncio.sleep(0.05)
                return qemus, time.monotonic() - start
        finally:
            await runner.cleanup()

    try:
        qemus, took = asyncio.run(scenario())
        assert server.returncode is not None
        assert not qemu_pids(mentioning=str(tmp_path)), "a session's QEMU outlived Ctrl-C"
        print(f"Ctrl-C ended two sessions and their QEMUs in {took:.2f} s")
        assert took <= 2 * timeout_scale(), f"Ctrl-C took {took:.1f} s to end the sessions"
        folders = [p for p in sessions.iterdir() if p.is_dir()]
        assert len(folders) == 2, "one folder per browser session"
        for folder in folders:
            assert (folder / "build" / "hang" / "hang.elf").is_file(), folder
    finally:
        _kill(server, tmp_path)


def test_public_url_names_every_address_and_its_origin_may_connect(tmp_path):
    public = "https://school.example/units/os/workbench"
    server, port = _start_server(tmp_path, "--public-url", public)

    async def scenario() -> None:
        async with aiohttp.ClientSession() as http:
            page = await _wait_for_page(http, f"http://127.0.0.1:{port}/")
            assert 'data-session-websocket-url="wss://school.example/units/os/workbench/ws"' \
                in page
            assert f'href="{public}/static/css/xterm.css"' in page
            # a page served at the public address may open a session; another origin may not
            for origin, status in ((public, 101), ("https://evil.example", 403)):
                url = f"http://127.0.0.1:{port}/ws"
                assert await upgrade_status(http, url, origin) == status, origin

    try:
        asyncio.run(scenario())
    finally:
        _stop(server, tmp_path)


def test_page_addresses_are_relative_without_a_proxy():
    """Reached directly (or through a proxy that says nothing), the page's addresses are
    relative, so it works under whatever path it was reached at."""
    server, port = _start_server(REPO)

    async def scenario() -> str:
        async with aiohttp.ClientSession() as http:
            return await _wait_for_page(http, f"http://127.0.0.1:{port}/")

    async def icon() -> bytes:
        async with aiohttp.ClientSession() as http, \
                http.get(f"http://127.0.0.1:{port}/favicon.svg") as r:
            assert r.status == 200 and r.content_type == "image/svg+xml"
            return await r.read()

    try:
        page = asyncio.run(scenario())
        assert 'data-session-websocket-url="ws"' in page
        assert 'href="static/css/xterm.css"' in page and "127.0.0.1" not in page
        assert 'rel="icon" type="image/svg+xml" href="favicon.svg"' in page
        # the favicon is the project's one icon file
        assert asyncio.run(icon()) == (REPO / "assets" / "icon.svg").read_bytes()
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=10)
    # a public URL may be a path alone (the proxy's host is the page's own)
    server, port = _start_server(REPO, "--public-url", "/user/alice/workbench/")
    try:
        page = asyncio.run(scenario())
        assert 'data-session-websocket-url="/user/alice/workbench/ws"' in page
        assert 'href="/user/alice/workbench/static/css/xterm.css"' in page
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=10)


# The smallest real PNG: one transparent pixel.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def test_lesson_figures_through_a_public_url_path(tmp_path):
    """A lesson's figure link is relative to the page, so behind a proxy under a path it
    resolves under that path; the server answers it with the picture's type, and nothing
    outside the lessons' assets/ folders (a symlink out, a folder up, another file)."""
    lessons = tmp_path / "lessons"
    assets = lessons / "16-pictures" / "assets"
    assets.mkdir(parents=True)
    (assets / "stack.png").write_bytes(PNG)
    (assets / "graph.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>\n")
    (lessons / "16-pictures" / "steps.toml").write_text("# not a figure\n")
    (tmp_path / "secret.svg").write_text("<svg>private</svg>\n")
    (assets / "leak.svg").symlink_to(tmp_path / "secret.svg")
    proxy_port = free_port("tcp")
    public = f"http://127.0.0.1:{proxy_port}{PREFIX}"
    server, port = _start_server(tmp_path, "--public-url", public,
                                 env={**os.environ, "WB_LESSONS": str(lessons)})

    async def scenario() -> None:
        runner, _ = await _proxy(f"http://127.0.0.1:{port}", proxy_port)
        try:
            async with aiohttp.ClientSession() as http:
                page = await _wait_for_page(http, public + "/")
                assert f'href="{public}/favicon.svg"' in page
                for link, kind, body in (
                        ("lessons/16-pictures/assets/stack.png", "image/png", PNG),
                        ("assets/stack.png", "image/png", PNG),
                        ("lessons/16-pictures/assets/graph.svg", "image/svg+xml", None)):
                    async with http.get(urljoin(public + "/", link)) as r:
                        assert r.status == 200 and r.content_type == kind, link
                        assert body is None or await r.read() == body, link
                for link in ("assets/leak.svg", "lessons/16-pictures/assets/leak.svg",
                             "assets/..%2Fsteps.toml", "lessons/16-pictures/steps.toml",
                             "lessons/..%2F..%2Fsecret.svg/assets/graph.svg",
                             "lessons/16-pictures/assets/..%2F..%2F..%2Fsecret.svg",
                             "assets/missing.png"):
                    async with http.get(urljoin(public + "/", link)) as r:
                        assert r.status == 404, link
                        assert "private" not in await r.text(), link
        finally:
            await runner.cleanup()

    try:
        asyncio.run(scenario())
    finally:
        _stop(server, tmp_path)
