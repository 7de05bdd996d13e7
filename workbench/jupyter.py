"""The workbench in JupyterHub: a jupyter-server-proxy server named `workbench`.

Installed with the package (entry point group `jupyter_serverproxy_servers`), it puts a
"Unikernel Workbench" launcher in each user's JupyterLab and serves the workbench at
`/user/NAME/workbench/`: jupyter-server-proxy starts `workbench serve` inside the user's own
single-user server, when the user first opens it, behind the hub's log-in. So each hub user
has their own home (progress, workspace), build folders and QEMUs.

The workbench listens on a unix socket in a folder of its own that only the user may enter
(jupyter-server-proxy makes it), not on a TCP port: on a hub whose users share one machine
(a local-process spawner, The Littlest JupyterHub), any of them could connect to another's
127.0.0.1 port and drive their workbench without the hub's log-in.
"""

from __future__ import annotations

import sys

from workbench.core.model.catalogue import shipped_dir

# the launcher's icon: the project's one icon, assets/icon.svg (in a wheel, its package data)
ICON = shipped_dir("assets") / "icon.svg"


def setup_workbench() -> dict:
    """jupyter-server-proxy's description of the server (see its `ServerProcess`)."""
    return {
        # {base_url} is the user's prefix, /user/NAME/; the proxy takes it off the requests,
        # and the page's addresses put it back
        "command": [sys.executable, "-m", "workbench", "serve", "--unix-socket", "{unix_socket}",
                    "--public-url", "{base_url}workbench/"],
        "unix_socket": True,  # a new folder of mode 0700 made by the proxy, and a socket in it
        "timeout": 60,
        "absolute_url": False,
        "new_browser_tab": True,
        "launcher_entry": {"enabled": True, "title": "Unikernel Workbench",
                           "icon_path": str(ICON)},
    }
