"""What the Linux guest runs for each application the baseline knows, and its init script.

Each service is made from the recipe's own data, so both systems serve the same thing: the
zone file the DNS appliance compiles in, the site folder the web appliance compiles in, the
greeting hello prints. The init script reports on the unikernels' channels: `boot phase=init`
when init starts, `ready app=NAME` once the service's socket is open (read from
/proc/net/udp or /proc/net/tcp), and for hello the exit status on port 0xf4.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from workbench.core.baseline.cpio import Entry, host_program, with_libraries
from workbench.core.builder.generators.site import CONTENT_TYPES, collect_site
from workbench.core.builder.generators.zonefile import parse_zone
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.resolve import Resolution
from workbench.i18n import _

# QEMU's user-mode network, as the unikernels are configured for it.
GUEST_ADDRESS = "10.0.2.15/24"
GATEWAY = "10.0.2.2"
EXIT_SUCCESS = 0x10  # written to isa-debug-exit: QEMU exits with 33, "success"


@dataclass
class Service:
    app: str
    files: dict = field(default_factory=dict, repr=False)  # path -> cpio.Entry
    start: str = ""  # shell lines that start it (in the background for a server)
    proto: str | None = None  # the socket it serves on, if it is a server
    port: int | None = None
    network: bool = False


def _hello(res: Resolution) -> Service:
    greeting = str(res.options.get("hello", {}).get("greeting", "Hello from a unikernel!"))
    start = f"port tele 'ready app=hello'\necho {shlex.quote(greeting)}\nport exit {EXIT_SUCCESS}\n"
    return Service("hello", start=start)


NSD_CONF = """server:
  ip-address: 0.0.0.0
  port: {port}
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "/etc/nsd"
  database: ""
  zonelistfile: "/tmp/zone.list"
  xfrdfile: "/tmp/xfrd.state"
  xfrdir: "/tmp"
  pidfile: "/tmp/nsd.pid"
  logfile: "/dev/console"
  server-count: 1
  verbosity: 2
  rrl-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: "{origin}"
  zonefile: "zone"
"""


def _dns(res: Resolution) -> Service:
    opts = res.options.get("dns", {})
    path = res.recipe.resolve_path(str(opts.get("zone", "")))
    if not path.is_file():
        raise WorkbenchError(_("the zone file does not exist"), file=path,
                             key="options.dns.zone", hint=_("paths are relative to the recipe"))
    text = path.read_text()
    zone = parse_zone(text, path)
    port = int(opts.get("port", 53))
    files: dict = {}
    with_libraries(host_program("/usr/sbin/nsd", "nsd"), files)
    files["etc/nsd/zone"] = Entry(data=text.encode())
    files["etc/nsd/nsd.conf"] = Entry(data=NSD_CONF.format(port=port, origin=zone.origin).encode())
    return Service("dns", files, "nsd -d -c /etc/nsd/nsd.conf &\n", "udp", port, True)


NGINX_CONF = """user root;
worker_processes 1;
master_process off;
daemon off;
error_log stderr warn;
pid /tmp/nginx.pid;
events {{ worker_connections 1024; }}
http {{
  types {{
{types}
  }}
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  server {{
    listen {port};
    root /site;
    index index.html;
  }}
}}
"""


def _httpd(res: Resolution) -> Service:
    opts = res.options.get("httpd", {})
    port = int(opts.get("port", 80))
    files: dict = {}
    for f in collect_site(res.recipe.resolve_path(str(opts.get("site", "")))):
        files["site" + f.path] = Entry(data=f.data)
    with_libraries(host_program("/usr/sbin/nginx", "nginx-light"), files)
    types = "\n".join(f'    "{ctype}" {suffix[1:]};'
                      for suffix, ctype in sorted(CONTENT_TYPES.items()))
    conf = NGINX_CONF.format(types=types, port=port)
    files["etc/nginx/nginx.conf"] = Entry(data=conf.encode())
    for d in ("var/lib/nginx", "var/log/nginx"):
        files[d] = Entry(0o755, is_dir=True)
    return Service("httpd", files, "nginx -c /etc/nginx/nginx.conf &\n", "tcp", port, True)


SERVICES = {"hello": _hello, "dns": _dns, "httpd": _httpd}


def service_for(res: Resolution) -> Service:
    app = res.recipe.application
    make = SERVICES.get(app)
    if make is None:
        raise WorkbenchError(_("the Linux baseline has no guest for the application "
                               "{name}").format(name=repr(app)),
                             file=res.recipe.path, key="application",
                             hint=_("baselines exist for: {names}").format(
                                 names=", ".join(SERVICES)))
    return make(res)


def _wait_for_socket(proto: str, port: int) -> str:
    """Shell lines that wait until a socket listens on `port` (hex in /proc/net/*)."""
    state = " 0A " if proto == "tcp" else " 07 "  # LISTEN, or an unconnected UDP socket
    return (f"until grep -q ':{port:04X} 00000000:0000{state}' /proc/net/{proto}; "
            f"do sleep 0.01; done\n")


def init_script(modules: list[str], service: Service) -> str:
    """/init: mount, load the network driver, start the service, report, wait."""
    lines = ["#!/bin/sh", "export PATH=/bin:/usr/sbin:/usr/bin",
             "mount -t proc proc /proc", "mount -t sysfs sys /sys",
             "mount -t devtmpfs dev /dev", "mount -t tmpfs tmp /tmp",
             "port tele 'boot phase=init'"]
    if service.network:
        lines += [f"insmod {m}" for m in modules]
        lines += ["ip link set lo up", f"ip addr add {GUEST_ADDRESS} dev eth0",
                  "ip link set eth0 up", f"ip route add default via {GATEWAY}"]
    script = "\n".join(lines) + "\n" + service.start
    if service.proto:
        script += _wait_for_socket(service.proto, service.port)
        script += f"port tele 'ready app={service.app}'\n"
        script += "while true; do sleep 3600; done\n"
    else:
        script += "poweroff -f\n"
    return script
