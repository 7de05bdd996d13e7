"""The command line: a thin view over the core. `workbench` with no arguments opens the TUI.

Every command that a program may read has `--json`. A user error prints a short report (file,
key, line, what would be valid) and exits with status 2; it never prints a traceback.
"""

from __future__ import annotations

import argparse
import sys

from workbench.core.model.errors import WorkbenchError

from . import baseline, build, catalogue, compare, learn, run, ui
from .common import EXIT_USER_ERROR, print_json


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="workbench",
        description="Assemble, inspect and boot unikernels. With no command, opens the workbench UI.",
    )
    p.add_argument("--workspace", help="a folder of your own components (overrides built-in ones)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for module in (catalogue, build, run, compare, baseline, ui, learn):
        module.add_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    fn = getattr(args, "fn", ui.cmd_tui)
    try:
        return fn(args) or 0
    except WorkbenchError as e:
        if getattr(args, "json", False):
            print_json(e.to_dict())
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as e:  # the file system said no: a full disk, a permission, a file gone
        where = f"{e.filename}: " if e.filename else ""
        print(f"error: {where}{e.strerror or e}", file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())
