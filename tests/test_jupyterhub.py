"""The workbench in JupyterHub, with the real thing: JupyterHub and its configurable-http-proxy,
DummyAuthenticator, SimpleLocalProcessSpawner (each user a home of their own), single-user
servers running from the wheel installed in a fresh environment, where jupyter-server-proxy
finds the workbench through its entry point. Two users log in, each opens
/user/NAME/workbench/ and starts a workbench session, which runs in their own home; a
request without log-in is refused. Each user's workbench listens on a unix socket in a folder
only that user may enter, never on a TCP port (on a shared machine, any user could reach
another's 127.0.0.1 port), and JupyterLab's launcher and the page show the project's icon
from the installed package."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, process_pids
from tests.test_serve import listening
from tests.test_wheel import _build_wheel, _fresh_venv
from workbench.core.run.appliance import free_port

pytest.importorskip("jupyterhub", reason="the JupyterHub test needs jupyterhub "
                    "(WB_SETUP_TESTS=1 scripts/setup.sh installs it)")
pytest.importorskip("jupyter_server_proxy", reason="needs jupyter-server-proxy")
aiohttp = pytest.importorskip("aiohttp")

pytestmark = pytest.mark.slow

CONFIG = """
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.JupyterHub.db_url = "sqlite:///{tmp}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{tmp}/cookie_secret"
c.ConfigurableHTTPProxy.pid_file = "{tmp}/proxy.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{tmp}/homes/{{username}}"
c.Spawner.cmd = ["{python}", "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/tree"
c.Spawner.args = ["--allow-root"]  # the test machine runs as root; a hub never should
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {{"WB_CACHE": "{cache}", "PYTHONPATH": ""}}
"""


def _hub_config(tmp: Path, python: Path) -> tuple[Path, int]:
    port = free_port("tcp")
    text = CONFIG.format(port=port, hub_port=free_port("tcp"), api_port=free_port("tcp"),
                         tmp=tmp, python=python, cache=os.environ["WB_CACHE"])
    (tmp / "homes").mkdir()
    path = tmp / "jupyterhub_config.py"
    path.write_text(text)
    return path, port


async def _log_in(http, hub: str, user: str) -> None:
    async with http.get(f"{hub}/hub/login") as r:
        form = await r.text()
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form)
    data = {"username": user, "password": "any"}
    if xsrf:
        data["_xsrf"] = xsrf.group(1)
    async with http.post(f"{hub}/hub/login?next=", data=data, allow_redirects=False) as r:
        assert r.status in (302, 303), await r.text()
    async with http.get(f"{hub}/hub/spawn/{user}") as r:  # start the user's server
        assert r.status == 200, await r.text()


async def _open_workbench(http, hub: str, user: str, timeout: float) -> str:
    """The workbench page at /user/NAME/workbench/, once the user's server has started."""
    url = f"{hub}/user/{user}/workbench/"
    deadline = time.monotonic() + timeout
    while True:
        async with http.get(url) as r:
            text = await r.text()
            if r.status == 200 and "Unikernel Workbench" in text and "textual" in text.lower():
                return text
        if time.monotonic() > deadline:
            raise AssertionError(f"{url}: {r.status} {text[:300]}")
        await asyncio.sleep(1)


async def _icons(http, hub: str, user: str) -> None:
    """The launcher entry's icon (served by jupyter-server-proxy from the path the workbench
    gave) and the page's favicon are the project's icon, assets/icon.svg."""
    icon = (REPO / "assets" / "icon.svg").read_bytes()
    async with http.get(f"{hub}/user/{user}/server-proxy/servers-info") as r:
        entry = next(s for s in (await r.json())["server_processes"] if s["name"] == "workbench")
    assert entry["launcher_entry"]["title"] == "Unikernel Workbench", entry
    for url in (entry["launcher_entry"]["icon_url"], f"/user/{user}/workbench/favicon.svg"):
        async with http.get(hub + url) as r:
            assert r.status == 200 and await r.read() == icon, url


async def _session(http, hub: str, user: str, port: int) -> None:
    """Open the page's websocket (through the hub's proxy, with the user's cookies) and wait
    for the first screen's bytes."""
    ws_url = f"ws://127.0.0.1:{port}/user/{user}/workbench/ws?width=100&height=30"
    async with http.ws_connect(ws_url, headers={"Origin": hub}) as ws:
        got = 0
        deadline = time.monotonic() + 60
        while got < 2000 and time.monotonic() < deadline:
            msg = await ws.receive(timeout=60)
            if msg.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
                got += len(msg.data)
            elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                              aiohttp.WSMsgType.ERROR):
                break
        assert got >= 2000, f"{user}'s workbench session sent {got} bytes"


@pytest.mark.skipif(not shutil.which("configurable-http-proxy"),
                    reason="JupyterHub's proxy, configurable-http-proxy (npm), is not installed "
                           "(WB_SETUP_TESTS=1 scripts/setup.sh installs it)")
def test_two_hub_users_each_get_their_own_workbench(tmp_path):
    wheel = _build_wheel(tmp_path)
    bin_dir = _fresh_venv(tmp_path / "venv", wheel)
    # the dependencies come from this environment (see _fresh_venv), and so does the
    # configuration that enables jupyter-server-proxy, which pip puts in <venv>/etc/jupyter
    shutil.copytree(Path(sys.prefix) / "etc" / "jupyter", tmp_path / "venv" / "etc" / "jupyter")
    config, port = _hub_config(tmp_path, bin_dir / "python")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("WB_HOME", None)
    hub_exe = Path(sys.executable).parent / "jupyterhub"
    hub = subprocess.Popen([hub_exe, "-f", config], cwd=tmp_path, env=env,
                           stdout=open(tmp_path / "hub.log", "w"), stderr=subprocess.STDOUT,
                           start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    async def scenario() -> None:
        async with aiohttp.ClientSession() as anonymous:
            deadline = time.monotonic() + 90
            while True:
                try:
                    async with anonymous.get(f"{base}/hub/health") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                assert hub.poll() is None and time.monotonic() < deadline, \
                    (tmp_path / "hub.log").read_text()[-3000:]
                await asyncio.sleep(0.5)
            # without log-in: sent to the log-in page, never the workbench
            async with anonymous.get(f"{base}/user/alice/workbench/") as r:
                assert "/hub/login" in str(r.url) and "Unikernel Workbench" not in await r.text()
        for user in ("alice", "bob"):
            # the hub's address is an IP address: keep its cookies all the same
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
                await _log_in(http, base, user)
                page = await _open_workbench(http, base, user, 120)
                assert f"/user/{user}/workbench/static/" in page
                await _icons(http, base, user)
                await _session(http, base, user, port)

    try:
        asyncio.run(scenario())
        # each user's workbench listens on a unix socket in a folder of mode 0700, nowhere else
        servers = process_pids("-m workbench serve", program=str(bin_dir / "python"))
        assert len(servers) == 2, servers
        for pid in servers:
            sockets = listening(pid)
            assert len(sockets) == 1 and sockets[0].startswith("unix /"), sockets
            folder = Path(sockets[0].split(" ", 1)[1]).parent
            assert folder.stat().st_mode & 0o777 == 0o700, oct(folder.stat().st_mode)
            assert folder.stat().st_uid == os.getuid()
        # each user's session ran in that user's home (its own sessions folder)
        for user in ("alice", "bob"):
            sessions = tmp_path / "homes" / user / "build" / "sessions"
            assert sessions.is_dir() and any(sessions.iterdir()), \
                (tmp_path / "hub.log").read_text()[-3000:]
    finally:
        os.killpg(hub.pid, signal.SIGTERM)
        try:
            hub.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(hub.pid, signal.SIGKILL)
            hub.wait()
        for pid in process_pids(str(tmp_path)):
            os.kill(pid, signal.SIGKILL)
