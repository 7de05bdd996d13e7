"""The workbench UI: in the terminal (`tui`) or in web browsers (`serve`)."""

from __future__ import annotations

import sys
from pathlib import Path

from workbench.i18n import _


def cmd_tui(args) -> int:
    from workbench.tui.app import run_app  # Textual: +335 ms on every other command

    ws = getattr(args, "workspace", None)
    return run_app(recipe=getattr(args, "recipe", None), workspace=Path(ws) if ws else None)


def cmd_serve(args) -> int:
    from workbench.tui.serve import serve  # Textual: see cmd_tui

    where = _("unix socket {path}").format(path=args.unix_socket) if args.unix_socket else \
        f"http://{args.host}:{args.port}/"
    print(_("serving the workbench at {where}  (Ctrl-C to stop)").format(
        where=args.public_url or where), file=sys.stderr)
    return serve(args.host, args.port, args.recipe, allow_origins=tuple(args.allow_origin or ()),
                 public_url=args.public_url,
                 sessions_dir=Path(args.sessions_dir) if args.sessions_dir else None,
                 unix_socket=Path(args.unix_socket) if args.unix_socket else None)


def add_commands(sub) -> None:
    s = sub.add_parser("tui", help=_("open the workbench UI"))
    s.add_argument("recipe", nargs="?")
    s.set_defaults(fn=cmd_tui)

    s = sub.add_parser("serve", help=_("serve the workbench UI to web browsers (for classrooms)"))
    s.add_argument("recipe", nargs="?")
    s.add_argument("--host", default="127.0.0.1",
                   help=_("address to listen on (default 127.0.0.1)"))
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--unix-socket", metavar="PATH",
                   help=_("listen on this unix socket instead of a TCP port (for a proxy on the "
                          "same machine, e.g. jupyter-server-proxy; only the socket's owner and "
                          "those its folder lets in can connect)"))
    s.add_argument("--allow-origin", action="append", metavar="ORIGIN",
                   help=_("also accept browser pages from ORIGIN, e.g. https://proxy.example "
                          "(repeatable; by default only the server's own origin)"))
    s.add_argument("--public-url", metavar="URL",
                   help=_("where browsers reach the server through a proxy, e.g. "
                          "https://school.example/workbench (else X-Forwarded-* headers, "
                          "else addresses relative to the page)"))
    s.add_argument("--sessions-dir", metavar="DIR",
                   help=_("one folder per browser session, its builds inside "
                          "(default: build/sessions/ here)"))
    s.set_defaults(fn=cmd_serve)
