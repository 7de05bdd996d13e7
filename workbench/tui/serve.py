"""`workbench serve`: the same UI in a web browser, through textual-serve.

The websocket drives a whole workbench (builds, QEMU), so any web page the learner visits must
not be able to open it: a browser always sends the page's `Origin` with a websocket upgrade,
and an upgrade from an origin that is not this server's own (or one named with
`--allow-origin`, e.g. a classroom proxy) is refused with 403. Origins are compared, not the
`Host` header, so a page on another name that resolves to this machine (DNS rebinding) is
refused too.
"""

from __future__ import annotations

import shlex
import socket
import sys
from ipaddress import ip_address
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
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


class CheckedServer(Server):
    """textual-serve's server, refusing websocket upgrades from other origins."""

    def __init__(self, *args, allow_origins: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_origins = tuple(allow_origins)

    async def handle_websocket(self, request: web.Request):
        origin = request.headers.get("Origin")
        if not origin_allowed(origin, request.host, self.host, self.port, self.allow_origins):
            print(f"refused a websocket from origin {origin} (not this server's own; "
                  "allow it with --allow-origin)", file=sys.stderr)
            return web.Response(status=403, text=f"websocket refused: origin {origin} is not this "
                                f"server's own; start the server with --allow-origin {origin} "
                                "to allow it\n")
        return await super().handle_websocket(request)


def serve(host: str = "127.0.0.1", port: int = 8000, recipe: str | None = None,
          allow_origins: tuple[str, ...] = ()) -> int:
    """Serve the workbench UI at http://host:port/ (each browser tab runs its own workbench)."""
    command = f"{shlex.quote(sys.executable)} -m workbench tui"
    if recipe:
        command += f" {shlex.quote(recipe)}"
    server = CheckedServer(command, host=host, port=port, title="Unikernel Workbench",
                           allow_origins=allow_origins)
    server.serve()
    return 0
