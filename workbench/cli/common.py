"""What every command shares: the recipe it names, its resolution and build, JSON output."""

from __future__ import annotations

import json
import sys
from pathlib import Path

EXIT_USER_ERROR = 2


def _catalogue(args):
    from workbench.core.model.catalogue import load_catalogue

    ws = getattr(args, "workspace", None)
    return load_catalogue(workspace=Path(ws) if ws else None)


def _resolution(args):
    from workbench.core.model.recipe import find_recipe, load_recipe
    from workbench.core.model.resolve import resolve

    recipe = load_recipe(find_recipe(args.recipe))
    return resolve(recipe, _catalogue(args))


def _print_json(data) -> None:
    print(json.dumps(data, indent=2, default=str))


def _kib(n: int) -> str:
    from workbench.core.inspect.image import human_bytes

    return human_bytes(n)


def _build(args, res=None):
    from workbench.core.build.pipeline import build

    res = res or _resolution(args)
    out = Path(args.out) if getattr(args, "out", None) else None

    def progress(kind, data):
        if not getattr(args, "json", False) and kind == "compile":
            print(f"  CC  {data['component']}: {Path(data['source']).name}", file=sys.stderr)
        elif not getattr(args, "json", False) and kind == "link":
            print(f"  LD  {data['image']}", file=sys.stderr)

    return build(res, out, args.toolchain, on_event=progress)
