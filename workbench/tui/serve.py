"""`workbench serve`: the same UI in a web browser, through textual-serve.

The websocket drives a whole workbench (builds, QEMU), so any web page the learner visits must
not be able to open it: a browser always sends the page's `Origin` with a websocket upgrade,
and an upgrade from an origin that is not this server's own (or one named with
`--allow-origin`, e.g. a classroom proxy) is refused with 403. Origins are compared, not the
`Host` header, so a page on another name that resolves to this machine (DNS rebinding) is
refused too.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import signal
import socket
import sys
import tempfile
import time
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from workbench.core.learn.material import lessons_dir
from workbench.core.learn.progress import current_language
from workbench.core.model.catalogue import shipped_dir
from workbench.core.model.paths import is_inside

from .i18n import _, language, use_language

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WEB = Path(__file__).parent / "web"  # the page (textual-serve's, adapted)
ICON = shipped_dir("assets") / "icon.svg"  # the favicon, also JupyterLab's launcher icon
QUIT_GRACE_S = 0.8  # on Ctrl-C, how long a session may take to quit before it is killed
FIGURE_SUFFIXES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
                   ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
                   ".dot": "text/plain; charset=utf-8"}
log = logging.getLogger("workbench.serve")
ANY_ADDRESS = ("0.0.0.0", "::", "")


def _normal(origin: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin such as http://127.0.0.1:8000, or None if it is not one."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or port is None:
        return None
    return parts.scheme, parts.hostname.lower(), port


def _is_ip(name: str) -> bool:
    try:
        ip_address(name)
    except ValueError:
        return False
    return True


def own_hosts(bind_host: str) -> set[str]:
    """The host names a page of this server itself can have, for a server bound to `bind_host`."""
    hosts = {bind_host.lower()}
    if bind_host in LOOPBACK_NAMES or bind_host in ANY_ADDRESS:
        hosts.update(LOOPBACK_NAMES)
    if bind_host in ANY_ADDRESS:
        hosts.update({socket.gethostname().lower(), socket.getfqdn().lower()})
    return hosts


def origin_allowed(origin: str | None, host_header: str, bind_host: str, port: int,
                   extra: tuple[str, ...] = ()) -> bool:
    """Whether a websocket upgrade carrying `origin` (sent to `host_header`) may drive this
    server's workbench."""
    if origin is None:  # not a browser: a page cannot send an upgrade without its origin
        return True
    seen = _normal(origin)
    if seen is None:
        return False
    if seen in {_normal(o) for o in extra}:
        return True
    _scheme, host, seen_port = seen
    if seen_port != port:
        return False
    if host in own_hosts(bind_host):
        return True
    # listening on every address, a page loaded from one of its IP addresses is its own (an
    # address cannot be rebound to another machine the way a name can)
    target = _normal(f"http://{host_header}")
    return bind_host in ANY_ADDRESS and _is_ip(host) and target is not None and target[1] == host


class SessionServer(Server):
    """textual-serve's server for a class: each browser session runs its own `workbench tui`
    in its own folder (so its own build folder), the page works behind a proxy under any
    path, lesson figures and a favicon are served, nothing comes from the internet, and
    Ctrl-C ends every session (and so its QEMU) at once."""

    def __init__(self, command: str, *args, sessions_dir: Path, public_url: str | None = None,
                 unix_socket: Path | None = None, **kwargs):
        super().__init__(command, *args, templates_path=WEB, **kwargs)
        self.fixed_url = public_url.rstrip("/") if public_url else None
        self.unix_socket = unix_socket  # listen there instead of on host:port
        self.sessions_dir = Path(sessions_dir)
        self.sessions: set[AppService] = set()

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.add_routes([
            web.get("/favicon.ico", self.handle_favicon, name="favicon.ico"),
            web.get("/favicon.svg", self.handle_favicon, name="favicon"),
            web.get("/assets/{name}", self.handle_figure, name="figure"),
            web.get("/lessons/{lesson}/assets/{name}", self.handle_figure, name="lesson-figure"),
        ])
        return app

    def base_url(self, request: web.Request) -> str | None:
        """Where browsers reach this server: `--public-url`, else what a proxy says in
        X-Forwarded-Proto/-Host/-Prefix, else None (the page then uses relative addresses)."""
        return self.fixed_url or self.forwarded_url(request)

    def forwarded_url(self, request: web.Request) -> str | None:
        """The address a proxy in front says the page has (X-Forwarded-*), or None."""
        h = request.headers
        if not any(k in h for k in ("X-Forwarded-Host", "X-Forwarded-Proto",
                                    "X-Forwarded-Prefix")):
            return None
        proto = _first(h, "X-Forwarded-Proto", request.scheme)
        if proto not in ("http", "https"):
            proto = request.scheme
        prefix = "/" + _first(h, "X-Forwarded-Prefix", "").strip("/")
        return f"{proto}://{_first(h, 'X-Forwarded-Host', request.host)}{prefix.rstrip('/')}"

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        base = self.base_url(request)
        prefix = f"{base}/" if base else ""  # relative to the page without a known base
        ws = f"{base}/ws" if base else "ws"  # made absolute in the page, from its address
        if base and base.startswith(("http:", "https:")):
            ws = ("wss:" if base.startswith("https:") else "ws:") + base.split(":", 1)[1] + "/ws"
        return {"font_size": to_int(request.query.get("fontsize", "16"), 16),
                "app_websocket_url": ws, "favicon_url": prefix + "favicon.svg",
                "config": {"static": {"url": prefix + "static/"}},
                "application": {"name": self.title}, "lang": language(),
                "words": {"start": _("Start"), "restart": _("Restart"),
                          "ended": _("Session ended.")}}

    async def handle_favicon(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(ICON, headers={"Content-Type": "image/svg+xml"})

    async def handle_figure(self, request: web.Request) -> web.StreamResponse:
        """A lesson's figure: /lessons/NAME/assets/FILE, or /assets/FILE (the link a lesson's
        text gives, relative to the page), looked up in every lesson's assets/ folder. Only
        pictures (and Graphviz sources) inside the lessons folder are served, with their type."""
        name, lesson = request.match_info["name"], request.match_info.get("lesson")
        suffix = Path(name).suffix.lower()
        if suffix not in FIGURE_SUFFIXES or name.startswith(".") or "/" in name or \
                (lesson is not None and (lesson.startswith(".") or "/" in lesson)):
            raise web.HTTPNotFound(text="no such figure\n")
        root = lessons_dir()
        folders = [root / lesson / "assets"] if lesson else sorted(root.glob("*/assets"))
        for folder in folders:
            if (folder / name).is_file() and is_inside(folder / name, root):
                return web.FileResponse(folder / name,
                                        headers={"Content-Type": FIGURE_SUFFIXES[suffix]})
        raise web.HTTPNotFound(text=f"no figure named {name}\n")

    def _session_folder(self) -> Path:
        self.sessions_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"),
                                     dir=self.sessions_dir))

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's session, with the app started in its own folder and kept in
        `self.sessions` until it ends."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        service: AppService | None = None
        try:
            await websocket.prepare(request)
            folder = shlex.quote(str(self._session_folder()))
            service = AppService(f"cd {folder} && exec {self.command}",
                                 write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                                 close=websocket.close, download_manager=self.download_manager,
                                 debug=self.debug)
            self.sessions.add(service)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one broken session must not end the server
            log.exception(error)
        finally:
            if service is not None:
                await _end_session(service, QUIT_GRACE_S)
                self.sessions.discard(service)
        return websocket

    async def on_shutdown(self, app: web.Application) -> None:
        """Ctrl-C: every session is asked to quit, and killed if it has not within the grace
        time (its QEMU dies with it); then the page's websockets close."""
        await asyncio.gather(*(_end_session(s, QUIT_GRACE_S) for s in list(self.sessions)))

    def serve(self, debug: bool = False) -> None:
        """As textual-serve's, but without waiting a minute for open websockets on Ctrl-C."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.request_exit)
        where = {"path": str(self.unix_socket)} if self.unix_socket else \
            {"host": self.host, "port": self.port}
        web.run_app(self._make_app(), **where, handle_signals=False, loop=loop,
                    print=lambda *args: None, shutdown_timeout=QUIT_GRACE_S)


def _first(headers, key: str, default: str) -> str:
    """The first value of a header a chain of proxies may have appended to."""
    return (headers.get(key) or default).split(",")[0].strip()


async def _end_session(service: AppService, grace: float) -> None:
    """Ask one session's app to quit; kill it after `grace` seconds."""
    process = getattr(service, "_process", None)
    if process is not None and process.returncode is None:
        try:
            await service.send_meta({"type": "quit"})
            await asyncio.wait_for(process.wait(), grace)
        except (asyncio.TimeoutError, OSError, RuntimeError):
            if process.returncode is None:
                process.kill()
                await process.wait()
    task = getattr(service, "_task", None)  # its reader ends at the app's end of output
    if task is not None:
        await asyncio.wait({task}, timeout=grace)


class CheckedServer(SessionServer):
    """textual-serve's server, refusing websocket upgrades from other origins."""

    def __init__(self, *args, allow_origins: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_origins = tuple(allow_origins)

    async def handle_websocket(self, request: web.Request):
        origin = request.headers.get("Origin")
        # the address a proxy says it serves the page at is this server's own (a page in a
        # browser cannot set X-Forwarded-* on its websocket)
        forwarded = (self.forwarded_url(request),) if self.forwarded_url(request) else ()
        # on a unix socket no page has the server's own origin: only a proxy's pages have
        port = -1 if self.unix_socket else self.port
        if not origin_allowed(origin, request.host, self.host, port,
                              self.allow_origins + forwarded):
            print(f"refused a websocket from origin {origin} (not this server's own; "
                  "allow it with --allow-origin)", file=sys.stderr)
            return web.Response(status=403, text=f"websocket refused: origin {origin} is not this "
                                f"server's own; start the server with --allow-origin {origin} "
                                "to allow it\n")
        return await super().handle_websocket(request)


def serve(host: str = "127.0.0.1", port: int = 8000, recipe: str | None = None,
          allow_origins: tuple[str, ...] = (), public_url: str | None = None,
          sessions_dir: Path | None = None, unix_socket: Path | None = None) -> int:
    """Serve the workbench UI at http://host:port/, or on `unix_socket` for a proxy on the
    same machine (each browser tab runs its own workbench, in its own folder of
    `sessions_dir`, by default ./build/sessions/)."""
    command = f"{shlex.quote(sys.executable)} -m workbench tui"
    use_language(current_language())  # the page's title; each session picks its own again
    if recipe:
        if Path(recipe).exists():  # a file named relative to here: each session runs elsewhere
            recipe = str(Path(recipe).resolve())
        command += f" {shlex.quote(recipe)}"
    if public_url:
        allow_origins = (*allow_origins, public_url)  # its pages are this server's own
    server = CheckedServer(command, host=host, port=port, title=_("Unikernel Workbench"),
                           allow_origins=allow_origins, public_url=public_url,
                           sessions_dir=sessions_dir or Path.cwd() / "build" / "sessions",
                           unix_socket=unix_socket)
    server.serve()
    return 0
