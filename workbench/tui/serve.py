"""`workbench serve`: the same UI in a web browser, through textual-serve."""

from __future__ import annotations

import shlex
import sys


def serve(host: str = "127.0.0.1", port: int = 8000, recipe: str | None = None) -> int:
    """Serve the workbench UI at http://host:port/ (each browser tab runs its own workbench)."""
    from textual_serve.server import Server

    command = f"{shlex.quote(sys.executable)} -m workbench tui"
    if recipe:
        command += f" {shlex.quote(recipe)}"
    server = Server(command, host=host, port=port, title="Unikernel Workbench")
    server.serve()
    return 0
